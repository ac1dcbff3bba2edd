#include "kjudge/http/submission_intake.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "kjudge/core/sha256.h"
#include "kjudge/problem/file_directives.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/problem/iso8601.h"
#include "kjudge/problem/spec.h"
#include "kjudge/runner/toolchain.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"

namespace kjudge::http {

namespace {

using store::Connection;
using store::Statement;

/// Recent jobs whose durations give the ETA: enough to be stable, few enough to follow a change
/// of runners or problems within the hour.
constexpr int kEtaSampleJobs = 50;

std::string Iso(std::int64_t ms) { return problem::FormatIso8601(ms / 1000); }

std::string Ordinal(std::int64_t n) {
  const char* suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

std::string Plural(std::int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// "about 40 s", "about 3 min", "about 2 h".
std::string Duration(std::int64_t s) {
  if (s < 90) return "about " + std::to_string(std::max<std::int64_t>(s, 1)) + " s";
  if (s < 90 * 60) return "about " + std::to_string((s + 30) / 60) + " min";
  return "about " + std::to_string((s + 1800) / 3600) + " h";
}

/// "hour", "10 min", "90 s".
std::string Window(std::int64_t s) {
  if (s == 3600) return "hour";
  if (s == 86400) return "day";
  if (s % 3600 == 0) return std::to_string(s / 3600) + " h";
  if (s % 60 == 0) return std::to_string(s / 60) + " min";
  return std::to_string(s) + " s";
}

bool Privileged(const store::User& user) {
  return user.role == store::Role::kOrganizer || user.role == store::Role::kAdmin;
}

/// The catalogue's canonical name for what a client typed ("h100" -> "H100"), or the input.
std::string CanonicalGpu(const std::string& gpu) {
  const problem::GpuSpec* spec = problem::FindGpu(gpu);
  return spec != nullptr ? std::string(spec->name) : gpu;
}

Status ValidateRequest(const SubmitRequest& r, std::uint64_t max_source_bytes) {
  if (r.problem.empty() || r.problem.size() > 128) {
    return MakeError(ErrorCode::kInvalidArgument, "field 'problem' must name a problem (1-128 characters)");
  }
  if (r.gpu.empty() || r.gpu.size() > 64) {
    return MakeError(ErrorCode::kInvalidArgument, "field 'gpu' must name a GPU type (1-64 characters)");
  }
  if (r.file_name.empty() || r.file_name.size() > 255) {
    return MakeError(ErrorCode::kInvalidArgument, "the file name must be 1-255 characters");
  }
  for (unsigned char c : r.file_name) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
      return MakeError(ErrorCode::kInvalidArgument, "the file name must be a plain name without paths or control characters");
    }
  }
  if (r.source.size() > max_source_bytes) {
    return MakeError(ErrorCode::kResourceExhausted, "the source is " + std::to_string(r.source.size()) +
                                                        " bytes; the limit is " + std::to_string(max_source_bytes) +
                                                        " bytes");
  }
  if (r.source.find_first_not_of(" \t\r\n") == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "the source file is empty");
  }
  if (r.source.find('\0') != std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "the source contains NUL bytes; send a text file");
  }
  return Ok();
}

/// The earlier submission this one repeats, if any: same user, source, leaderboard and mode, made
/// within the window, and not ended by cancellation or an infrastructure failure (those are worth
/// judging again).
Result<std::optional<std::int64_t>> FindDuplicate(Connection& c, std::int64_t user_id, const std::string& sha256,
                                                  std::int64_t leaderboard_id, store::Mode mode, std::int64_t since_ms) {
  KJ_ASSIGN_OR_RETURN(
      Statement stmt,
      c.Query("SELECT s.id FROM submissions s WHERE s.user_id = ? AND s.source_sha256 = ? AND s.created_ms >= ? "
              "AND s.leaderboard_id = ? AND s.mode = ? "
              "AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.submission_id = s.id AND j.status IN ('cancelled', 'failed')) "
              "ORDER BY s.id DESC LIMIT 1",
              user_id, sha256, since_ms, leaderboard_id, store::Name(mode)));
  KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt.Int(0));
}

