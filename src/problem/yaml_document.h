// Loading one YAML document safely: the single place yaml-cpp parses untrusted text. Rejects
// oversized and non-UTF-8 input before yaml-cpp sees it, turns its exceptions into located
// diagnostics, and works around yaml-cpp 0.7's YAML::LoadAll, which loops forever (allocating
// without bound) on inputs such as a stray ',' at the top level.
//
// Private to the problem module. Thread safety: a pure function.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string_view>

#include "kjudge/problem/diagnostic.h"

namespace kjudge::problem::detail {

struct YamlDocument {
  YAML::Node root;                                   ///< the first document
  std::optional<SourceLocation> second_document_at;  ///< where a second document starts, if any
};

/// Parses the first document of `text`. On failure records a diagnostic in `*error` (its `file`
/// left empty for the caller to fill) and returns nullopt. `max_bytes` bounds the input.
std::optional<YamlDocument> LoadYamlDocument(std::string_view text, std::size_t max_bytes, Diagnostic* error);

/// 1-based position of a yaml-cpp mark; unknown (0) when yaml-cpp has none.
SourceLocation ToLocation(const YAML::Mark& mark);

/// Offset of the first byte that is not part of a well-formed UTF-8 sequence, if any.
std::optional<std::size_t> FirstInvalidUtf8(std::string_view text);

}  // namespace kjudge::problem::detail
