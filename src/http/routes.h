// Route groups of the server app, one file each; BuildRouter (server_app.cc) adds them all.
#pragma once

#include <nlohmann/json.hpp>

#include "kjudge/http/server_app.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/submission_repository.h"

namespace kjudge::http {

void AddRunnerRoutes(Router& router, ServerContext& ctx);
void AddSubmissionRoutes(Router& router, ServerContext& ctx);
void AddLeaderboardRoutes(Router& router, ServerContext& ctx);
void AddProblemRoutes(Router& router, ServerContext& ctx);
void AddRunRoutes(Router& router, ServerContext& ctx);
void AddAdminRoutes(Router& router, ServerContext& ctx);
/// GET /api/v1/submissions/{id}/stream: live progress as Server-Sent Events (submission_stream.cc).
void AddSubmissionStreamRoutes(Router& router, ServerContext& ctx);
void AddPopcornRoutes(Router& router, ServerContext& ctx);
/// GET /api/v1/competitions[/{name}] and the organizers' /api/v1/admin/competitions routes (competition_routes.cc).
void AddCompetitionRoutes(Router& router, ServerContext& ctx);
/// /api/v1 mirrors of the pages that have no older API route: home, users, compare (page_document_routes.cc).
void AddPageDocumentRoutes(Router& router, ServerContext& ctx);
/// GET /api/v1/leaderboards/{problem}/{gpu}/stream: an event when the standings change (leaderboard_stream.cc).
void AddLeaderboardStreamRoutes(Router& router, ServerContext& ctx);
/// The HTML pages and their static assets (web_routes.cc).
void AddWebRoutes(Router& router, ServerContext& ctx);

/// The request body as a JSON object, or a 400 naming what is wrong.
Result<nlohmann::json> JsonBody(const Request& req);
/// A required string field of `body`; kInvalidArgument naming the field.
Result<std::string> StringField(const nlohmann::json& body, const char* name);
/// A path parameter as a positive integer id; kInvalidArgument (kNotFound would leak nothing
/// either, but a malformed id is the client's mistake).
Result<std::int64_t> IdParam(const PathParams& params, const char* name);

/// The submission named by path parameter "id", if the caller (bearer token) may see it: its
/// owner, organizers, admins. Someone else's submission is kNotFound, so ids do not leak owners.
Result<store::Submission> VisibleSubmission(ServerContext& ctx, const Request& req, const PathParams& p);

/// A submission's overall state from its jobs and runs: "queued", "judging", "cancelled", "failed",
/// or, once every job is done, the worst verdict among the jobs' last runs ("passed",
/// "wrong_answer", ...). Defined in submission_stream.cc.
std::string SubmissionOverallStatus(const std::vector<store::Job>& jobs, const std::vector<store::Run>& runs);

/// Serializes with invalid UTF-8 replaced rather than throwing (sources and logs are user bytes).
std::string Dump(const nlohmann::json& j);

}  // namespace kjudge::http
