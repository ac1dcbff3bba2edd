// The runner protocol (docs/api.md, "Runner protocol"): lease, heartbeat, events, profile report,
// result, and the problem files a runner judges against. Every route needs a runner (or admin) token; competitor
// tokens cannot lease.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "kjudge/core/clock.h"
#include "kjudge/http/auth.h"
#include "kjudge/runner/run_result.h"
#include "kjudge/store/artifact_repository.h"
#include "kjudge/store/problem_repository.h"
#include "kjudge/store/submission_repository.h"
#include "query_params.h"
#include "routes.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

constexpr std::size_t kMaxEventsPerPost = 256;
constexpr std::size_t kMaxEventBytes = 16 * 1024;
constexpr std::size_t kMaxRunnerNameBytes = 128;

Result<nlohmann::json> JobPayload(store::Database& db, const store::Job& job) {
  KJ_ASSIGN_OR_RETURN(store::Submission sub, store::SubmissionRepository(db).Get(job.submission_id));
  store::ProblemRepository problems(db);
  KJ_ASSIGN_OR_RETURN(store::ProblemVersion version, problems.GetVersion(sub.problem_version_id));
  KJ_ASSIGN_OR_RETURN(store::Problem problem, problems.Get(version.problem_id));
  return nlohmann::json{{"job_id", job.id},
                        {"lease_id", *job.lease_id},
                        {"lease_expires_ms", *job.lease_expires_ms},
                        {"submission_id", sub.id},
                        {"mode", store::Name(job.mode)},
                        {"gpu", job.gpu},
                        {"language", store::Name(sub.language)},
                        {"file_name", sub.file_name},
                        {"source", sub.source},
                        {"problem", problem.name},
                        {"problem_hash", version.content_hash},
                        {"attempt", job.attempts}};
}

/// What every /api/runner/jobs/{id}/... call starts with: a runner, the job id, the JSON body.
struct JobCall {
  Caller caller;
  std::int64_t job_id = 0;
  nlohmann::json body;
};

Result<JobCall> ParseJobCall(ServerContext& ctx, const Request& req, const PathParams& p) {
  JobCall call;
  KJ_ASSIGN_OR_RETURN(call.caller, RequireRole(req, ctx.db, {store::Role::kRunner}));
  KJ_ASSIGN_OR_RETURN(call.job_id, IdParam(p, "id"));
  KJ_ASSIGN_OR_RETURN(call.body, JsonBody(req));
  return call;
}

/// The job, if `lease_id` (from the body) holds it now.
Result<store::Job> HeldJob(ServerContext& ctx, std::int64_t job_id, const nlohmann::json& body) {
  KJ_ASSIGN_OR_RETURN(std::string lease_id, StringField(body, "lease_id"));
  KJ_ASSIGN_OR_RETURN(store::Job job, store::JobRepository(ctx.db).Get(job_id));
  const bool live = job.status == store::JobStatus::kLeased || job.status == store::JobStatus::kRunning;
  if (!live || !job.lease_id || *job.lease_id != lease_id) {
    return MakeError(ErrorCode::kFailedPrecondition, "this lease no longer holds job " + std::to_string(job_id));
  }
  return job;
}

Response Lease(ServerContext& ctx, const Request& req) {
  auto caller = RequireRole(req, ctx.db, {store::Role::kRunner});
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  auto body = JsonBody(req);
  if (!body.ok()) return ErrorResponse(req, body.error());
  auto gpu = StringField(*body, "gpu");
  if (!gpu.ok()) return ErrorResponse(req, gpu.error());
  std::string runner = caller->user.name;
  if (auto it = body->find("runner"); it != body->end()) {
    if (!it->is_string() || it->get<std::string>().size() > kMaxRunnerNameBytes) {
      return ErrorResponse(req, status::bad_request, "invalid_argument", "field 'runner' must be a short string");
    }
    runner += "/" + it->get<std::string>();
  }
  int wait_s = 0;
  if (auto it = body->find("wait_s"); it != body->end()) {
    if (!it->is_number_integer()) return ErrorResponse(req, status::bad_request, "invalid_argument", "field 'wait_s' must be an integer");
    wait_s = std::clamp(it->get<int>(), 0, ctx.limits.max_lease_wait_s);
  }
  const std::int64_t deadline = MonotonicMs() + wait_s * 1000ll;
  for (;;) {
    const std::uint64_t generation = ctx.queue.Generation();
    auto leased = ctx.queue.Lease(runner, *gpu);
    if (!leased.ok()) return ErrorResponse(req, leased.error());
    if (leased->has_value()) {
      const store::Job& job = **leased;
      auto payload = JobPayload(ctx.db, job);
      if (!payload.ok()) return ErrorResponse(req, payload.error());
      ctx.events.Publish(job.submission_id, {{"event", "leased"}, {"job_id", job.id}, {"runner", runner},
                                             {"gpu", job.gpu}, {"mode", store::Name(job.mode)}, {"attempt", job.attempts}});
      return JsonResponse(req, status::ok, Dump({{"job", std::move(*payload)}}));
    }
    const std::int64_t left = deadline - MonotonicMs();
    if (left <= 0 || ctx.stopping) return JsonResponse(req, status::ok, R"({"job":null})");
    ctx.queue.WaitForWork(generation, std::min<std::int64_t>(left, 1000));
  }
}

