// RunnerDaemon: `kjudge runner` — leases one job at a time from the server (long-poll), judges
// it with a JobExecutor while a heartbeat thread keeps the lease alive and forwards progress
// events, and posts the result once. It keeps nothing but its compile cache and the problem
// versions it has fetched: it may be killed at any moment, and the server requeues its job when
// the lease runs out.
//
// Thread safety: Run() blocks on the calling thread until `stop` is requested; it starts one
// heartbeat thread per job.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>

#include "kjudge/problem/bundle.h"
#include "kjudge/runner/job_executor.h"
#include "kjudge/runner/lease_client.h"

namespace kjudge::runner {

struct RunnerOptions {
  std::string server_url;
  std::string token;
  std::string gpu;       ///< catalogue name (H100, cpu, ...)
  std::string name;      ///< shown in leases and runs; defaults to host-gpu-device
  int lease_wait_s = 20; ///< long-poll duration
  std::int64_t heartbeat_interval_ms = 15'000;  ///< a quarter of the server's default lease
  ExecutorOptions executor;
};

class RunnerDaemon {
 public:
  explicit RunnerDaemon(RunnerOptions options);

  /// Serves until `stop` is requested. A job in progress when stop arrives is finished and posted
  /// first (graceful), unless `stop` is requested twice... the caller kills the process for that.
  /// Errors only for a configuration the server refuses (bad token: kUnauthenticated).
  Status Run(std::stop_token stop);

  /// Jobs judged so far (tests, metrics).
  std::int64_t jobs_done() const { return jobs_done_; }

 private:
  Result<const problem::ProblemBundle*> Bundle(const std::string& content_hash);
  void JudgeOne(const LeasedJob& job, std::stop_token stop);

  RunnerOptions options_;
  LeaseClient client_;
  JobExecutor executor_;
  std::map<std::string, std::unique_ptr<problem::ProblemBundle>> bundles_;
  std::int64_t jobs_done_ = 0;
};

}  // namespace kjudge::runner
