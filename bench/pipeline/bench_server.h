// The real `kjudge serve --local-runner cpu` for the pipeline benchmark: a fresh database and
// compile cache in a directory of its own, the server's log in a file there (so a long run never
// blocks on a full pipe), a competitor token, and a stop with SIGTERM. Not thread-safe.
#pragma once

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace kjudge::bench {

class BenchServer {
 public:
  /// Starts the server on an ephemeral loopback port; `dir` must not exist yet. Throws on failure.
  BenchServer(const std::string& kjudge, const std::filesystem::path& dir, const std::string& problems)
      : kjudge_(kjudge), dir_(dir) {
    std::filesystem::create_directories(dir_);
    // The sandbox runs compilers as an unprivileged uid: it must be able to reach the cache.
    std::filesystem::permissions(dir_, std::filesystem::perms(0755));
    // exec through sh only to send stderr (the server's log) to a file; the pid stays the server's.
    const std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>\"$KJUDGE_BENCH_LOG\"",
                                           kjudge_, "serve", "--db", db(), "--listen", "127.0.0.1:0",
                                           "--problems", problems, "--local-runner", "cpu",
                                           "--cache-dir", (dir_ / "cache").string()};
    process_ = std::make_unique<testing::Subprocess>(argv, std::map<std::string, std::string>{{"KJUDGE_BENCH_LOG", log()}});
    auto line = process_->WaitForLine("kjudge serving on http://127.0.0.1:", std::chrono::seconds(60));
    if (!line) throw std::runtime_error("kjudge serve did not start; see " + log());
    port_ = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  }
  ~BenchServer() { Stop(); }
  BenchServer(const BenchServer&) = delete;
  BenchServer& operator=(const BenchServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string db() const { return (dir_ / "kjudge.db").string(); }
  std::string log() const { return (dir_ / "server.log").string(); }

  /// `kjudge admin user add NAME`; returns the token. Throws on failure.
  std::string AddCompetitor(const std::string& name) {
    auto r = testing::RunProcess({kjudge_, "admin", "user", "add", name, "--db", db()});
    if (r.exit_code != 0) throw std::runtime_error("kjudge admin user add failed: " + r.err);
    std::string token = r.out;
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
  }

  /// SIGTERM, then waits for the server to finish (it finishes the job in hand first).
  void Stop() {
    if (!process_) return;
    process_->Signal(SIGTERM);
    process_->Wait(std::chrono::seconds(60));
    process_.reset();
  }

 private:
  std::string kjudge_;
  std::filesystem::path dir_;
  std::unique_ptr<testing::Subprocess> process_;
  std::uint16_t port_ = 0;
};

}  // namespace kjudge::bench