/// The languages a published version accepts. Only that key of the stored spec is read: the spec
/// was validated when it was published, and parsing all of it again (SpecFromJson) was the most
/// expensive step of a submission.
Result<std::vector<problem::Language>> SpecLanguages(const store::ProblemVersion& version) {
  const auto spec = nlohmann::json::parse(version.spec_json, nullptr, false);
  const auto it = spec.is_object() ? spec.find("languages") : spec.end();
  if (it == spec.end() || !it->is_array()) {
    return MakeError(ErrorCode::kCorruption, "the stored spec of problem version " + std::to_string(version.id) +
                                                 " has no list of languages");
  }
  std::vector<problem::Language> out;
  for (const auto& name : *it) {
    const auto language = name.is_string() ? problem::ParseLanguage(name.get<std::string>()) : std::nullopt;
    if (!language) {
      return MakeError(ErrorCode::kCorruption, "the stored spec of problem version " + std::to_string(version.id) +
                                                   " names an unknown language");
    }
    out.push_back(*language);
  }
  return out;
}

Status CheckQueuedCap(Connection& c, std::int64_t user_id, int cap) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT count(*) FROM jobs WHERE user_id = ? AND status IN "
                                              "('queued', 'leased', 'running')",
                                              user_id));
  KJ_RETURN_IF_ERROR(stmt.Step());
  const std::int64_t waiting = stmt.Int(0);
  if (waiting < cap) return Ok();
  Error e = MakeError(ErrorCode::kRateLimited, "you have " + Plural(waiting, "job") +
                                                   " waiting or running; the limit is " + std::to_string(cap) +
                                                   ": submit again when one has finished");
  e.retry_after_s = 30;
  return e;
}

bool RuleMatches(const RateRule& rule, store::Mode mode, const std::string& gpu, const std::string& problem) {
  return (rule.mode.empty() || rule.mode == store::Name(mode)) && (rule.gpu.empty() || CanonicalGpu(rule.gpu) == gpu) &&
         (rule.problem.empty() || rule.problem == problem);
}

/// Applies one rule: the user's jobs on this leaderboard (in this mode, unless the rule covers
/// every mode) within the window.
Status CheckRateRule(Connection& c, const RateRule& rule, std::int64_t user_id, std::int64_t leaderboard_id,
                     store::Mode mode, const std::string& where, std::int64_t now_ms) {
  const std::int64_t window_ms = std::max<std::int64_t>(rule.window_s, 1) * 1000;
  const std::int64_t since = now_ms - window_ms;
  const std::string mode_name(rule.mode.empty() ? "" : store::Name(mode));
  {
    // All the user's jobs in the window, whatever their leaderboard and mode, bound the count from
    // above and are counted from the jobs_by_user index alone; only a user near the limit needs
    // the exact count, which reads each job's submission for its leaderboard.
    KJ_ASSIGN_OR_RETURN(Statement bound, c.Query("SELECT count(*) FROM jobs WHERE user_id = ? AND created_ms > ?",
                                                 user_id, since));
    KJ_RETURN_IF_ERROR(bound.Step());
    if (bound.Int(0) < rule.max_jobs) return Ok();
  }
  // Ascending, so the row at offset (count - max) is the one whose leaving the window frees a slot.
  KJ_ASSIGN_OR_RETURN(Statement stmt,
                      c.Query("SELECT j.created_ms FROM jobs j JOIN submissions s ON s.id = j.submission_id "
                              "WHERE j.user_id = ? AND j.created_ms > ? AND s.leaderboard_id = ? "
                              "AND (? = '' OR j.mode = ?) ORDER BY j.created_ms",
                              user_id, since, leaderboard_id, mode_name, mode_name));
  std::vector<std::int64_t> times;
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    times.push_back(stmt.Int(0));
  }
  const auto used = static_cast<std::int64_t>(times.size());
  if (used < rule.max_jobs) return Ok();
  const std::int64_t frees_at = rule.max_jobs <= 0 ? now_ms + window_ms : times[used - rule.max_jobs] + window_ms;
  const std::int64_t retry_s = std::max<std::int64_t>(1, (frees_at - now_ms + 999) / 1000);
  Error e = MakeError(ErrorCode::kRateLimited,
                      "rate limit: at most " + Plural(rule.max_jobs, "submission") + " per " +
                          Window(rule.window_s) + " " + where + (rule.mode.empty() ? "" : " in " + mode_name + " mode") +
                          "; the next one is possible at " + Iso(frees_at) + " (in " + Duration(retry_s) + ")");
  e.retry_after_s = retry_s;
  return e;
}

Result<std::int64_t> Count(Connection& c, std::string_view sql, const std::string& gpu) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query(sql, gpu));
  KJ_RETURN_IF_ERROR(stmt.Step());
  return stmt.Int(0);
}

