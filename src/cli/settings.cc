#include "settings.h"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "kjudge/core/config_file.h"
#include "kjudge/core/logging.h"

namespace kjudge::cli {

std::string Settings::EnvName(const std::string& option_name) {
  std::string env = "KJUDGE_";
  for (char c : option_name) env.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return env;
}

Settings::Settings(CLI::App* command, std::string section) : command_(command), section_(std::move(section)) {
  command_->add_option("--config", config_path_, "YAML config file (lowest precedence, below flags and KJUDGE_* env)")
      ->envname("KJUDGE_CONFIG");
  Add("log-level", &log_level_, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

CLI::Option* Settings::AddFlag(const std::string& name, bool* target, const std::string& help) {
  CLI::Option* opt = command_->add_flag("--" + name, *target, help)->envname(EnvName(name));
  options_.emplace_back(name, opt);
  return opt;
}

Status Settings::Resolve() {
  if (!config_path_.empty()) {
    KJ_ASSIGN_OR_RETURN(ConfigFile config, ConfigFile::Load(config_path_));
    std::vector<std::string> known;
    for (const auto& [name, _] : options_) known.push_back(name);
    // Keys of other subcommands' sections are fine; unknown keys of ours (or at the top level
    // that no subcommand knows) would be silently ignored settings, so they are errors.
    auto unknown = config.UnknownKeys({{section_, known}});
    unknown.erase(std::remove_if(unknown.begin(), unknown.end(),
                                 [&](const std::string& k) {
                                   return k.find('.') != std::string::npos && k.rfind(section_ + ".", 0) != 0;
                                 }),
                  unknown.end());
    if (!unknown.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, config_path_ + ": unknown setting '" + unknown.front() +
                                                        "' for 'kjudge " + section_ + "'");
    }
    for (auto& [name, opt] : options_) {
      if (opt->count() > 0) continue;
      auto values = config.Lookup(section_, name);
      if (!values || values->empty()) continue;
      try {
        for (const auto& v : *values) opt->add_result(v);
        opt->run_callback();
      } catch (const CLI::Error& e) {
        return MakeError(ErrorCode::kInvalidArgument, config_path_ + ": setting '" + name + "': " + e.what());
      }
    }
  }
  return SetupLogging(log_level_);
}

int ReportError(const Error& error, int exit_code) {
  std::string message = error.message;
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::cerr << "kjudge: " << message << "\n";
  return exit_code;
}

}  // namespace kjudge::cli
