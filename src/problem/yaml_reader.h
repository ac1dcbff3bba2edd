// YamlReader: typed, located, non-throwing reads of yaml-cpp nodes for the spec parser. Every
// failed read records a Diagnostic at the offending node ("file:line:col: key.path: message") and
// returns nullopt, so the parser carries on and reports every error of a file in one pass.
//
// Private to the problem module. Not thread-safe (one reader per parse).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/problem/diagnostic.h"

namespace kjudge::problem::detail {

class YamlReader {
 public:
  YamlReader(std::string file, std::string_view text) : file_(std::move(file)), text_(text) {}

  const std::string& file() const { return file_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  std::vector<Diagnostic> TakeDiagnostics() { return std::move(diagnostics_); }
  std::size_t error_count() const { return diagnostics_.size(); }

  /// Where `node` starts; `fallback` when yaml-cpp has no position for it (e.g. an empty value).
  SourceLocation Where(const YAML::Node& node, SourceLocation fallback = {}) const;
  /// Where a scalar's text starts: after an opening quote, or on the line after a '|' or '>'.
  SourceLocation ContentStart(const YAML::Node& node) const;

  void Error(SourceLocation at, std::string message);
  void Error(const YAML::Node& node, std::string message) { Error(Where(node), std::move(message)); }

  /// One map entry, in file order.
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  /// The entries of a map at `path` (for messages; "" for the top level). Reports (and drops) keys
  /// that are not plain strings, duplicates, and keys outside `allowed` (with a did-you-mean
  /// hint) unless `allowed` is empty. nullopt if `node` is not a map.
  std::optional<std::vector<Entry>> Map(const YAML::Node& node, std::string_view path,
                                        std::span<const std::string_view> allowed);
  /// Reports every name of `required` missing from `entries`, at `where`.
  void RequireKeys(const std::vector<Entry>& entries, std::string_view path,
                   std::span<const std::string_view> required, SourceLocation where);

  /// The elements of a sequence; nullopt (reported) if `node` is not one.
  std::optional<std::vector<YAML::Node>> Sequence(const YAML::Node& node, std::string_view path);

  /// A scalar's text, plain or quoted.
  std::optional<std::string> String(const YAML::Node& node, std::string_view path);
  /// A plain (unquoted) decimal number, finite, in [min, max].
  std::optional<double> Number(const YAML::Node& node, std::string_view path, double min, double max);
  /// A plain (unquoted) decimal integer in [min, max].
  std::optional<std::int64_t> Integer(const YAML::Node& node, std::string_view path, std::int64_t min,
                                      std::int64_t max);
  /// A plain (unquoted) decimal integer in [0, 2^64).
  std::optional<std::uint64_t> Unsigned(const YAML::Node& node, std::string_view path);

  /// "a map", "a list", "nothing", "a quoted string", "'abc'".
  static std::string Describe(const YAML::Node& node);
  /// True for a scalar written without quotes (YAML gives those a type from their text).
  static bool IsPlainScalar(const YAML::Node& node);

 private:
  std::string file_;
  std::string_view text_;
  std::vector<Diagnostic> diagnostics_;
};

/// "a.b" (or "b" when `a` is empty).
std::string JoinPath(std::string_view a, std::string_view b);
/// "a[3]".
std::string IndexPath(std::string_view a, std::size_t index);

}  // namespace kjudge::problem::detail
