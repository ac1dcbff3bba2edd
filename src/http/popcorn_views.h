// What popcorn-cli (gpu-mode/popcorn-cli) reads from a server, in one place: its error shape, how
// its names map onto ours, and the JSON views of submissions it deserializes (src/models/mod.rs,
// src/service/mod.rs). The popcorn route files build their answers from these.
//
// Thread safety: stateless functions over the thread-safe ServerContext.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/http/auth.h"
#include "kjudge/http/server_app.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/problem_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/submission_repository.h"

namespace kjudge::http::popcorn {

void AddPopcornAdminRoutes(Router& router, ServerContext& ctx);
void AddRegistrationRoutes(Router& router, ServerContext& ctx);
/// POST /{leaderboard}/{gpu}/profile: popcorn-cli's streamed (text/event-stream) submission.
void AddPopcornProfileRoute(Router& router, ServerContext& ctx);

/// The submission step every popcorn submit route shares: authenticates the X-Popcorn-Cli-Id,
/// refuses while intake is stopped (kUnavailable), reads the multipart `file` part, resolves
/// popcorn's names (leaderboard = problem, any case; GPU names and aliases, any case) and hands
/// the submission to SubmissionIntake. `#!POPCORN` directive lines become `//!POPCORN` comments so
/// that C++, CUDA and HIP compile them.
Result<Accepted> SubmitFromPopcorn(ServerContext& ctx, const Request& req, std::string_view leaderboard,
                                   std::string_view gpu, store::Mode mode);
/// The mode of a popcorn URL ("test", "Benchmark", ...). kInvalidArgument naming the four.
Result<store::Mode> PopcornMode(std::string_view text);
/// runner_queue as popcorn-cli reads it ({runner, gpu, queued_jobs}) plus our position and ETA.
nlohmann::json PopcornQueue(const QueueStatus& queue);

/// AuthenticatePopcorn for popcorn's competitor routes, which are for people: a runner account is
/// kPermissionDenied.
Result<Caller> PopcornPerson(const Request& req, store::Database& db);

/// popcorn-cli shows `detail` of a non-2xx JSON body; our own clients read `error` and `message`.
/// The body carries all three (and retry_after_s with a Retry-After header when the error has one).
Response PopcornError(const Request& req, const Error& error);
Response PopcornError(const Request& req, beast_http::status status, std::string_view code, std::string_view message);
/// A JSON response of any status.
Response PopcornJson(const Request& req, beast_http::status status, const nlohmann::json& body);

/// The problem a popcorn leaderboard name refers to: our problem name, compared without case
/// (popcorn-cli lower-cases it). kNotFound, listing what there is, when none matches or when
/// `caller` may not see any of its leaderboards (null caller: the public).
Result<store::Problem> FindPopcornProblem(store::Database& db, std::string_view name, const store::User* caller);
/// The problem's leaderboards `caller` may see (all for organizers and admins, public ones else).
Result<std::vector<store::Leaderboard>> VisibleLeaderboards(store::Database& db, const store::Problem& problem,
                                                            const store::User* caller);

/// popcorn's view of a submission's job: {status, error}. status is "pending" or "running" while
/// judging, "succeeded" when every run passed, and "failed", "timed_out" or "hacked" (what
/// popcorn-cli stops on, printing `error`) when judging failed, hit the time limit or was rejected.
nlohmann::json PopcornJobStatus(const std::vector<store::Job>& jobs, const std::vector<store::Run>& runs);

/// GET /user/submissions/{id}: id, leaderboard_id, leaderboard_name, file_name, user_id (a string),
/// submission_time, done, code (when `with_code`), runs[] {start_time, end_time, mode, secret,
/// runner, score (geomean in seconds), passed}, job {status, error}, runner_queue {runner, gpu,
/// queued_jobs} (null once done), plus kjudge's own fields (gpu, mode, verdicts, messages).
Result<nlohmann::json> PopcornSubmission(ServerContext& ctx, const store::Submission& submission, bool with_code);

/// The caller's submission `id_text`, or kNotFound (also for someone else's, unless the caller is
/// privileged: ids do not reveal who submitted).
Result<store::Submission> PopcornVisibleSubmission(ServerContext& ctx, const Caller& caller, std::string_view id_text);

/// Cancels the submission's unfinished jobs, then deletes it with its jobs and runs, recording
/// who did it in the audit log.
Status DeleteSubmission(ServerContext& ctx, const store::Submission& submission, const Caller& actor);

/// "vectoradd" for a submission: its leaderboard's problem, or its version's.
Result<std::string> SubmissionProblemName(store::Database& db, const store::Submission& submission);

/// Seconds from nanoseconds, as popcorn-cli prints scores.
inline double SecondsFromNs(double ns) { return ns / 1e9; }

}  // namespace kjudge::http::popcorn
