// Shared set-up of the sandbox tests: a fresh work directory per test, a host-program policy with
// the sandbox_probe fixture copied in at /probe/sandbox_probe, and helpers to run it and to look
// for processes on the host by a marker in their command line.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kjudge/sandbox/sandbox.h"
#include "kjudge/sandbox/sandbox_check.h"

namespace kjudge::sandbox::testing {

namespace fs = std::filesystem;

inline constexpr const char* kProbe = "/probe/sandbox_probe";

/// Process ids on the host whose command line contains `marker`.
inline std::vector<pid_t> HostProcessesWith(const std::string& marker) {
  std::vector<pid_t> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    if (cmdline.find(marker) != std::string::npos) found.push_back(std::stoi(name));
  }
  return found;
}

/// A marker no other test process uses.
inline std::string UniqueMarker(const std::string& what) {
  static int n = 0;
  return "kjudge-marker-" + what + "-" + std::to_string(getpid()) + "-" + std::to_string(n++);
}

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status available = SandboxAvailable();
    if (!available.ok()) {
      // CI sets KJUDGE_REQUIRE_SANDBOX=1 so that a broken host fails instead of skipping.
      if (std::getenv("KJUDGE_REQUIRE_SANDBOX") != nullptr) FAIL() << available.error().message;
      GTEST_SKIP() << available.error().message;
    }
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    work_ = fs::temp_directory_path() /
            ("kjudge-sandbox-" + std::to_string(getpid()) + "-" + info->test_suite_name() + "-" + info->name());
    fs::remove_all(work_);
    fs::create_directories(work_);
    policy_ = HostProgramPolicy(work_);
    policy_.copied_files.push_back({SANDBOX_PROBE_PATH, kProbe, 0555});
    policy_.limits.wall_limit_ms = 20'000;
    // Where the host's run cgroups must go when the runner's own cgroup cannot hold them (cgroup
    // v2 with processes in it, as on the GPU machine): a delegated directory.
    if (const char* parent = std::getenv("KJUDGE_SANDBOX_CGROUP_PARENT")) policy_.cgroup_parent = parent;
  }
  void TearDown() override {
    std::error_code ec;
    if (!work_.empty()) fs::remove_all(work_, ec);
  }

  std::vector<std::string> ProbeArgs(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {kProbe};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  /// Runs the probe; a sandbox error fails the test.
  SandboxResult Probe(const std::vector<std::string>& args, const std::vector<PassedFd>& fds = {}) {
    auto r = RunSandboxed(policy_, ProbeArgs(args), fds);
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (!r.ok()) return SandboxResult{};
    return std::move(r).value();
  }

  /// The probe's one-line answer ("ok", "errno=EPERM") for an operation.
  std::string Attempt(const std::vector<std::string>& args) {
    SandboxResult r = Probe(args);
    std::string line = r.out.data;
    while (!line.empty() && line.back() == '\n') line.pop_back();
    return line;
  }

  fs::path work_;
  SandboxPolicy policy_;
};

}  // namespace kjudge::sandbox::testing