/// Median wall time of the latest finished runs on this GPU type, in ms; nullopt when none.
Result<std::optional<std::int64_t>> MedianJobMs(Connection& c, const std::string& gpu) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT r.finished_ms - r.started_ms FROM runs r JOIN jobs j ON j.id = r.job_id "
                                              "WHERE j.gpu = ? ORDER BY r.id DESC LIMIT ?",
                                              gpu, kEtaSampleJobs));
  std::vector<std::int64_t> ms;
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ms.push_back(std::max<std::int64_t>(stmt.Int(0), 0));
  }
  if (ms.empty()) return std::optional<std::int64_t>();
  std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(ms.size() / 2), ms.end());
  return std::optional<std::int64_t>(ms[ms.size() / 2]);
}

Result<QueueStatus> StatusOfJob(Connection& c, const store::Job& job, std::int64_t now_ms, std::int64_t runner_window_s) {
  QueueStatus q;
  q.gpu = job.gpu;
  {
    // The queued jobs of this GPU type that run before this job and those that do not, in the
    // queue's pick order (jobs_queue index: priority, then age; fair share between users can move
    // a job forward, never back past this count). Each term is a range of that index, so the
    // counts step over the queued jobs once, without evaluating a condition per job.
    KJ_ASSIGN_OR_RETURN(
        Statement stmt,
        c.Query("SELECT (SELECT count(*) FROM jobs WHERE status = 'queued' AND gpu = ? AND priority > ?) + "
                "(SELECT count(*) FROM jobs WHERE status = 'queued' AND gpu = ? AND priority = ? AND created_ms < ?) + "
                "(SELECT count(*) FROM jobs WHERE status = 'queued' AND gpu = ? AND priority = ? AND created_ms = ? AND id < ?), "
                "(SELECT count(*) FROM jobs WHERE status = 'queued' AND gpu = ? AND priority < ?) + "
                "(SELECT count(*) FROM jobs WHERE status = 'queued' AND gpu = ? AND priority = ? AND created_ms > ?) + "
                "(SELECT count(*) FROM jobs WHERE status = 'queued' AND gpu = ? AND priority = ? AND created_ms = ? AND id >= ?)",
                job.gpu, job.priority, job.gpu, job.priority, job.created_ms, job.gpu, job.priority, job.created_ms, job.id,
                job.gpu, job.priority, job.gpu, job.priority, job.created_ms, job.gpu, job.priority, job.created_ms, job.id));
    KJ_RETURN_IF_ERROR(stmt.Step());
    const std::int64_t ahead = stmt.Int(0);
    q.queued_jobs = ahead + stmt.Int(1);
    if (job.status == store::JobStatus::kQueued) q.jobs_ahead = ahead;
  }
  KJ_ASSIGN_OR_RETURN(q.running_jobs,
                      Count(c, "SELECT count(*) FROM jobs WHERE status IN ('leased', 'running') AND gpu = ?", job.gpu));
  {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT count(DISTINCT lease_owner) FROM jobs WHERE gpu = ? "
                                                "AND lease_owner IS NOT NULL AND updated_ms > ?",
                                                job.gpu, now_ms - runner_window_s * 1000));
    KJ_RETURN_IF_ERROR(stmt.Step());
    q.runners = stmt.Int(0);
  }
  KJ_ASSIGN_OR_RETURN(std::optional<std::int64_t> median_ms, MedianJobMs(c, job.gpu));
  const std::string where = "the " + job.gpu + " queue";
  if (job.status == store::JobStatus::kQueued) {
    q.position = q.jobs_ahead + 1;
    q.summary = Ordinal(q.position) + " in " + where + " (" + Plural(q.jobs_ahead, "job") + " ahead)";
    if (q.runners == 0) {
      q.summary += "; no runner has served " + job.gpu + " in the last " + Window(runner_window_s);
    } else if (median_ms) {
      // Each runner works one job at a time: what is ahead (and running) spreads over the runners.
      const double waves = static_cast<double>(q.jobs_ahead + q.running_jobs) / static_cast<double>(q.runners);
      q.eta_s = static_cast<std::int64_t>(std::ceil(waves * static_cast<double>(*median_ms) / 1000.0));
      q.summary += *q.eta_s == 0 ? ", starts now" : ", starts in " + Duration(*q.eta_s);
    }
  } else {
    // Heartbeats restamp the job, so its start is not known here: the typical duration is the
    // honest upper estimate.
    q.summary = "running on " + job.gpu;
    if (median_ms) {
      q.eta_s = (*median_ms + 999) / 1000;
      q.summary += "; jobs there take " + Duration(*q.eta_s);
    }
  }
  return q;
}

}  // namespace

