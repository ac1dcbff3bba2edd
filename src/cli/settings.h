// Settings: a subcommand's options, each resolved from three layers in order of precedence:
// the command-line flag, then the KJUDGE_<NAME> environment variable, then the YAML config file
// given by --config (section named after the subcommand, then top level). CLI11 handles the first
// two; ApplyConfigFile fills what neither set, through the same option so its validators run.
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

  /// Fills options that neither a flag nor the environment set, from the --config file, and sets up
  /// logging. A missing or malformed file, or an unknown key in it, is a configuration error.
  Status Resolve();

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