Response Heartbeat(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto call = ParseJobCall(ctx, req, p);
  if (!call.ok()) return ErrorResponse(req, call.error());
  auto lease_id = StringField(call->body, "lease_id");
  if (!lease_id.ok()) return ErrorResponse(req, lease_id.error());
  auto job = ctx.queue.Heartbeat(call->job_id, *lease_id);
  if (!job.ok()) return ErrorResponse(req, job.error());
  return JsonResponse(req, status::ok, Dump({{"lease_expires_ms", *job->lease_expires_ms}}));
}

Response Events(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto call = ParseJobCall(ctx, req, p);
  if (!call.ok()) return ErrorResponse(req, call.error());
  auto job = HeldJob(ctx, call->job_id, call->body);
  if (!job.ok()) return ErrorResponse(req, job.error());
  auto events = call->body.find("events");
  if (events == call->body.end() || !events->is_array() || events->size() > kMaxEventsPerPost) {
    return ErrorResponse(req, status::bad_request, "invalid_argument",
                         "field 'events' must be an array of at most " + std::to_string(kMaxEventsPerPost) + " objects");
  }
  for (auto& e : *events) {
    if (!e.is_object() || Dump(e).size() > kMaxEventBytes) {
      return ErrorResponse(req, status::bad_request, "invalid_argument", "each event must be an object under 16 KiB");
    }
  }
  for (auto& e : *events) {
    e["job_id"] = job->id;
    e["gpu"] = job->gpu;
    e["mode"] = store::Name(job->mode);
    ctx.events.Publish(job->submission_id, e);
  }
  return JsonResponse(req, status::ok, R"({"accepted":true})");
}

/// PUT /api/runner/jobs/{id}/profile-report?lease_id=...[&file_name=...]: a profile-mode job's
/// Nsight Compute report, the raw body (up to store::kMaxArtifactBytes), sent before the result
/// while the lease holds the job. Staged until that lease's result records the run (migration
/// 0007); a repeat replaces it.
Response PutProfileReport(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = RequireRole(req, ctx.db, {store::Role::kRunner});
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  auto job_id = IdParam(p, "id");
  if (!job_id.ok()) return ErrorResponse(req, job_id.error());
  const QueryParams query(req.target());
  if (auto known = query.OnlyKnown({"lease_id", "file_name"}); !known.ok()) return ErrorResponse(req, known.error());
  const auto lease_id = query.Get("lease_id");
  if (!lease_id) return ErrorResponse(req, status::bad_request, "invalid_argument", "query parameter 'lease_id' is required");
  auto job = HeldJob(ctx, *job_id, {{"lease_id", *lease_id}});
  if (!job.ok()) return ErrorResponse(req, job.error());
  if (job->mode != store::Mode::kProfile) {
    return ErrorResponse(req, status::conflict, "failed_precondition",
                         "job " + std::to_string(job->id) + " is a " + std::string(store::Name(job->mode)) +
                             "-mode job; only profile-mode jobs have a profile report");
  }
  store::NewUpload upload{job->id, *lease_id, store::ArtifactKind::kNcuReport,
                          query.Get("file_name").value_or("profile.ncu-rep"), req.body()};
  auto staged = store::ArtifactRepository(ctx.db).StageForLease(upload);
  if (!staged.ok()) return ErrorResponse(req, staged.error());
  return JsonResponse(req, status::ok,
                      Dump({{"job_id", job->id}, {"file_name", staged->file_name}, {"bytes", staged->size_bytes},
                            {"sha256", staged->sha256}}));
}

