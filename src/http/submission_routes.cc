// Submissions: create (queues one job on the chosen GPU in the chosen mode), read back with jobs,
// runs and live events, and follow live events by long-poll. The rest of the public API (listing,
// cancel, leaderboards) and popcorn-cli's routes build on these.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "kjudge/core/clock.h"
#include "kjudge/http/auth.h"
#include "kjudge/problem/spec.h"
#include "kjudge/runner/toolchain.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/submission_repository.h"
#include "routes.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

/// An integer query parameter (`name=123`), or `fallback`.
std::int64_t QueryInt(const Request& req, std::string_view name, std::int64_t fallback) {
  std::string_view target = req.target();
  const auto q = target.find('?');
  if (q == std::string_view::npos) return fallback;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::int64_t v = 0;
      auto value = pair.substr(eq + 1);
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec == std::errc() && ptr == value.data() + value.size()) return v;
      return fallback;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return fallback;
}

Response Create(ServerContext& ctx, const Request& req) {
  auto caller = RequireRole(req, ctx.db, {store::Role::kCompetitor, store::Role::kOrganizer});
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  if (req.body().size() > ctx.intake_rules.max_source_bytes + 64 * 1024) {
    return ErrorResponse(req, status::payload_too_large, "payload_too_large", "the submission is too large");
  }
  auto body = JsonBody(req);
  if (!body.ok()) return ErrorResponse(req, body.error());
  auto problem_name = StringField(*body, "problem");
  auto gpu = StringField(*body, "gpu");
  auto file_name = StringField(*body, "file_name");
  auto source = StringField(*body, "source");
  for (const auto* r : {&problem_name, &gpu, &file_name, &source}) {
    if (!r->ok()) return ErrorResponse(req, r->error());
  }
  if (source->size() > ctx.intake_rules.max_source_bytes) {
    return ErrorResponse(req, status::payload_too_large, "payload_too_large",
                         "the source is larger than " + std::to_string(ctx.intake_rules.max_source_bytes) + " bytes");
  }
  auto mode = store::Parse<store::Mode>(body->value("mode", std::string("test")));
  if (!mode.ok()) return ErrorResponse(req, mode.error());
  auto language = runner::LanguageOfFile(*file_name);
  if (!language.ok()) return ErrorResponse(req, language.error());
  auto store_language = store::Parse<store::Language>(problem::LanguageName(*language));
  if (!store_language.ok()) return ErrorResponse(req, store_language.error());

  store::ProblemRepository problems(ctx.db);
  auto problem = problems.GetByName(*problem_name);
  if (!problem.ok()) return ErrorResponse(req, status::not_found, "not_found", "no problem named '" + *problem_name + "'");
  auto leaderboard = store::LeaderboardRepository(ctx.db).Find(*problem_name, *gpu);
  if (!leaderboard.ok()) {
    return ErrorResponse(req, status::not_found, "not_found",
                         "problem '" + *problem_name + "' does not run on GPU '" + *gpu + "'");
  }
  if (leaderboard->visibility == store::Visibility::kHidden && caller->user.role == store::Role::kCompetitor) {
    return ErrorResponse(req, status::not_found, "not_found", "no problem named '" + *problem_name + "'");
  }
  if (!problem->active_version_id) {
    return ErrorResponse(req, status::conflict, "failed_precondition", "the problem has no active version");
  }

  store::NewSubmission ns;
  ns.user_id = caller->user.id;
  ns.problem_version_id = *problem->active_version_id;
  ns.leaderboard_id = leaderboard->id;
  ns.language = *store_language;
  ns.file_name = *file_name;
  ns.source = *source;
  ns.mode = *mode;
  auto tx = ctx.db.BeginWrite();
  if (!tx.ok()) return ErrorResponse(req, tx.error());
  auto sub = store::SubmissionRepository(*tx).Create(ns);
  if (!sub.ok()) return ErrorResponse(req, sub.error());
  auto jobs = ctx.queue.Enqueue(*tx, sub->id, leaderboard->gpu, {*mode});
  if (!jobs.ok()) return ErrorResponse(req, jobs.error());
  if (auto st = tx->Commit(); !st.ok()) return ErrorResponse(req, st.error());
  ctx.queue.Notify();
  ctx.events.Publish(sub->id, {{"event", "queued"}, {"gpu", leaderboard->gpu}, {"mode", store::Name(*mode)}});
  nlohmann::json job_ids = nlohmann::json::array();
  for (const auto& j : *jobs) job_ids.push_back(j.id);
  return JsonResponse(req, status::created,
                      Dump({{"id", sub->id}, {"problem", *problem_name}, {"gpu", leaderboard->gpu},
                            {"mode", store::Name(*mode)}, {"status", "queued"}, {"jobs", job_ids}}));
}

