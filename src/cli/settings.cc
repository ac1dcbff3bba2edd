#include "settings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "kjudge/core/config_file.h"
#include "kjudge/core/logging.h"

namespace kjudge::cli {

std::string Settings::EnvName(const std::string& option_name) {
  std::string env = "KJUDGE_";
  for (char c : option_name) env.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return env;
}

Settings::Settings(CLI::App* command, std::string section) : command_(command), section_(std::move(section)) {
  command_->add_option("--config", config_path_,
                       "YAML config file, below flags and KJUDGE_* env (default: $XDG_CONFIG_HOME/kjudge/config.yaml or "
                       "~/.config/kjudge/config.yaml, if there is one)")
      ->envname("KJUDGE_CONFIG");
  Add("log-level", &log_level_, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

CLI::Option* Settings::AddFlag(const std::string& name, bool* target, const std::string& help) {
  CLI::Option* opt = command_->add_flag("--" + name, *target, help)->envname(EnvName(name));
  options_.emplace_back(name, opt);
  return opt;
}

bool Settings::FromCommandLine(const std::string& name) const {
  for (const auto& [n, opt] : options_) {
    if (n != name) continue;
    // CLI11 records options in the order the command line gave them; environment values are
    // added afterwards without being recorded, and config values after that by Resolve.
    const auto& order = command_->parse_order();
    return std::find(order.begin(), order.end(), opt) != order.end();
  }
  return false;
}

std::string Settings::DefaultConfigPath(const char* xdg_config_home, const char* home) {
  // The XDG base directory spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  if (xdg_config_home != nullptr && xdg_config_home[0] == '/') return std::string(xdg_config_home) + "/kjudge/config.yaml";
  if (home != nullptr && home[0] != '\0') return std::string(home) + "/.config/kjudge/config.yaml";
  return "";
}

namespace {

/// The long option names of `app`, and of every subcommand below it when `recursive`.
void CollectOptionNames(const CLI::App* app, bool recursive, std::set<std::string>* names) {
  for (const CLI::Option* opt : app->get_options()) {
    for (const auto& name : opt->get_lnames()) names->insert(NormalizeConfigKey(name));
  }
  if (!recursive) return;
  for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
    CollectOptionNames(sub, true, names);
  }
}

}  // namespace

Status Settings::Resolve() {
  std::string path = config_path_;
  if (path.empty()) {
    path = DefaultConfigPath(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
    std::error_code ec;
    if (!path.empty() && !std::filesystem::exists(path, ec)) path.clear();
  }
  if (!path.empty()) {
    KJ_ASSIGN_OR_RETURN(ConfigFile config, ConfigFile::Load(path));
    // Keys of our section must be ours (or, for `problems list` and `problems validate`, a
    // sibling's: they share the section); top-level keys apply to every subcommand, so they must
    // be some subcommand's. Other sections belong to other subcommands. Anything else would be a
    // silently ignored setting, so it is an error.
    const CLI::App* root = command_;
    while (root->get_parent() != nullptr) root = root->get_parent();
    std::set<std::string> ours, everyone;
    const CLI::App* parent = command_->get_parent();
    CollectOptionNames(parent != nullptr && parent != root ? parent : command_, parent != nullptr && parent != root, &ours);
    CollectOptionNames(root, true, &everyone);
    auto unknown = config.UnknownKeys({{section_, std::vector<std::string>(ours.begin(), ours.end())}});
    unknown.erase(std::remove_if(unknown.begin(), unknown.end(),
                                 [&](const std::string& k) {
                                   if (k.find('.') != std::string::npos) return k.rfind(section_ + ".", 0) != 0;
                                   return everyone.count(k) > 0;
                                 }),
                  unknown.end());
    if (!unknown.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, path + ": unknown setting '" + unknown.front() +
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
        return MakeError(ErrorCode::kInvalidArgument, path + ": setting '" + name + "': " + e.what());
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
