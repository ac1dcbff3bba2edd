#include "kjudge/store/run_repository.h"

#include <algorithm>
#include <string>

#include "kjudge/store/log_cap.h"
#include "row_reading.h"

namespace kjudge::store {

namespace {

#define KJ_RUN_COLUMNS                                                                                          \
  "id, job_id, submission_id, attempt, verdict, message, cases_json, score_ns, sol_ratio, compile_log, run_log, " \
  "device, runner, started_ms, finished_ms, profile_json"

Result<Run> ReadRun(const Statement& row) {
  Run run;
  run.id = row.Int(0);
  run.job_id = row.Int(1);
  run.submission_id = row.Int(2);
  run.attempt = static_cast<int>(row.Int(3));
  KJ_ASSIGN_OR_RETURN(run.verdict, ColumnEnum<Verdict>(row, 4));
  run.message = row.Text(5);
  run.cases_json = row.Text(6);
  run.score_ns = row.OptionalDouble(7);
  run.sol_ratio = row.OptionalDouble(8);
  run.compile_log = row.Text(9);
  run.run_log = row.Text(10);
  run.device = row.Text(11);
  run.runner = row.Text(12);
  run.started_ms = row.Int(13);
  run.finished_ms = row.Int(14);
  run.profile_json = row.OptionalText(15);
  return run;
}

Result<Run> LoadRun(Connection& c, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_RUN_COLUMNS " FROM runs WHERE id = ?", id));
  return SingleRow<Run>(stmt, ReadRun, Describe("run", id));
}

// The one-line message is shown in tables and chat: keep it a line, not a log.
constexpr std::size_t kMaxMessageBytes = 4096;

}  // namespace

Result<Run> RunRepository::Record(const NewRun& run) {
  if (run.finished_ms < run.started_ms) {
    return MakeError(ErrorCode::kInvalidArgument, "a run cannot finish before it starts");
  }
  const std::string compile_log = CapLog(run.compile_log);
  const std::string run_log = CapLog(run.run_log);
  const std::string message = CapLog(run.message, kMaxMessageBytes);
  return session_.Write([&](Connection& c) -> Result<Run> {
    KJ_ASSIGN_OR_RETURN(Statement job, c.Query("SELECT submission_id, attempts FROM jobs WHERE id = ?", run.job_id));
    KJ_ASSIGN_OR_RETURN(bool found, job.Step());
    if (!found) return MakeError(ErrorCode::kNotFound, Describe("job", run.job_id) + " not found");
    const std::int64_t submission_id = job.Int(0);
    // A job recorded without ever being leased (an in-process judge) is on its first attempt.
    const std::int64_t attempt = std::max<std::int64_t>(1, job.Int(1));
    KJ_RETURN_IF_ERROR(RequireValidJson(c, run.cases_json, "a run's per-case results"));
    Status inserted = c.Exec(
        "INSERT INTO runs(job_id, submission_id, attempt, verdict, message, cases_json, score_ns, sol_ratio, "
        "compile_log, run_log, device, runner, started_ms, finished_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        run.job_id, submission_id, attempt, Name(run.verdict), message, run.cases_json, run.score_ns, run.sol_ratio,
        compile_log, run_log, run.device, run.runner, run.started_ms, run.finished_ms);
    if (!inserted.ok()) {
      if (inserted.error().code == ErrorCode::kAlreadyExists) {
        return MakeError(ErrorCode::kAlreadyExists, Describe("job", run.job_id) + " attempt " +
                                                        std::to_string(attempt) + " already has a result");
      }
      return inserted.error();
    }
    return LoadRun(c, c.LastInsertId());
  });
}

Result<Run> RunRepository::Get(std::int64_t id) {
  return session_.Read([&](Connection& c) { return LoadRun(c, id); });
}

Status RunRepository::SetProfile(std::int64_t id, const std::string& profile_json) {
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(RequireValidJson(c, profile_json, "a run's profile summary"));
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE runs SET profile_json = ? WHERE id = ?", profile_json, id));
    if (c.Changes() == 0) return MakeError(ErrorCode::kNotFound, Describe("run", id) + " not found");
    return Ok();
  });
}

Result<std::vector<Run>> RunRepository::ListByJob(std::int64_t job_id) {
  return session_.Read([&](Connection& c) -> Result<std::vector<Run>> {
    // UNIQUE (job_id, attempt) is the index for this.
    KJ_ASSIGN_OR_RETURN(Statement stmt,
                        c.Query("SELECT " KJ_RUN_COLUMNS " FROM runs WHERE job_id = ? ORDER BY attempt", job_id));
    return CollectRows<Run>(stmt, ReadRun);
  });
}

Result<std::vector<Run>> RunRepository::ListBySubmission(std::int64_t submission_id) {
  return session_.Read([&](Connection& c) -> Result<std::vector<Run>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_RUN_COLUMNS " FROM runs WHERE submission_id = ? ORDER BY id",
                                                submission_id));
    return CollectRows<Run>(stmt, ReadRun);
  });
}

}  // namespace kjudge::store
