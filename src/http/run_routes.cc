// Runs: one judging attempt of a job in full — verdict, per-case results and timings, compile and
// run logs, the device and the runner that produced it, the profile summary — its audit record,
// the raw data stored with it, and its Nsight Compute report (profile mode). Visible to the
// submission's owner, organizers and admins; to anyone else a run does not exist (404).
#include <nlohmann/json.hpp>

#include "access.h"
#include "kjudge/store/artifact_repository.h"
#include "kjudge/store/hack_repository.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/submission_repository.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

/// A run the caller may see, with its job.
struct SeenRun {
  Caller caller;
  store::Run run;
  store::Job job;
};

Result<SeenRun> Find(ServerContext& ctx, const Request& req, const PathParams& p) {
  KJ_ASSIGN_OR_RETURN(Caller caller, RequirePerson(req, ctx.db));
  KJ_ASSIGN_OR_RETURN(std::int64_t id, IdParam(p, "id"));
  const Error not_found = MakeError(ErrorCode::kNotFound, "no run " + p.at("id"));
  auto run = store::RunRepository(ctx.db).Get(id);
  if (!run.ok()) return run.error().code == ErrorCode::kNotFound ? not_found : run.error();
  KJ_ASSIGN_OR_RETURN(store::Submission sub, store::SubmissionRepository(ctx.db).Get(run->submission_id));
  if (!MaySee(caller, sub)) return not_found;
  KJ_ASSIGN_OR_RETURN(store::Job job, store::JobRepository(ctx.db).Get(run->job_id));
  return SeenRun{std::move(caller), std::move(run).value(), std::move(job)};
}

Response Get(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto seen = Find(ctx, req, p);
  if (!seen.ok()) return ErrorResponse(req, seen.error());
  auto report = store::ArtifactRepository(ctx.db).Find(seen->run.id, store::ArtifactKind::kNcuReport);
  if (!report.ok()) return ErrorResponse(req, report.error());
  nlohmann::json out = RunJson(seen->run, report->has_value());
  out["gpu"] = seen->job.gpu;
  out["mode"] = store::Name(seen->job.mode);
  return JsonResponse(req, status::ok, Dump(out));
}

/// Everything stored to audit a run after the fact (docs/api.md): per case the statistics and the
/// raw data behind them — seeds, every timed call's reported and observed time, the SM clock
/// readings — plus the submission's hack mark. Cases judged before runners kept raw data have
/// "audit": null.
Response Audit(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto seen = Find(ctx, req, p);
  if (!seen.ok()) return ErrorResponse(req, seen.error());
  const store::Run& run = seen->run;
  auto hack = store::HackRepository(ctx.db).Find(run.submission_id);
  if (!hack.ok()) return ErrorResponse(req, hack.error());
  auto cases = nlohmann::json::parse(run.cases_json, nullptr, false);
  if (!cases.is_array()) cases = nlohmann::json::array();
  for (auto& c : cases) {
    if (c.is_object() && !c.contains("audit")) c["audit"] = nullptr;
  }
  const nlohmann::json out = {
      {"run_id", run.id},
      {"submission_id", run.submission_id},
      {"job_id", run.job_id},
      {"attempt", run.attempt},
      {"gpu", seen->job.gpu},
      {"mode", store::Name(seen->job.mode)},
      {"verdict", store::Name(run.verdict)},
      {"message", run.message},
      {"score_ns", OrNull(run.score_ns)},
      {"sol_ratio", OrNull(run.sol_ratio)},
      {"device", run.device},
      {"runner", run.runner},
      {"started_ms", run.started_ms},
      {"finished_ms", run.finished_ms},
      {"hacked", HackJsonOrNull(*hack, IsStaff(seen->caller.user))},
      {"seed_rule",
       "every call of a case draws its inputs from audit.seeds.inputs, except the timed calls of a leaderboard-mode "
       "benchmark: timed call i (from 0) draws them from MixSeed(inputs, i + 1); inputs = MixSeed(spec, secret) there"},
      {"cases", std::move(cases)}};
  return JsonResponse(req, status::ok, Dump(out));
}

/// The run's Nsight Compute report file (profile mode), for the same callers as the run itself.
Response ProfileReport(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto seen = Find(ctx, req, p);
  if (!seen.ok()) return ErrorResponse(req, seen.error());
  auto report = store::ArtifactRepository(ctx.db).Get(seen->run.id, store::ArtifactKind::kNcuReport);
  if (!report.ok()) return ErrorResponse(req, report.error());
  if (!report->has_value()) {
    return ErrorResponse(req, status::not_found, "not_found",
                         "run " + std::to_string(seen->run.id) + " has no profile report (profile mode on an NVIDIA GPU "
                         "with Nsight Compute keeps one)");
  }
  Response res{status::ok, req.version()};
  res.set(beast_http::field::content_type, "application/octet-stream");
  res.set(beast_http::field::content_disposition,
          "attachment; filename=\"run-" + std::to_string(seen->run.id) + ".ncu-rep\"");
  res.set(beast_http::field::cache_control, "private, no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Kjudge-Sha256", (*report)->info.sha256);
  res.keep_alive(req.keep_alive());
  res.body() = std::move((*report)->bytes);
  res.prepare_payload();
  return res;
}

}  // namespace

void AddRunRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::get, "/api/v1/runs/{id}", [&ctx](const Request& req, const PathParams& p) { return Get(ctx, req, p); });
  router.Add(verb::get, "/api/v1/runs/{id}/audit", [&ctx](const Request& req, const PathParams& p) { return Audit(ctx, req, p); });
  // A report may be tens of MiB: read and sent off the I/O threads.
  router.Add(verb::get, "/api/v1/runs/{id}/profile-report",
             [&ctx](const Request& req, const PathParams& p) { return ProfileReport(ctx, req, p); }, RouteKind::kBlocking);
}

}  // namespace kjudge::http