/// The submission's overall state from its jobs: queued, judging, or the verdict of its runs.
std::string OverallStatus(const std::vector<store::Job>& jobs, const std::vector<store::Run>& runs) {
  bool pending = false, judging = false;
  for (const auto& j : jobs) {
    pending = pending || j.status == store::JobStatus::kQueued;
    judging = judging || j.status == store::JobStatus::kLeased || j.status == store::JobStatus::kRunning;
  }
  if (judging) return "judging";
  if (pending) return "queued";
  for (const auto& j : jobs) {
    if (j.status == store::JobStatus::kCancelled) return "cancelled";
    if (j.status == store::JobStatus::kFailed) return "failed";
  }
  return runs.empty() ? "failed" : std::string(store::Name(runs.back().verdict));
}

Response Get(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto sub = VisibleSubmission(ctx, req, p);
  if (!sub.ok()) return ErrorResponse(req, sub.error());
  const std::int64_t* id = &sub->id;
  auto jobs = store::JobRepository(ctx.db).ListBySubmission(*id);
  auto runs = store::RunRepository(ctx.db).ListBySubmission(*id);
  if (!jobs.ok()) return ErrorResponse(req, jobs.error());
  if (!runs.ok()) return ErrorResponse(req, runs.error());
  nlohmann::json jobs_json = nlohmann::json::array();
  for (const auto& j : *jobs) {
    jobs_json.push_back({{"id", j.id}, {"gpu", j.gpu}, {"mode", store::Name(j.mode)}, {"status", store::Name(j.status)},
                         {"attempts", j.attempts}, {"last_error", j.last_error}});
  }
  nlohmann::json runs_json = nlohmann::json::array();
  for (const auto& r : *runs) {
    runs_json.push_back({{"id", r.id},
                         {"job_id", r.job_id},
                         {"verdict", store::Name(r.verdict)},
                         {"message", r.message},
                         {"score_ns", r.score_ns ? nlohmann::json(*r.score_ns) : nlohmann::json()},
                         {"sol_ratio", r.sol_ratio ? nlohmann::json(*r.sol_ratio) : nlohmann::json()},
                         {"cases", nlohmann::json::parse(r.cases_json, nullptr, false)},
                         {"compile_log", r.compile_log},
                         {"run_log", r.run_log},
                         {"device", r.device},
                         {"runner", r.runner},
                         {"started_ms", r.started_ms},
                         {"finished_ms", r.finished_ms}});
  }
  return JsonResponse(req, status::ok,
                      Dump({{"id", sub->id},
                            {"user_id", sub->user_id},
                            {"file_name", sub->file_name},
                            {"language", store::Name(sub->language)},
                            {"mode", store::Name(sub->mode)},
                            {"sha256", sub->source_sha256},
                            {"created_ms", sub->created_ms},
                            {"status", OverallStatus(*jobs, *runs)},
                            {"jobs", jobs_json},
                            {"runs", runs_json},
                            {"events", ctx.events.Since(*id, 0)}}));
}

Response Events(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto sub = VisibleSubmission(ctx, req, p);
  if (!sub.ok()) return ErrorResponse(req, sub.error());
  const std::int64_t* id = &sub->id;
  const std::int64_t after = QueryInt(req, "after", 0);
  const std::int64_t wait_ms = std::clamp<std::int64_t>(QueryInt(req, "wait_s", 0), 0, 30) * 1000;
  return JsonResponse(req, status::ok, Dump({{"events", ctx.events.Since(*id, after, ctx.stopping ? 0 : wait_ms)}}));
}

}  // namespace

/// The submission named by the path, if the caller may see it: its owner, organizers, admins.
/// Someone else's submission is "not found", not "forbidden": ids do not leak who submitted.
Result<store::Submission> VisibleSubmission(ServerContext& ctx, const Request& req, const PathParams& p) {
  KJ_ASSIGN_OR_RETURN(Caller caller, Authenticate(req, ctx.db));
  KJ_ASSIGN_OR_RETURN(std::int64_t id, IdParam(p, "id"));
  auto sub = store::SubmissionRepository(ctx.db).Get(id);
  const bool privileged = caller.user.role == store::Role::kOrganizer || caller.user.role == store::Role::kAdmin;
  if (!sub.ok() || (sub->user_id != caller.user.id && !privileged)) {
    return MakeError(ErrorCode::kNotFound, "no submission " + p.at("id"));
  }
  return sub;
}

void AddSubmissionRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::post, "/api/v1/submissions", [&ctx](const Request& req, const PathParams&) { return Create(ctx, req); });
  router.Add(verb::get, "/api/v1/submissions/{id}", [&ctx](const Request& req, const PathParams& p) { return Get(ctx, req, p); });
  router.Add(verb::get, "/api/v1/submissions/{id}/events",
             [&ctx](const Request& req, const PathParams& p) { return Events(ctx, req, p); }, RouteKind::kBlocking);
}

}  // namespace kjudge::http
