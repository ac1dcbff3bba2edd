#include "kjudge/queue/job_queue.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

#include "kjudge/core/random.h"

namespace kjudge::queue {

using store::Job;
using store::JobRepository;
using store::JobStatus;

namespace {

// Tests give competitors their first feedback; they go before the timed modes of anyone.
int ModeRank(store::Mode mode) {
  switch (mode) {
    case store::Mode::kTest: return 0;
    case store::Mode::kBenchmark: return 1;
    case store::Mode::kProfile: return 2;
    case store::Mode::kLeaderboard: return 3;
  }
  return 4;
}

}  // namespace

JobQueue::JobQueue(store::Database& database, QueueOptions options) : db_(database), options_(options) {}

Result<std::vector<Job>> JobQueue::Enqueue(store::WriteTransaction& tx, std::int64_t submission_id,
                                           const std::string& gpu, const std::vector<store::Mode>& modes) {
  std::vector<Job> jobs;
  JobRepository repo(tx);
  for (auto mode : modes) {
    KJ_ASSIGN_OR_RETURN(Job job, repo.Create({submission_id, gpu, mode, 0, store::kDefaultMaxAttempts}));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<std::vector<Job>> JobQueue::Enqueue(std::int64_t submission_id, const std::string& gpu,
                                           const std::vector<store::Mode>& modes) {
  std::vector<Job> jobs;
  {
    KJ_ASSIGN_OR_RETURN(auto tx, db_.BeginWrite());
    KJ_ASSIGN_OR_RETURN(jobs, Enqueue(tx, submission_id, gpu, modes));
    KJ_RETURN_IF_ERROR(tx.Commit());
  }
  {
    std::lock_guard lock(mu_);
    ++generation_;
  }
  cv_.notify_all();
  return jobs;
}

Result<int> JobQueue::ExpireLeasesIn(store::WriteTransaction& tx) {
  JobRepository repo(tx);
  const std::int64_t now = db_.clock().NowMs();
  int touched = 0;
  for (JobStatus status : {JobStatus::kLeased, JobStatus::kRunning}) {
    KJ_ASSIGN_OR_RETURN(auto jobs, repo.ListByStatus(status));
    for (const Job& job : jobs) {
      if (!job.lease_expires_ms || *job.lease_expires_ms > now) continue;
      const std::string why = "lease of runner '" + job.lease_owner.value_or("?") + "' expired (attempt " +
                              std::to_string(job.attempts) + " of " + std::to_string(job.max_attempts) + ")";
      if (job.attempts >= job.max_attempts) {
        KJ_RETURN_IF_ERROR(repo.UpdateStatus(job.id, JobStatus::kFailed, why + "; no attempts left", status));
      } else {
        KJ_RETURN_IF_ERROR(repo.UpdateStatus(job.id, JobStatus::kQueued, why, status));
      }
      ++touched;
    }
  }
  return touched;
}

Result<int> JobQueue::ExpireLeases() {
  KJ_ASSIGN_OR_RETURN(auto tx, db_.BeginWrite());
  KJ_ASSIGN_OR_RETURN(int touched, ExpireLeasesIn(tx));
  KJ_RETURN_IF_ERROR(tx.Commit());
  if (touched > 0) {
    {
      std::lock_guard lock(mu_);
      ++generation_;
    }
    cv_.notify_all();
  }
  return touched;
}

Result<std::optional<Job>> JobQueue::Lease(const std::string& runner, const std::string& gpu) {
  KJ_ASSIGN_OR_RETURN(auto tx, db_.BeginWrite());
  KJ_RETURN_IF_ERROR(ExpireLeasesIn(tx));
  JobRepository repo(tx);
  KJ_ASSIGN_OR_RETURN(auto queued, repo.ListByStatus(JobStatus::kQueued, gpu));
  if (queued.empty()) {
    KJ_RETURN_IF_ERROR(tx.Commit());
    return std::optional<Job>();
  }
  std::map<std::int64_t, int> active_per_user;
  for (JobStatus status : {JobStatus::kLeased, JobStatus::kRunning}) {
    KJ_ASSIGN_OR_RETURN(auto active, repo.ListByStatus(status));
    for (const Job& j : active) ++active_per_user[j.user_id];
  }
  const Job* best = nullptr;
  auto key = [&](const Job& j) {
    return std::make_tuple(-j.priority, active_per_user[j.user_id], ModeRank(j.mode), j.created_ms, j.id);
  };
  for (const Job& j : queued) {
    if (best == nullptr || key(j) < key(*best)) best = &j;
  }
  store::LeaseGrant grant{RandomHex(16), runner, db_.clock().NowMs() + options_.lease_ms};
  KJ_ASSIGN_OR_RETURN(Job leased, repo.AssignLease(best->id, grant));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return std::optional<Job>(std::move(leased));
}

Result<Job> JobQueue::Heartbeat(std::int64_t job_id, const std::string& lease_id) {
  return JobRepository(db_).ExtendLease(job_id, lease_id, db_.clock().NowMs() + options_.lease_ms);
}

Result<CompleteOutcome> JobQueue::Complete(std::int64_t job_id, const std::string& lease_id, const std::string& runner,
                                           const Completion& c) {
  KJ_ASSIGN_OR_RETURN(auto tx, db_.BeginWrite());
  JobRepository jobs(tx);
  KJ_ASSIGN_OR_RETURN(Job job, jobs.Get(job_id));
  CompleteOutcome outcome;
  const bool ours = job.lease_id && *job.lease_id == lease_id;
  if (store::IsTerminal(job.status) && ours && job.status != JobStatus::kCancelled) {
    outcome.job = job;
    outcome.repeated = true;
    return outcome;
  }
  if (!ours || (job.status != JobStatus::kLeased && job.status != JobStatus::kRunning)) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "job " + std::to_string(job_id) + " is not leased under this lease (it expired or was reassigned)");
  }
  const std::int64_t now = db_.clock().NowMs();
  // The lease owner names the runner instance ("user/host-gpu0"); the caller only knows the account.
  store::NewRun run{job_id,    c.verdict, c.message, c.cases_json, c.score_ns, c.sol_ratio, c.compile_log,
                    c.run_log, c.device,  job.lease_owner.value_or(runner),
                    std::min(c.started_ms > 0 ? c.started_ms : now, now), now};
  KJ_ASSIGN_OR_RETURN(store::Run recorded, store::RunRepository(tx).Record(run));
  outcome.run = recorded;
  if (c.verdict == store::Verdict::kInternalError && job.attempts < job.max_attempts) {
    // Our fault, not the competitor's: try again on another (or the same) runner.
    KJ_ASSIGN_OR_RETURN(outcome.job, jobs.UpdateStatus(job_id, JobStatus::kQueued, "internal error: " + c.message));
    outcome.requeued = true;
  } else if (c.verdict == store::Verdict::kInternalError) {
    KJ_ASSIGN_OR_RETURN(outcome.job, jobs.UpdateStatus(job_id, JobStatus::kFailed, "internal error: " + c.message));
  } else {
    KJ_ASSIGN_OR_RETURN(outcome.job, jobs.UpdateStatus(job_id, JobStatus::kDone));
  }
  KJ_RETURN_IF_ERROR(tx.Commit());
  if (outcome.requeued) {
    {
      std::lock_guard lock(mu_);
      ++generation_;
    }
    cv_.notify_all();
  }
  return outcome;
}

Result<Job> JobQueue::Cancel(std::int64_t job_id, const std::string& reason) {
  KJ_ASSIGN_OR_RETURN(auto tx, db_.BeginWrite());
  JobRepository jobs(tx);
  KJ_ASSIGN_OR_RETURN(Job job, jobs.Get(job_id));
  if (store::IsTerminal(job.status)) {
    return MakeError(ErrorCode::kFailedPrecondition, "job " + std::to_string(job_id) + " has already finished");
  }
  KJ_ASSIGN_OR_RETURN(Job cancelled, jobs.UpdateStatus(job_id, JobStatus::kCancelled, reason, job.status));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return cancelled;
}

std::uint64_t JobQueue::Generation() {
  std::lock_guard lock(mu_);
  return generation_;
}

void JobQueue::WaitForWork(std::uint64_t seen, std::int64_t timeout_ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return generation_ != seen; });
}

void JobQueue::WakeAll() {
  {
    std::lock_guard lock(mu_);
    ++generation_;
  }
  cv_.notify_all();
}

}  // namespace kjudge::queue
