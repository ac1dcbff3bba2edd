// The real `kjudge serve` binary on an ephemeral loopback port with a fresh database, started for
// a test and stopped (SIGTERM) after it; plus a competitor token made with `kjudge admin`.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kjudge/sandbox/sandbox.h"
#include "kjudge/sandbox/sandbox_check.h"
#include "support/http_test_client.h"
#include "support/subprocess.h"

namespace kjudge::testing {

inline std::string KjudgeBinary() { return KJUDGE_BIN; }

/// Why the sandbox cannot run jobs on this host ("" when it can): the start-up check, then a real
/// compiler-policy run, since some containers pass the first and refuse mounts later.
inline std::string SandboxProblem() {
  auto available = sandbox::SandboxAvailable();
  if (!available.ok()) return available.error().message;
  char pattern[] = "/tmp/kjudge-probe-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  std::filesystem::permissions(dir, std::filesystem::perms(0755));
  auto ran = sandbox::RunSandboxed(sandbox::CompilerPolicy(dir), {"/bin/true"});
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (!ran.ok()) return ran.error().message;
  return ran->Succeeded() ? "" : "sandboxed /bin/true failed: " + ran->Describe();
}

}  // namespace kjudge::testing

/// Skips the test when the sandbox cannot run here, or fails it when KJUDGE_REQUIRE_SANDBOX=1 (CI).
/// A macro: GTEST_SKIP and FAIL only leave the function they are written in.
#define KJ_REQUIRE_SANDBOX()                                                         \
  do {                                                                               \
    const std::string kj_why = ::kjudge::testing::SandboxProblem();                  \
    if (!kj_why.empty()) {                                                           \
      const char* kj_require = std::getenv("KJUDGE_REQUIRE_SANDBOX");                \
      if (kj_require != nullptr && std::string(kj_require) == "1") FAIL() << kj_why; \
      GTEST_SKIP() << kj_why;                                                        \
    }                                                                                \
  } while (0)

namespace kjudge::testing {

class ServerProcess {
 public:
  /// Starts `kjudge serve` with `extra` flags; check started() and error().
  /// `dir` reuses a previous server's directory (and database) instead of a fresh one.
  explicit ServerProcess(const std::vector<std::string>& extra, std::string dir = "") : dir_(std::move(dir)) {
    if (dir_.empty()) {
      char pattern[] = "/tmp/kjudge-e2e-XXXXXX";
      dir_ = mkdtemp(pattern);
      // The sandbox runs compilers as an unprivileged uid: it must be able to reach the cache.
      std::filesystem::permissions(dir_, std::filesystem::perms(0755));
    } else {
      keep_dir_ = true;
    }
    std::vector<std::string> argv = {KjudgeBinary(), "serve", "--db", dir_ + "/kjudge.db", "--listen", "127.0.0.1:0",
                                     "--cache-dir", dir_ + "/cache"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<Subprocess>(argv);
    auto line = process_->WaitForLine("kjudge serving on http://127.0.0.1:", std::chrono::seconds(30));
    if (!line) {
      error_ = "server did not start";
      return;
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  }
  ~ServerProcess() {
    Stop();
    std::error_code ec;
    if (!keep_dir_) std::filesystem::remove_all(dir_, ec);
  }

  /// Leaves the directory (database) behind for a later ServerProcess.
  const std::string& KeepDirectory() {
    keep_dir_ = true;
    return dir_;
  }

  bool started() const { return port_ != 0; }
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string db() const { return dir_ + "/kjudge.db"; }

  /// `kjudge admin user add NAME --role ROLE`; returns the printed token ("" on failure).
  std::string AddUser(const std::string& name, const std::string& role = "competitor") {
    auto r = RunProcess({KjudgeBinary(), "admin", "user", "add", name, "--role", role, "--db", db()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string token = r.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
  }

  /// SIGTERM and wait; returns the exit status.
  ProcessResult Stop() {
    if (!process_) return {};
    process_->Signal(SIGTERM);
    auto r = process_->Wait(std::chrono::seconds(60));
    process_.reset();
    return r;
  }

 private:
  std::string dir_;
  bool keep_dir_ = false;
  std::unique_ptr<Subprocess> process_;
  std::uint16_t port_ = 0;
  std::string error_;
};

/// A client that sends `Authorization: Bearer token`.
inline std::unique_ptr<TestHttpClient> AuthedClient(std::uint16_t port, const std::string& token) {
  auto c = std::make_unique<TestHttpClient>(port);
  c->SetHeader("Authorization", "Bearer " + token);
  return c;
}

}  // namespace kjudge::testing
