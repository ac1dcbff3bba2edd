// Running the `kjudge` CLI as a competitor does, from tests: in a scratch home directory (HOME and
// the working directory) so no developer's ~/.config/kjudge/config.yaml or KJUDGE_* variable
// leaks in, against a real `kjudge serve` (tests/e2e/server_fixture.h).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace kjudge::testing {

class CliHome {
 public:
  CliHome() {
    char pattern[] = "/tmp/kjudge-home-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  ~CliHome() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  CliHome(const CliHome&) = delete;
  CliHome& operator=(const CliHome&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  void Write(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string Read(const std::string& name) const {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  /// `kjudge args...` run in this directory with HOME pointing here; `env` adds or overrides
  /// variables ("\x01" unsets).
  ProcessResult Run(const std::vector<std::string>& args, std::map<std::string, std::string> env = {},
                    std::chrono::seconds deadline = std::chrono::seconds(120)) const {
    // sh changes directory and execs the binary; arguments travel as positional parameters, so
    // nothing needs quoting.
    std::vector<std::string> argv = {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", dir_.string(), KJUDGE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    std::map<std::string, std::string> clean = {{"HOME", dir_.string()}, {"XDG_CONFIG_HOME", "\x01"}, {"KJUDGE_SERVER", "\x01"},
                                                {"KJUDGE_TOKEN", "\x01"},  {"KJUDGE_CONFIG", "\x01"},  {"KJUDGE_GPU", "\x01"},
                                                {"KJUDGE_PROBLEM", "\x01"}, {"KJUDGE_MODE", "\x01"}, {"TERM", "dumb"}};
    for (auto& [k, v] : env) clean[k] = v;
    return RunProcess(argv, clean, deadline);
  }

 private:
  std::filesystem::path dir_;
};

/// The lines of `text`.
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline std::string Source(const std::string& relative) {
  std::ifstream in(std::string(KJUDGE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace kjudge::testing
