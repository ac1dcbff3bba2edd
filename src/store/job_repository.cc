#include "kjudge/store/job_repository.h"

#include <string>

#include "row_reading.h"

namespace kjudge::store {

namespace {

#define KJ_JOB_COLUMNS                                                                                   \
  "id, submission_id, user_id, gpu, mode, status, priority, attempts, max_attempts, lease_id, lease_owner, " \
  "lease_expires_ms, created_ms, updated_ms, last_error"

Result<Job> ReadJob(const Statement& row) {
  Job job;
  job.id = row.Int(0);
  job.submission_id = row.Int(1);
  job.user_id = row.Int(2);
  job.gpu = row.Text(3);
  KJ_ASSIGN_OR_RETURN(job.mode, ColumnEnum<Mode>(row, 4));
  KJ_ASSIGN_OR_RETURN(job.status, ColumnEnum<JobStatus>(row, 5));
  job.priority = static_cast<int>(row.Int(6));
  job.attempts = static_cast<int>(row.Int(7));
  job.max_attempts = static_cast<int>(row.Int(8));
  job.lease_id = row.OptionalText(9);
  job.lease_owner = row.OptionalText(10);
  job.lease_expires_ms = row.OptionalInt(11);
  job.created_ms = row.Int(12);
  job.updated_ms = row.Int(13);
  job.last_error = row.Text(14);
  return job;
}

Result<Job> LoadJob(Connection& c, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_JOB_COLUMNS " FROM jobs WHERE id = ?", id));
  return SingleRow<Job>(stmt, ReadJob, Describe("job", id));
}

Error WrongStatus(const Job& job, std::string_view wanted) {
  return MakeError(ErrorCode::kFailedPrecondition,
                   Describe("job", job.id) + " is " + std::string(Name(job.status)) + ", " + std::string(wanted));
}

}  // namespace

Result<Job> JobRepository::Create(const NewJob& job) {
  if (job.gpu.empty() || job.gpu.size() > 64) {
    return MakeError(ErrorCode::kInvalidArgument, "a job's GPU type must be 1-64 characters");
  }
  if (job.max_attempts < 1) return MakeError(ErrorCode::kInvalidArgument, "a job needs max_attempts >= 1");
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Result<Job> {
    KJ_ASSIGN_OR_RETURN(Statement owner, c.Query("SELECT user_id FROM submissions WHERE id = ?", job.submission_id));
    KJ_ASSIGN_OR_RETURN(bool found, owner.Step());
    if (!found) return MakeError(ErrorCode::kNotFound, Describe("submission", job.submission_id) + " not found");
    KJ_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO jobs(submission_id, user_id, gpu, mode, priority, max_attempts, created_ms, updated_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        job.submission_id, owner.Int(0), job.gpu, Name(job.mode), job.priority, job.max_attempts, now, now));
    return LoadJob(c, c.LastInsertId());
  });
}

Result<Job> JobRepository::Get(std::int64_t id) {
  return session_.Read([&](Connection& c) { return LoadJob(c, id); });
}

Result<std::vector<Job>> JobRepository::ListByStatus(JobStatus status, std::optional<std::string_view> gpu,
                                                     std::size_t limit) {
  const auto max_rows = static_cast<std::int64_t>(limit);
  return session_.Read([&](Connection& c) -> Result<std::vector<Job>> {
    // Two texts rather than "(? IS NULL OR gpu = ?)", so each can use the jobs_queue index fully.
    Result<Statement> stmt =
        gpu ? c.Query("SELECT " KJ_JOB_COLUMNS " FROM jobs WHERE status = ? AND gpu = ?"
                      " ORDER BY priority DESC, created_ms, id LIMIT ?",
                      Name(status), *gpu, max_rows)
            : c.Query("SELECT " KJ_JOB_COLUMNS " FROM jobs WHERE status = ?"
                      " ORDER BY priority DESC, created_ms, id LIMIT ?",
                      Name(status), max_rows);
    if (!stmt.ok()) return stmt.error();
    return CollectRows<Job>(*stmt, ReadJob);
  });
}

Result<std::vector<Job>> JobRepository::ListBySubmission(std::int64_t submission_id) {
  return session_.Read([&](Connection& c) -> Result<std::vector<Job>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt,
                        c.Query("SELECT " KJ_JOB_COLUMNS " FROM jobs WHERE submission_id = ? ORDER BY id", submission_id));
    return CollectRows<Job>(stmt, ReadJob);
  });
}

Result<Job> JobRepository::AssignLease(std::int64_t id, const LeaseGrant& lease) {
  if (lease.lease_id.empty()) return MakeError(ErrorCode::kInvalidArgument, "a lease needs an id");
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Result<Job> {
    KJ_ASSIGN_OR_RETURN(Job job, LoadJob(c, id));
    if (job.status != JobStatus::kQueued) return WrongStatus(job, "not queued");
    if (job.attempts >= job.max_attempts) {
      return MakeError(ErrorCode::kFailedPrecondition, Describe("job", id) + " has used all " +
                                                           std::to_string(job.max_attempts) + " attempts");
    }
    KJ_RETURN_IF_ERROR(c.Exec(
        "UPDATE jobs SET status = 'leased', attempts = attempts + 1, lease_id = ?, lease_owner = ?, "
        "lease_expires_ms = ?, updated_ms = ? WHERE id = ?",
        lease.lease_id, lease.owner, lease.expires_ms, now, id));
    return LoadJob(c, id);
  });
}

Result<Job> JobRepository::UpdateStatus(std::int64_t id, JobStatus status, std::optional<std::string_view> error,
                                        std::optional<JobStatus> expected) {
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Result<Job> {
    KJ_ASSIGN_OR_RETURN(Job job, LoadJob(c, id));
    if (expected && job.status != *expected) {
      return WrongStatus(job, "not " + std::string(Name(*expected)));
    }
    if (!CanTransition(job.status, status)) {
      return WrongStatus(job, "it cannot become " + std::string(Name(status)));
    }
    if ((status == JobStatus::kLeased || status == JobStatus::kRunning) && !job.lease_id) {
      return WrongStatus(job, "and has no lease to be " + std::string(Name(status)) + " under");
    }
    // A job back in the queue belongs to no runner; a finished one keeps its lease id so a
    // repeated result post from that lease can be recognised.
    const bool requeue = status == JobStatus::kQueued;
    KJ_RETURN_IF_ERROR(c.Exec(
        "UPDATE jobs SET status = ?, last_error = coalesce(?, last_error), updated_ms = ?, "
        "lease_id = CASE WHEN ? THEN NULL ELSE lease_id END, "
        "lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END, "
        "lease_expires_ms = CASE WHEN ? THEN NULL ELSE lease_expires_ms END WHERE id = ?",
        Name(status), error, now, requeue, requeue, requeue, id));
    return LoadJob(c, id);
  });
}

Result<Job> JobRepository::ExtendLease(std::int64_t id, std::string_view lease_id, std::int64_t expires_ms) {
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Result<Job> {
    KJ_ASSIGN_OR_RETURN(Job job, LoadJob(c, id));
    if ((job.status != JobStatus::kLeased && job.status != JobStatus::kRunning) || job.lease_id != lease_id) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       Describe("job", id) + " is not held under this lease (it is " + std::string(Name(job.status)) + ")");
    }
    KJ_RETURN_IF_ERROR(
        c.Exec("UPDATE jobs SET lease_expires_ms = ?, updated_ms = ? WHERE id = ?", expires_ms, now, id));
    return LoadJob(c, id);
  });
}

}  // namespace kjudge::store
