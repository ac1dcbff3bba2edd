// JobQueue: the judging work queue on top of the store's jobs table. Jobs move
// queued -> leased -> done / failed / cancelled, each move in one transaction:
//  * Lease hands the next job for a GPU type to a runner: tests before benchmarks, and fair share
//    between users (the user with the fewest jobs being judged goes first, so one user's hundred
//    submissions cannot starve another's one).
//  * A lease lasts lease_ms and is extended by heartbeats; an expired lease puts the job back in
//    the queue until it has used max_attempts, then fails it with the reason.
//  * Complete records the run once per lease: a repeat with the same lease id is accepted and
//    changes nothing; a result from any other (stale) lease is refused.
// WaitForWork lets the HTTP long-poll sleep until a job for its GPU type is enqueued.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kjudge/core/clock.h"
#include "kjudge/core/result.h"
#include "kjudge/store/database.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/run_repository.h"

namespace kjudge::queue {

struct QueueOptions {
  /// A lease lives this long without a heartbeat. Runners heartbeat every third of it, so two lost
  /// heartbeats in a row are survived; a dead runner's job is back in the queue within a minute.
  std::int64_t lease_ms = 60'000;
};

/// What a runner reports at the end of a job (runner::RunResult, already parsed by the caller).
struct Completion {
  store::Verdict verdict = store::Verdict::kInternalError;
  std::string message;
  std::string cases_json = "[]";
  std::optional<double> score_ns;
  std::optional<double> sol_ratio;
  std::string compile_log;
  std::string run_log;
  std::string device;
  std::int64_t started_ms = 0;
};

struct CompleteOutcome {
  store::Job job;
  std::optional<store::Run> run;  ///< the run recorded now; empty for an accepted repeat
  bool repeated = false;          ///< the same lease had already completed the job
  bool requeued = false;          ///< an internal error with attempts left: the job goes round again
};

class JobQueue {
 public:
  JobQueue(store::Database& database, QueueOptions options = {});

  /// One job per (mode) for the submission on `gpu`, queued; wakes waiting runners.
  Result<std::vector<store::Job>> Enqueue(std::int64_t submission_id, const std::string& gpu,
                                          const std::vector<store::Mode>& modes);

  /// The same inside the caller's transaction (a submission and its jobs commit together); call
  /// Notify() after committing so waiting runners look again.
  Result<std::vector<store::Job>> Enqueue(store::WriteTransaction& tx, std::int64_t submission_id, const std::string& gpu,
                                          const std::vector<store::Mode>& modes);
  void Notify() { WakeAll(); }

  /// Expires stale leases, then leases the next job for `gpu` to `runner`; nullopt when none.
  Result<std::optional<store::Job>> Lease(const std::string& runner, const std::string& gpu);

  /// Extends a live lease; kFailedPrecondition when `lease_id` no longer holds the job.
  Result<store::Job> Heartbeat(std::int64_t job_id, const std::string& lease_id);

  /// Records the result of a leased job (see the file comment for repeats and stale leases).
  Result<CompleteOutcome> Complete(std::int64_t job_id, const std::string& lease_id, const std::string& runner,
                                   const Completion& completion);

  /// Cancels a job that has not finished. kFailedPrecondition when it already has.
  Result<store::Job> Cancel(std::int64_t job_id, const std::string& reason);

  /// Puts jobs whose lease expired back in the queue (or fails them after max attempts). Returns
  /// how many were touched. Lease() calls it; a server also calls it periodically.
  Result<int> ExpireLeases();

  /// A counter that moves whenever work may have appeared; read it before Lease() and pass it to
  /// WaitForWork so an enqueue between the two is not missed.
  std::uint64_t Generation();
  /// Blocks until the generation differs from `seen` (a job for some GPU may be available),
  /// or `timeout_ms` passes.
  void WaitForWork(std::uint64_t seen, std::int64_t timeout_ms);
  /// Wakes every waiter (shutdown).
  void WakeAll();

  const QueueOptions& options() const { return options_; }

 private:
  Result<int> ExpireLeasesIn(store::WriteTransaction& tx);

  store::Database& db_;
  QueueOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t generation_ = 0;  // bumped on every enqueue/requeue; guarded by mu_
};

}  // namespace kjudge::queue
