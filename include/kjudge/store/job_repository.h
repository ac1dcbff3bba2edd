// JobRepository: units of judging work (a submission on one GPU type in one mode) and their
// status. The queue module decides which job a runner gets and when a lease expires; this stores
// the typed rows and enforces the status machine (schema_enums.h, CanTransition) on every update.
//
// Thread safety: as its Session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/schema_enums.h"
#include "kjudge/store/session.h"

namespace kjudge::store {

/// Three tries: a runner dying once or twice (preempted node, OOM) does not fail a submission, a
/// submission that kills every runner it touches stops after three.
inline constexpr int kDefaultMaxAttempts = 3;

struct Job {
  std::int64_t id = 0;
  std::int64_t submission_id = 0;
  std::int64_t user_id = 0;  ///< the submission's owner (for fair sharing)
  std::string gpu;
  Mode mode = Mode::kTest;
  JobStatus status = JobStatus::kQueued;
  int priority = 0;  ///< higher runs first
  int attempts = 0;  ///< leases handed out so far
  int max_attempts = kDefaultMaxAttempts;
  std::optional<std::string> lease_id;  ///< kept after the job ends, so a repeated result post is recognised
  std::optional<std::string> lease_owner;
  std::optional<std::int64_t> lease_expires_ms;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::string last_error;  ///< why the last attempt failed, or why the job did
};

struct NewJob {
  std::int64_t submission_id = 0;
  std::string gpu;
  Mode mode = Mode::kTest;
  int priority = 0;
  int max_attempts = kDefaultMaxAttempts;
};

/// A lease handed to a runner.
struct LeaseGrant {
  std::string lease_id;
  std::string owner;  ///< the runner's name
  std::int64_t expires_ms = 0;
};

class JobRepository {
 public:
  explicit JobRepository(Session session) : session_(session) {}

  /// A queued job. kNotFound for a missing submission; kInvalidArgument for an empty GPU or
  /// max_attempts < 1.
  Result<Job> Create(const NewJob& job);
  /// kNotFound when absent.
  Result<Job> Get(std::int64_t id);
  /// Jobs in `status` (optionally of one GPU type) in queue order: priority high to low, then oldest
  /// first. At most `limit`.
  Result<std::vector<Job>> ListByStatus(JobStatus status, std::optional<std::string_view> gpu = std::nullopt,
                                        std::size_t limit = 1000);
  /// A submission's jobs, oldest first.
  Result<std::vector<Job>> ListBySubmission(std::int64_t submission_id);

  /// Moves a queued job to leased under `lease` and counts the attempt. kFailedPrecondition when the
  /// job is no longer queued (another runner got it) or has used all its attempts.
  Result<Job> AssignLease(std::int64_t id, const LeaseGrant& lease);
  /// Moves a job to `status`, recording `error` as last_error when given. Returning to kQueued
  /// clears the lease; kLeased and kRunning need a lease (use AssignLease). When `expected` is
  /// given the move happens only from that status (compare-and-set). kFailedPrecondition for a move
  /// CanTransition forbids or an unexpected current status; kNotFound when absent.
  Result<Job> UpdateStatus(std::int64_t id, JobStatus status, std::optional<std::string_view> error = std::nullopt,
                           std::optional<JobStatus> expected = std::nullopt);
  /// Pushes a live lease's expiry forward (heartbeat). kFailedPrecondition when the job is not
  /// leased or running under `lease_id`.
  Result<Job> ExtendLease(std::int64_t id, std::string_view lease_id, std::int64_t expires_ms);

 private:
  Session session_;
};

}  // namespace kjudge::store