Result<RateRule> ParseRateRule(std::string_view text) {
  RateRule rule;
  bool has_max = false;
  const std::string quoted = "rate limit '" + std::string(text) + "': ";
  auto number = [&](std::string_view v, std::int64_t* out) {
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
    return ec == std::errc() && *out >= 0 ? static_cast<std::size_t>(ptr - v.data()) : std::string_view::npos;
  };
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view pair = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) return MakeError(ErrorCode::kInvalidArgument, quoted + "'" + std::string(pair) + "' is not key=value");
    const std::string_view key = pair.substr(0, eq);
    std::string value(pair.substr(eq + 1));
    if (value == "*") value.clear();
    if (key == "mode") {
      if (!value.empty() && !store::Parse<store::Mode>(value).ok()) {
        return MakeError(ErrorCode::kInvalidArgument, quoted + "mode must be test, benchmark, leaderboard or profile");
      }
      rule.mode = value;
    } else if (key == "gpu") {
      rule.gpu = value.empty() ? value : CanonicalGpu(value);
    } else if (key == "problem") {
      rule.problem = value;
    } else if (key == "max") {
      std::int64_t n = 0;
      if (number(value, &n) != value.size() || value.empty() || n > 1'000'000) {
        return MakeError(ErrorCode::kInvalidArgument, quoted + "max must be a whole number");
      }
      rule.max_jobs = static_cast<int>(n);
      has_max = true;
    } else if (key == "per") {
      std::int64_t n = 0;
      const std::size_t digits = number(value, &n);
      if (digits == 0 || digits == std::string_view::npos) {
        return MakeError(ErrorCode::kInvalidArgument, quoted + "per must be a duration like 90s, 10m, 1h or 1d");
      }
      const std::string unit = value.substr(digits);
      const std::int64_t scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
      if (scale == 0 || n == 0 || n > 366 * 86400) {
        return MakeError(ErrorCode::kInvalidArgument, quoted + "per must be a duration like 90s, 10m, 1h or 1d");
      }
      rule.window_s = n * scale;
    } else {
      return MakeError(ErrorCode::kInvalidArgument, quoted + "unknown key '" + std::string(key) + "' (mode, gpu, problem, max, per)");
    }
  }
  if (!has_max) return MakeError(ErrorCode::kInvalidArgument, quoted + "max=N is required");
  return rule;
}

SubmissionIntake::SubmissionIntake(store::Database& db, queue::JobQueue& queue, EventHub* events, IntakeRules rules)
    : db_(db), queue_(queue), events_(events), rules_(std::move(rules)) {}