/// Stores the posted profile summary with the run of the job's current attempt. For a repeated
/// post (the first one's answer was lost) the run is found again and given the summary if it has
/// none, so a crash between recording the run and this write heals on the runner's retry.
Status StoreProfile(ServerContext& ctx, const queue::CompleteOutcome& outcome, const runner::ProfileSummary& profile) {
  store::RunRepository runs(ctx.db);
  std::optional<store::Run> run = outcome.run;
  if (!run) {
    KJ_ASSIGN_OR_RETURN(std::vector<store::Run> of_job, runs.ListByJob(outcome.job.id));
    if (of_job.empty() || of_job.back().profile_json) return Ok();
    run = of_job.back();
  }
  return runs.SetProfile(run->id, Dump(runner::ToJson(profile)));
}

Response PostResult(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto call = ParseJobCall(ctx, req, p);
  if (!call.ok()) return ErrorResponse(req, call.error());
  auto lease_id = StringField(call->body, "lease_id");
  if (!lease_id.ok()) return ErrorResponse(req, lease_id.error());
  auto result_json = call->body.find("result");
  if (result_json == call->body.end() || !result_json->is_object()) {
    return ErrorResponse(req, status::bad_request, "invalid_argument", "field 'result' must be an object");
  }
  auto result = runner::RunResultFromJson(*result_json);
  if (!result.ok()) return ErrorResponse(req, result.error());
  queue::Completion c;
  c.verdict = result->verdict;
  c.message = result->message;
  c.cases_json = Dump((*result_json)["cases"]);
  c.score_ns = result->score_ns;
  c.sol_ratio = result->sol_ratio;
  c.compile_log = result->compile_log;
  c.run_log = result->run_log;
  c.device = result->device;
  c.started_ms = result_json->value("started_ms", std::int64_t{0});
  auto outcome = ctx.queue.Complete(call->job_id, *lease_id, call->caller.user.name, c);
  if (!outcome.ok()) return ErrorResponse(req, outcome.error());
  if (result->profile) {
    if (auto stored = StoreProfile(ctx, *outcome, *result->profile); !stored.ok()) return ErrorResponse(req, stored.error());
  }
  if (!outcome->repeated) {
    ctx.events.Publish(outcome->job.submission_id,
                       {{"event", outcome->requeued ? "retrying" : "verdict"},
                        {"job_id", outcome->job.id},
                        {"gpu", outcome->job.gpu},
                        {"mode", store::Name(outcome->job.mode)},
                        {"verdict", store::Name(result->verdict)},
                        {"message", result->message},
                        {"score_ns", result->score_ns ? nlohmann::json(*result->score_ns) : nlohmann::json()}});
  }
  return JsonResponse(req, status::ok,
                      Dump({{"status", store::Name(outcome->job.status)},
                            {"repeated", outcome->repeated},
                            {"run_id", outcome->run ? nlohmann::json(outcome->run->id) : nlohmann::json()}}));
}

Response ProblemFiles(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = RequireRole(req, ctx.db, {store::Role::kRunner});
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  auto bundle = store::ProblemRepository(ctx.db).GetBundleByHash(p.at("hash"));
  if (!bundle.ok()) return ErrorResponse(req, bundle.error());
  return JsonResponse(req, status::ok, Dump({{"content_hash", bundle->version.content_hash}, {"files", bundle->files}}));
}

}  // namespace

void AddRunnerRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::post, "/api/runner/lease", [&ctx](const Request& req, const PathParams&) { return Lease(ctx, req); },
             RouteKind::kBlocking);
  router.Add(verb::post, "/api/runner/jobs/{id}/heartbeat",
             [&ctx](const Request& req, const PathParams& p) { return Heartbeat(ctx, req, p); });
  router.Add(verb::post, "/api/runner/jobs/{id}/events",
             [&ctx](const Request& req, const PathParams& p) { return Events(ctx, req, p); });
  router.Add(verb::put, "/api/runner/jobs/{id}/profile-report",
             [&ctx](const Request& req, const PathParams& p) { return PutProfileReport(ctx, req, p); }, RouteKind::kBlocking);
  router.SetBodyLimit(verb::put, "/api/runner/jobs/{id}/profile-report", store::kMaxArtifactBytes);
  router.Add(verb::post, "/api/runner/jobs/{id}/result",
             [&ctx](const Request& req, const PathParams& p) { return PostResult(ctx, req, p); });
  router.Add(verb::get, "/api/runner/problems/{hash}",
             [&ctx](const Request& req, const PathParams& p) { return ProblemFiles(ctx, req, p); });
}

}  // namespace kjudge::http
