// LeaseClient: the runner's side of the job protocol (docs/api.md, "Runner protocol").
//   POST /api/runner/lease                    long-poll for one job of our GPU type
//   POST /api/runner/jobs/{id}/heartbeat      extend the lease while judging
//   POST /api/runner/jobs/{id}/events         progress events (compiling, case i of n, ...)
//   PUT  /api/runner/jobs/{id}/profile-report a profile run's Nsight Compute report (raw bytes),
//                                             before the result; a repeat replaces it
//   POST /api/runner/jobs/{id}/result         the final result, once; a repeat with the same
//                                             lease id is harmless, a stale lease is refused
//   GET  /api/runner/problems/{hash}          a problem version's judging files
// Every call carries the runner token. Thread safety: as HttpClient (calls are independent).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "kjudge/core/result.h"
#include "kjudge/runner/http_client.h"

namespace kjudge::runner {

/// One job as the server hands it out.
struct LeasedJob {
  std::int64_t job_id = 0;
  std::string lease_id;
  std::int64_t lease_expires_ms = 0;
  std::int64_t submission_id = 0;
  std::string mode;         ///< test | benchmark | leaderboard | profile
  std::string gpu;          ///< catalogue name of the GPU type the job is for
  std::string language;     ///< cpp | cuda | hip
  std::string file_name;
  std::string source;
  std::string problem_name;
  std::string problem_hash; ///< content hash of the problem version
  int attempt = 1;

  static Result<LeasedJob> FromJson(const nlohmann::json& j);
  nlohmann::json ToJson() const;
};

/// A problem version's judging files, as served to runners.
struct ProblemBundleFiles {
  std::string content_hash;
  std::map<std::string, std::string> files;  ///< relative path -> content
};

class LeaseClient {
 public:
  LeaseClient(HttpClient client, std::string runner_name, std::string gpu);

  /// Waits up to `wait_s` on the server for a job; nullopt when none came.
  Result<std::optional<LeasedJob>> Lease(int wait_s, int capacity_gpus = 1);
  /// Extends the lease; returns the new expiry. kFailedPrecondition when the lease is no longer ours.
  Result<std::int64_t> Heartbeat(const LeasedJob& job);
  Status Events(const LeasedJob& job, const nlohmann::json& events);
  /// Uploads a profile run's Nsight Compute report (at most 64 MiB) while the lease holds the
  /// job, before Complete; the server attaches it to the run Complete records. kFailedPrecondition
  /// when the lease is stale, kInvalidArgument when the server refuses the report (too large).
  Status UploadProfileReport(const LeasedJob& job, const std::string& bytes, const std::string& file_name);
  /// Posts the final result; kFailedPrecondition when the lease is stale (someone else has the job).
  Status Complete(const LeasedJob& job, const nlohmann::json& result);
  Result<ProblemBundleFiles> FetchProblem(const std::string& content_hash);

 private:
  Result<nlohmann::json> Post(const std::string& path, const nlohmann::json& body, int timeout_s);

  HttpClient client_;
  std::string runner_name_;
  std::string gpu_;
};

}  // namespace kjudge::runner
