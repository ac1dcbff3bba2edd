// Runs: one judging attempt of a job in full — verdict, per-case results and timings, compile and
// run logs, the device and the runner that produced it. Visible to the submission's owner,
// organizers and admins; to anyone else a run does not exist (404).
#include <nlohmann/json.hpp>

#include "access.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/submission_repository.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

Response Get(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = RequirePerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  auto id = IdParam(p, "id");
  if (!id.ok()) return ErrorResponse(req, id.error());
  const auto not_found = [&] { return ErrorResponse(req, status::not_found, "not_found", "no run " + p.at("id")); };
  auto run = store::RunRepository(ctx.db).Get(*id);
  if (!run.ok()) return run.error().code == ErrorCode::kNotFound ? not_found() : ErrorResponse(req, run.error());
  auto sub = store::SubmissionRepository(ctx.db).Get(run->submission_id);
  if (!sub.ok()) return ErrorResponse(req, sub.error());
  if (!MaySee(*caller, *sub)) return not_found();
  auto job = store::JobRepository(ctx.db).Get(run->job_id);
  if (!job.ok()) return ErrorResponse(req, job.error());
  nlohmann::json out = RunJson(*run);
  out["gpu"] = job->gpu;
  out["mode"] = store::Name(job->mode);
  return JsonResponse(req, status::ok, Dump(out));
}

}  // namespace

void AddRunRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::get, "/api/v1/runs/{id}", [&ctx](const Request& req, const PathParams& p) { return Get(ctx, req, p); });
}

}  // namespace kjudge::http
