// Settings: a subcommand's options, each resolved from three layers in order of precedence:
// the command-line flag, then the KJUDGE_<NAME> environment variable, then the YAML config file
// (section named after the subcommand, then top level). The file is the one --config (or
// KJUDGE_CONFIG) names, which must exist; without either, the user's default file,
// $XDG_CONFIG_HOME/kjudge/config.yaml or ~/.config/kjudge/config.yaml, if there is one. CLI11
// handles the first two layers; Resolve fills what neither set, through the same option so its
// validators run.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::cli {

class Settings {
 public:
  /// Adds --config and --log-level to `command`; `section` is its key in the config file.
  Settings(CLI::App* command, std::string section);

  /// Adds `--name` (env KJUDGE_NAME, config key `name`) bound to `target`, which holds its default.
  template <typename T>
  CLI::Option* Add(const std::string& name, T* target, const std::string& help) {
    CLI::Option* opt = command_->add_option("--" + name, *target, help)->envname(EnvName(name));
    if constexpr (!std::is_same_v<T, std::vector<std::string>>) opt->capture_default_str();
    options_.emplace_back(name, opt);
    return opt;
  }

  /// A boolean switch `--name` (env KJUDGE_NAME=1/true, config `name: true`).
  CLI::Option* AddFlag(const std::string& name, bool* target, const std::string& help);

  /// Whether `--name` was given on the command line itself (not through the environment or the
  /// config file): for settings that something more specific (a file's directives) may override.
  bool FromCommandLine(const std::string& name) const;

  /// Fills options that neither a flag nor the environment set, from the config file, and sets up
  /// logging. A missing --config file, a malformed file (the error names file:line:col), or a key
  /// that no subcommand knows is a configuration error; a missing default file is not.
  Status Resolve();

  /// The config file that applies when --config is not given: `xdg_config_home`/kjudge/config.yaml
  /// when that is an absolute path, else `home`/.config/kjudge/config.yaml; "" when neither is set.
  static std::string DefaultConfigPath(const char* xdg_config_home, const char* home);

  static std::string EnvName(const std::string& option_name);

 private:
  CLI::App* command_;
  std::string section_;
  std::string config_path_;
  std::string log_level_ = "info";
  std::vector<std::pair<std::string, CLI::Option*>> options_;
};

/// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;      ///< success
inline constexpr int kExitFailed = 1;  ///< the requested thing failed
inline constexpr int kExitUsage = 2;   ///< usage or configuration error

/// Prints "kjudge: <message>" as one line on stderr and returns `exit_code`.
int ReportError(const Error& error, int exit_code);

}  // namespace kjudge::cli