Result<Accepted> SubmissionIntake::Submit(const store::Authenticated& caller, const SubmitRequest& request) {
  const store::User& user = caller.user;
  if (user.banned()) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "your account is banned since " + Iso(*user.banned_ms) +
                         (user.ban_reason.empty() ? std::string() : ": " + user.ban_reason));
  }
  KJ_RETURN_IF_ERROR(ValidateRequest(request, rules_.max_source_bytes));
  KJ_ASSIGN_OR_RETURN(problem::Language language, runner::LanguageOfFile(request.file_name));
  KJ_ASSIGN_OR_RETURN(store::Language store_language, store::Parse<store::Language>(problem::LanguageName(language)));

  const std::string not_found = "no problem named '" + request.problem + "'";
  store::ProblemRepository problems(db_);
  auto problem = problems.GetByName(request.problem);
  if (!problem.ok()) return MakeError(ErrorCode::kNotFound, not_found);
  const std::string gpu = CanonicalGpu(request.gpu);
  auto leaderboard = store::LeaderboardRepository(db_).Find(problem->name, gpu);
  const bool privileged = Privileged(user);
  if (leaderboard.ok() && leaderboard->visibility == store::Visibility::kHidden && !privileged) {
    return MakeError(ErrorCode::kNotFound, not_found);
  }
  if (!leaderboard.ok()) {
    return MakeError(ErrorCode::kNotFound, "problem '" + problem->name + "' does not run on GPU '" + request.gpu + "'");
  }
  if (!problem->active_version_id) {
    return MakeError(ErrorCode::kFailedPrecondition, "problem '" + problem->name + "' has no published version yet");
  }
  KJ_ASSIGN_OR_RETURN(store::ProblemVersion version, problems.GetVersion(*problem->active_version_id));
  KJ_ASSIGN_OR_RETURN(std::vector<problem::Language> languages, SpecLanguages(version));
  if (std::find(languages.begin(), languages.end(), language) == languages.end()) {
    std::string accepted;
    for (auto l : languages) accepted += (accepted.empty() ? "" : ", ") + std::string(problem::LanguageName(l));
    return MakeError(ErrorCode::kInvalidArgument, "problem '" + problem->name + "' does not accept " +
                                                      std::string(problem::LanguageName(language)) +
                                                      " files (it accepts " + accepted + ")");
  }
  const std::int64_t now = db_.clock().NowMs();
  const std::string where = "on " + problem->name + " / " + gpu;
  if (request.mode == store::Mode::kLeaderboard) {
    if (leaderboard->state == store::LeaderboardState::kClosed) {
      return MakeError(ErrorCode::kFailedPrecondition, "the leaderboard " + where +
                                                           " is closed by the organizers; test and benchmark runs are "
                                                           "still possible");
    }
    // After the deadline a leaderboard-mode submission is still judged; its run is shown apart,
    // unranked, as a post-deadline run (LeaderboardRepository::PostDeadline).
  }

  // Every client's file is stored as it will compile: "#!POPCORN" header lines become comments.
  std::string source = problem::NeutralizeHashDirectives(request.source);
  const std::string sha256 = Sha256Hex(source);
  store::NewSubmission ns;
  ns.user_id = user.id;
  ns.problem_version_id = *problem->active_version_id;
  ns.leaderboard_id = leaderboard->id;
  ns.language = store_language;
  ns.file_name = request.file_name;
  ns.source = std::move(source);
  ns.mode = request.mode;
  Accepted accepted;
  std::optional<std::int64_t> duplicate;
  // Checks and inserts in one write, committed with the submissions other threads make meanwhile
  // (group commit: one fsync for the group). The checks see every earlier member's rows, so the
  // limits hold as if each submission had its own transaction. A duplicate writes nothing.
  const Status written = db_.GroupWrite([&](store::WriteTransaction& tx) -> Status {
    if (rules_.duplicate_window_s > 0) {
      KJ_ASSIGN_OR_RETURN(duplicate, FindDuplicate(tx.connection(), user.id, sha256, leaderboard->id, request.mode,
                                                   now - rules_.duplicate_window_s * 1000));
      if (duplicate) return Ok();
    }
    if (!privileged) {
      KJ_RETURN_IF_ERROR(CheckQueuedCap(tx.connection(), user.id, rules_.max_queued_jobs_per_user));
      for (const RateRule& rule : rules_.rate_rules) {
        if (!RuleMatches(rule, request.mode, gpu, problem->name)) continue;
        KJ_RETURN_IF_ERROR(CheckRateRule(tx.connection(), rule, user.id, leaderboard->id, request.mode, where, now));
      }
    }
    KJ_ASSIGN_OR_RETURN(accepted.submission, store::SubmissionRepository(tx).Create(ns));
    KJ_ASSIGN_OR_RETURN(accepted.jobs, queue_.Enqueue(tx, accepted.submission.id, gpu, {request.mode}));
    return Ok();
  });
  KJ_RETURN_IF_ERROR(written);
  if (duplicate) {
    KJ_ASSIGN_OR_RETURN(accepted.submission, store::SubmissionRepository(db_).Get(*duplicate));
    KJ_ASSIGN_OR_RETURN(accepted.jobs, store::JobRepository(db_).ListBySubmission(*duplicate));
    accepted.duplicate = true;
  } else {
    queue_.Notify();
    if (events_ != nullptr) {
      events_->Publish(accepted.submission.id, {{"event", "queued"}, {"gpu", gpu}, {"mode", store::Name(request.mode)}});
    }
  }
  KJ_ASSIGN_OR_RETURN(accepted.queue, StatusOf(accepted.submission.id));
  return accepted;
}

Result<QueueStatus> SubmissionIntake::StatusOf(std::int64_t submission_id) {
  KJ_ASSIGN_OR_RETURN(auto tx, db_.BeginRead());
  Connection& c = tx.connection();
  KJ_ASSIGN_OR_RETURN(std::vector<store::Job> jobs, store::JobRepository(db_).ListBySubmission(submission_id));
  if (jobs.empty()) return MakeError(ErrorCode::kNotFound, "submission " + std::to_string(submission_id) + " has no jobs");
  for (const store::Job& job : jobs) {
    const bool unfinished = job.status == store::JobStatus::kQueued || job.status == store::JobStatus::kLeased ||
                            job.status == store::JobStatus::kRunning;
    if (unfinished) return StatusOfJob(c, job, db_.clock().NowMs(), rules_.runner_seen_window_s);
  }
  QueueStatus done;
  done.gpu = jobs.back().gpu;
  done.summary = "finished";
  return done;
}

}  // namespace kjudge::http
