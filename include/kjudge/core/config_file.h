// The optional YAML config file (`--config`): the lowest layer of settings, below command-line
// flags and KJUDGE_* environment variables.
//
// Shape: scalar keys at the top level apply to every subcommand; a mapping named after a
// subcommand holds that subcommand's keys and wins over the top level:
//
//   log_level: info
//   serve:   {db: /var/lib/kjudge/kjudge.db, listen: "0.0.0.0:8080", problems: /srv/problems}
//   runner:  {server: "https://judge.example.org", gpu: H100}
//
// Keys use the long flag name with '-' or '_' (`local-runner` or `local_runner`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge {

class ConfigFile {
 public:
  /// An empty config (no file given).
  ConfigFile() = default;

  /// Parses `path`. Errors name the file and line: "kjudge.yaml:3:5: ...".
  static Result<ConfigFile> Load(const std::string& path);
  /// Parses YAML text; `origin` names it in error messages.
  static Result<ConfigFile> Parse(std::string_view text, const std::string& origin);

  /// The value for `key` in `section`, else at the top level. Sequences come back as
  /// one element per entry.
  std::optional<std::vector<std::string>> Lookup(std::string_view section, std::string_view key) const;

  /// Keys present in the file that `known` does not list, as "section.key" or "key", so a typo
  /// is an error instead of a silently ignored setting.
  std::vector<std::string> UnknownKeys(const std::map<std::string, std::vector<std::string>>& known) const;

 private:
  // "section.key" or ".key" (top level) -> values
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

/// Canonical key form: lower case, '-' replaced by '_'.
std::string NormalizeConfigKey(std::string_view key);

}  // namespace kjudge
