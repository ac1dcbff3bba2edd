#include "popcorn_views.h"

#include <algorithm>
#include <charconv>

#include "kjudge/core/clock.h"
#include "kjudge/store/audit_repository.h"
#include "kjudge/store/hack_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "access.h"
#include "popcorn_queries.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http::popcorn {

namespace {

using beast_http::status;

/// How much of a compile or run log a failed job's error carries: enough for the first errors,
/// small enough for a terminal.
constexpr std::size_t kLogExcerptBytes = 4096;

std::string Excerpt(const std::string& log) {
  if (log.size() <= kLogExcerptBytes) return log;
  return log.substr(0, kLogExcerptBytes) + "\n[... " + std::to_string(log.size() - kLogExcerptBytes) + " more bytes]";
}

/// The last run of each job (a job retried after an internal error has several), in job order.
std::vector<const store::Run*> FinalRuns(const std::vector<store::Job>& jobs, const std::vector<store::Run>& runs) {
  std::vector<const store::Run*> out;
  for (const auto& job : jobs) {
    const store::Run* last = nullptr;
    for (const auto& run : runs) {
      if (run.job_id == job.id && (last == nullptr || run.attempt > last->attempt)) last = &run;
    }
    if (last != nullptr) out.push_back(last);
  }
  return out;
}

/// Why a run failed, for popcorn's job.error: the verdict, its message and the log that explains it.
std::string RunFailure(const store::Run& run) {
  std::string out = std::string(store::Name(run.verdict));
  if (!run.message.empty()) out += ": " + run.message;
  const std::string& log = run.verdict == store::Verdict::kCompileError ? run.compile_log : run.run_log;
  if (!log.empty()) out += "\n" + Excerpt(log);
  return out;
}

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Response PopcornJson(const Request& req, beast_http::status st, const nlohmann::json& body) {
  Response res{st, req.version()};
  res.set(beast_http::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  res.body() = Dump(body);
  res.prepare_payload();
  return res;
}

Response PopcornError(const Request& req, beast_http::status st, std::string_view code, std::string_view message) {
  return PopcornJson(req, st, {{"detail", message}, {"error", code}, {"message", message}});
}

Response PopcornError(const Request& req, const Error& error) {
  // Intake's rate-limit messages already say when to come back; retry_after_s is for programs.
  nlohmann::json body = {{"detail", error.message}, {"error", ErrorCodeName(error.code)}, {"message", error.message}};
  if (error.retry_after_s > 0) body["retry_after_s"] = error.retry_after_s;
  Response res = PopcornJson(req, StatusFor(error.code), body);
  if (error.retry_after_s > 0) res.set(beast_http::field::retry_after, std::to_string(error.retry_after_s));
  return res;
}

Result<Caller> PopcornPerson(const Request& req, store::Database& db) {
  KJ_ASSIGN_OR_RETURN(Caller caller, AuthenticatePopcorn(req, db));
  if (caller.user.role == store::Role::kRunner) {
    return MakeError(ErrorCode::kPermissionDenied, "runner accounts cannot use popcorn-cli's routes");
  }
  return caller;
}

Result<std::vector<store::Leaderboard>> VisibleLeaderboards(store::Database& db, const store::Problem& problem,
                                                            const store::User* caller) {
  KJ_ASSIGN_OR_RETURN(auto boards, store::LeaderboardRepository(db).ListForProblem(problem.id));
  if (caller != nullptr && IsStaff(*caller)) return boards;
  std::erase_if(boards, [](const store::Leaderboard& b) { return b.visibility == store::Visibility::kHidden; });
  return boards;
}

Result<store::Problem> FindPopcornProblem(store::Database& db, std::string_view name, const store::User* caller) {
  KJ_ASSIGN_OR_RETURN(auto problems, store::ProblemRepository(db).List());
  std::string known;
  std::optional<store::Problem> found;
  for (const auto& p : problems) {
    KJ_ASSIGN_OR_RETURN(auto boards, VisibleLeaderboards(db, p, caller));
    if (boards.empty() || !p.active_version_id) continue;
    known += (known.empty() ? "" : ", ") + p.name;
    if (p.name == name || (!found && SameIgnoringCase(p.name, name))) found = p;
  }
  if (found) return *found;
  return MakeError(ErrorCode::kNotFound, "no leaderboard named '" + std::string(name) + "'" +
                                             (known.empty() ? std::string(" (this server has none yet)") : "; there are: " + known));
}

Result<std::string> SubmissionProblemName(store::Database& db, const store::Submission& submission) {
  if (submission.leaderboard_id) {
    auto board = store::LeaderboardRepository(db).Get(*submission.leaderboard_id);
    if (board.ok()) return board->problem_name;
  }
  KJ_ASSIGN_OR_RETURN(auto version, store::ProblemRepository(db).GetVersion(submission.problem_version_id));
  KJ_ASSIGN_OR_RETURN(auto problem, store::ProblemRepository(db).Get(version.problem_id));
  return problem.name;
}

nlohmann::json PopcornJobStatus(const std::vector<store::Job>& jobs, const std::vector<store::Run>& runs) {
  auto status = [](std::string_view s, std::optional<std::string> error) {
    return nlohmann::json{{"status", s}, {"error", error ? nlohmann::json(*error) : nlohmann::json()}};
  };
  if (jobs.empty()) return status("failed", "the submission has no judging job");
  for (const auto& j : jobs) {
    if (j.status == store::JobStatus::kLeased || j.status == store::JobStatus::kRunning) return status("running", std::nullopt);
  }
  for (const auto& j : jobs) {
    if (j.status == store::JobStatus::kQueued) return status("pending", std::nullopt);
  }
  for (const auto& j : jobs) {
    if (j.status == store::JobStatus::kCancelled) {
      return status("failed", "cancelled" + (j.last_error.empty() ? std::string() : ": " + j.last_error));
    }
    if (j.status == store::JobStatus::kFailed) {
      return status("failed", j.last_error.empty() ? std::string("judging failed") : j.last_error);
    }
  }
  const auto finals = FinalRuns(jobs, runs);
  if (finals.size() < jobs.size()) return status("failed", "a job finished without a recorded result");
  for (const store::Run* run : finals) {
    switch (run->verdict) {
      case store::Verdict::kPassed: continue;
      case store::Verdict::kTimeLimit: return status("timed_out", RunFailure(*run));
      case store::Verdict::kRejected: return status("hacked", RunFailure(*run));
      default: return status("failed", RunFailure(*run));
    }
  }
  return status("succeeded", std::nullopt);
}

nlohmann::json PopcornQueue(const QueueStatus& queue) {
  return {{"runner", "kjudge"},
          {"gpu", queue.gpu},
          {"queued_jobs", queue.queued_jobs},
          {"position", queue.position},
          {"jobs_ahead", queue.jobs_ahead},
          {"running_jobs", queue.running_jobs},
          {"runners", queue.runners},
          {"eta_s", queue.eta_s ? nlohmann::json(*queue.eta_s) : nlohmann::json()},
          {"summary", queue.summary}};
}

Result<nlohmann::json> PopcornSubmission(ServerContext& ctx, const store::Submission& sub, bool with_code) {
  KJ_ASSIGN_OR_RETURN(auto jobs, store::JobRepository(ctx.db).ListBySubmission(sub.id));
  KJ_ASSIGN_OR_RETURN(auto runs, store::RunRepository(ctx.db).ListBySubmission(sub.id));
  KJ_ASSIGN_OR_RETURN(std::string problem_name, SubmissionProblemName(ctx.db, sub));
  const bool done = !jobs.empty() && std::all_of(jobs.begin(), jobs.end(), [](const store::Job& j) { return store::IsTerminal(j.status); });

  nlohmann::json runs_json = nlohmann::json::array();
  for (const store::Run* run : FinalRuns(jobs, runs)) {
    const auto job = std::find_if(jobs.begin(), jobs.end(), [&](const store::Job& j) { return j.id == run->job_id; });
    const bool passed = run->verdict == store::Verdict::kPassed;
    runs_json.push_back({
        {"start_time", FormatIso8601Ms(run->started_ms)},
        {"end_time", FormatIso8601Ms(run->finished_ms)},
        {"mode", store::Name(job->mode)},
        {"secret", false},
        {"runner", job->gpu},
        {"score", passed && run->score_ns ? nlohmann::json(SecondsFromNs(*run->score_ns)) : nlohmann::json()},
        {"passed", passed},
        {"verdict", store::Name(run->verdict)},
        {"message", run->message},
        {"sol_ratio", run->sol_ratio ? nlohmann::json(*run->sol_ratio) : nlohmann::json()},
        {"device", run->device},
    });
  }
  nlohmann::json queue_json;  // null once done: there is no queue left to wait in
  if (!done) {
    auto queue = ctx.Intake().StatusOf(sub.id);
    if (queue.ok()) queue_json = PopcornQueue(*queue);
  }
  nlohmann::json out = {
      {"id", sub.id},
      {"leaderboard_id", sub.leaderboard_id.value_or(0)},
      {"leaderboard_name", problem_name},
      {"gpu", jobs.empty() ? std::string() : jobs.front().gpu},
      {"mode", store::Name(sub.mode)},
      {"file_name", sub.file_name},
      {"user_id", std::to_string(sub.user_id)},
      {"submission_time", FormatIso8601Ms(sub.created_ms)},
      {"done", done},
      {"runs", std::move(runs_json)},
      {"job", PopcornJobStatus(jobs, runs)},
      {"runner_queue", std::move(queue_json)},
  };
  // A submission marked hacked ranks nowhere; its owner (the only reader here but staff) is told why.
  KJ_ASSIGN_OR_RETURN(std::optional<store::HackMark> hack, store::HackRepository(ctx.db).Find(sub.id));
  out["hacked"] = HackJsonOrNull(hack, false);
  if (with_code) out["code"] = sub.source;
  return out;
}

Result<store::Submission> PopcornVisibleSubmission(ServerContext& ctx, const Caller& caller, std::string_view id_text) {
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || ptr != id_text.data() + id_text.size() || id <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "a submission id is a positive integer, not '" + std::string(id_text) + "'");
  }
  auto sub = store::SubmissionRepository(ctx.db).Get(id);
  if (!sub.ok() || (sub->user_id != caller.user.id && !IsStaff(caller.user))) {
    return MakeError(ErrorCode::kNotFound, "no submission " + std::to_string(id) + " of yours");
  }
  return sub;
}

Status DeleteSubmission(ServerContext& ctx, const store::Submission& sub, const Caller& actor) {
  KJ_ASSIGN_OR_RETURN(auto jobs, store::JobRepository(ctx.db).ListBySubmission(sub.id));
  for (const auto& job : jobs) {
    if (store::IsTerminal(job.status)) continue;
    // A job that finishes meanwhile cannot be cancelled any more; deleting it below is enough.
    auto cancelled = ctx.queue.Cancel(job.id, "the submission was deleted");
    if (!cancelled.ok() && cancelled.error().code != ErrorCode::kFailedPrecondition) return cancelled.error();
  }
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_RETURN_IF_ERROR(DeleteSubmissionRows(tx, sub.id));
  nlohmann::json detail = {{"owner_id", sub.user_id}, {"file_name", sub.file_name}, {"mode", store::Name(sub.mode)}};
  KJ_RETURN_IF_ERROR(store::AuditRepository(tx).Append(
      {actor.user.id, actor.user.name, "submission.delete", "submission:" + std::to_string(sub.id), Dump(detail)}));
  return tx.Commit();
}

}  // namespace kjudge::http::popcorn
