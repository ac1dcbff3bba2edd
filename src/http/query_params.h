// QueryParams: the query string of a request target ("?problem=vectoradd&limit=20"), split into
// percent-decoded name/value pairs, with typed reads that name the parameter in their errors.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::http {

class QueryParams {
 public:
  /// Parses the part of `target` after '?' (up to '#'); '+' decodes to a space.
  explicit QueryParams(std::string_view target);

  /// The first value of `name`; nullopt when absent. An empty value ("gpu=") counts as absent.
  std::optional<std::string> Get(std::string_view name) const;
  /// An integer in [min, max], or `fallback` when absent. kInvalidArgument naming the parameter
  /// when it is not a whole number or out of range.
  Result<std::int64_t> Int(std::string_view name, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  /// kInvalidArgument naming the first parameter not in `known`, so a typo ("gpus=H100") is an
  /// error instead of a silently unfiltered answer.
  Status OnlyKnown(std::initializer_list<std::string_view> known) const;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
};

}  // namespace kjudge::http
