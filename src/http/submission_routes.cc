// Submissions: create (through SubmissionIntake: checks, rate limits, duplicates, queue position),
// read back with jobs, runs, queue position and live events, list one's own, cancel, and follow
// live events by long-poll. The owner, organizers and admins see a submission; everyone sees the
// leaderboard-mode submissions that public leaderboards rank (their source only once published,
// see SourcesPublished); to anyone else it does not exist (404), so ids do not reveal who submitted.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <map>

#include "access.h"
#include "documents.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/store/hack_repository.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/submission_repository.h"
#include "kjudge/store/user_repository.h"
#include "query_params.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

/// Listing page sizes: 20 unless asked, at most 100 (each row costs a few reads).
constexpr std::int64_t kDefaultListLimit = 20;
constexpr std::int64_t kMaxListLimit = 100;
/// Submissions one listing request examines at most while filtering; a caller with more gets a
/// `next_before` cursor to continue from, so a filter matching nothing cannot scan a whole table.
constexpr std::size_t kMaxScannedPerList = 5000;
constexpr std::size_t kScanPageSize = 500;

/// A submission's state as listings and reads show it.
struct Outcome {
  std::string status;
  bool finished = false;  ///< every job has ended (done, failed or cancelled)
  std::optional<double> best_score_ns;  ///< fastest passing run
  std::optional<double> best_sol_ratio;
};

Result<Outcome> OutcomeOf(store::Database& db, std::int64_t submission_id, std::vector<store::Job>* jobs_out = nullptr,
                          std::vector<store::Run>* runs_out = nullptr) {
  KJ_ASSIGN_OR_RETURN(auto jobs, store::JobRepository(db).ListBySubmission(submission_id));
  KJ_ASSIGN_OR_RETURN(auto runs, store::RunRepository(db).ListBySubmission(submission_id));
  Outcome o;
  o.status = SubmissionOverallStatus(jobs, runs);
  o.finished = std::all_of(jobs.begin(), jobs.end(), [](const store::Job& j) { return store::IsTerminal(j.status); });
  for (const auto& r : runs) {
    if (r.verdict != store::Verdict::kPassed || !r.score_ns) continue;
    if (!o.best_score_ns || *r.score_ns < *o.best_score_ns) {
      o.best_score_ns = r.score_ns;
      o.best_sol_ratio = r.sol_ratio;
    }
  }
  if (jobs_out != nullptr) *jobs_out = std::move(jobs);
  if (runs_out != nullptr) *runs_out = std::move(runs);
  return o;
}

/// Which problem and GPU a submission went to, with lookups cached across one request.
class Places {
 public:
  explicit Places(store::Database& db) : db_(db) {}

  struct Place {
    std::string problem;
    std::string gpu;
  };

  Result<Place> Of(const store::Submission& sub) {
    if (sub.leaderboard_id) {
      auto it = boards_.find(*sub.leaderboard_id);
      if (it == boards_.end()) {
        KJ_ASSIGN_OR_RETURN(store::Leaderboard board, store::LeaderboardRepository(db_).Get(*sub.leaderboard_id));
        it = boards_.emplace(board.id, Place{board.problem_name, board.gpu}).first;
      }
      return it->second;
    }
    // Submissions made before leaderboards were named: the problem from the version, the GPU
    // from the first job.
    Place place;
    KJ_ASSIGN_OR_RETURN(store::ProblemVersion version, store::ProblemRepository(db_).GetVersion(sub.problem_version_id));
    KJ_ASSIGN_OR_RETURN(store::Problem problem, store::ProblemRepository(db_).Get(version.problem_id));
    place.problem = problem.name;
    KJ_ASSIGN_OR_RETURN(auto jobs, store::JobRepository(db_).ListBySubmission(sub.id));
    if (!jobs.empty()) place.gpu = jobs.front().gpu;
    return place;
  }

  Result<std::string> UserName(std::int64_t user_id) {
    auto it = users_.find(user_id);
    if (it == users_.end()) {
      KJ_ASSIGN_OR_RETURN(store::User user, store::UserRepository(db_).Get(user_id));
      it = users_.emplace(user_id, user.name).first;
    }
    return it->second;
  }

 private:
  store::Database& db_;
  std::map<std::int64_t, Place> boards_;
  std::map<std::int64_t, std::string> users_;
};

/// The caller and the submission named by the path, if the caller may see it.
Result<std::pair<Caller, store::Submission>> CallerAndSubmission(ServerContext& ctx, const Request& req,
                                                                 const PathParams& p) {
  KJ_ASSIGN_OR_RETURN(Caller caller, RequirePerson(req, ctx.db));
  KJ_ASSIGN_OR_RETURN(std::int64_t id, IdParam(p, "id"));
  auto sub = store::SubmissionRepository(ctx.db).Get(id);
  if (!sub.ok() && sub.error().code != ErrorCode::kNotFound) return sub.error();
  if (!sub.ok() || !MaySee(caller, *sub)) return MakeError(ErrorCode::kNotFound, "no submission " + p.at("id"));
  return std::make_pair(std::move(caller), std::move(sub).value());
}

Response Create(ServerContext& ctx, const Request& req) {
  auto caller = RequirePerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  if (!ctx.accepting) {
    return ErrorResponse(req, status::service_unavailable, "unavailable",
                         "the server is not accepting new submissions right now (an admin paused them); submissions "
                         "already queued are still judged: try again later");
  }
  auto body = JsonBody(req);
  if (!body.ok()) return ErrorResponse(req, body.error());
  SubmitRequest request;
  for (auto [field, out] : {std::pair{"problem", &request.problem}, std::pair{"gpu", &request.gpu},
                            std::pair{"file_name", &request.file_name}, std::pair{"source", &request.source}}) {
    auto value = StringField(*body, field);
    if (!value.ok()) return ErrorResponse(req, value.error());
    *out = std::move(value).value();
  }
  if (auto it = body->find("mode"); it != body->end()) {
    if (!it->is_string()) return ErrorResponse(req, status::bad_request, "invalid_argument", "field 'mode' must be a string");
    auto mode = store::Parse<store::Mode>(it->get<std::string>());
    if (!mode.ok()) return ErrorResponse(req, mode.error());
    request.mode = *mode;
  }
  auto accepted = ctx.Intake().Submit(*caller, request);
  if (!accepted.ok()) return ErrorResponse(req, accepted.error());
  Places places(ctx.db);
  auto place = places.Of(accepted->submission);
  if (!place.ok()) return ErrorResponse(req, place.error());
  std::string overall = "queued";
  if (accepted->duplicate) {
    auto outcome = OutcomeOf(ctx.db, accepted->submission.id);
    if (!outcome.ok()) return ErrorResponse(req, outcome.error());
    overall = outcome->status;
  }
  nlohmann::json job_ids = nlohmann::json::array();
  for (const auto& j : accepted->jobs) job_ids.push_back(j.id);
  return JsonResponse(req, accepted->duplicate ? status::ok : status::created,
                      Dump({{"id", accepted->submission.id},
                            {"problem", place->problem},
                            {"gpu", place->gpu},
                            {"mode", store::Name(accepted->submission.mode)},
                            {"status", overall},
                            {"jobs", std::move(job_ids)},
                            {"duplicate", accepted->duplicate},
                            {"queue", QueueJson(accepted->queue)}}));
}

Response Get(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = OptionalPerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  auto id = IdParam(p, "id");
  if (!id.ok()) return ErrorResponse(req, id.error());
  auto doc = SubmissionDocument(ctx, *caller, *id);
  if (!doc.ok()) return ErrorResponse(req, doc.error());
  return JsonResponse(req, status::ok, Dump(*doc));
}

/// The caller's submissions (or, for staff, anyone's), newest first, filtered and paged.
Response List(ServerContext& ctx, const Request& req) {
  auto caller = RequirePerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  const QueryParams query(req.target());
  if (auto st = query.OnlyKnown({"problem", "gpu", "mode", "user", "limit", "before"}); !st.ok()) {
    return ErrorResponse(req, st.error());
  }
  auto limit = query.Int("limit", kDefaultListLimit, 1, kMaxListLimit);
  auto before = query.Int("before", 0, 0, INT64_MAX);
  for (const auto* r : {&limit, &before}) {
    if (!r->ok()) return ErrorResponse(req, r->error());
  }
  std::optional<store::Mode> mode;
  if (auto text = query.Get("mode")) {
    auto parsed = store::Parse<store::Mode>(*text);
    if (!parsed.ok()) return ErrorResponse(req, parsed.error());
    mode = *parsed;
  }
  std::optional<std::string> gpu = query.Get("gpu");
  if (gpu) {
    if (const problem::GpuSpec* spec = problem::FindGpu(*gpu)) gpu = std::string(spec->name);
  }
  const std::optional<std::string> problem = query.Get("problem");
  store::User owner = caller->user;
  if (auto name = query.Get("user"); name && *name != caller->user.name) {
    if (!IsStaff(caller->user)) {
      return ErrorResponse(req, status::forbidden, "permission_denied",
                           "only organizers and admins may list other users' submissions");
    }
    auto user = store::UserRepository(ctx.db).GetByName(*name);
    if (!user.ok()) return ErrorResponse(req, user.error());
    owner = *user;
  }

  Places places(ctx.db);
  nlohmann::json items = nlohmann::json::array();
  std::optional<std::int64_t> cursor = *before > 0 ? std::optional<std::int64_t>(*before) : std::nullopt;
  std::optional<std::int64_t> next_before;
  std::size_t scanned = 0;
  store::SubmissionRepository submissions(ctx.db);
  for (bool done = false; !done;) {
    auto page = submissions.ListByUser(owner.id, store::PageRequest{kScanPageSize, cursor});
    if (!page.ok()) return ErrorResponse(req, page.error());
    for (const auto& sub : *page) {
      ++scanned;
      if (mode && sub.mode != *mode) continue;
      auto place = places.Of(sub);
      if (!place.ok()) return ErrorResponse(req, place.error());
      if ((problem && place->problem != *problem) || (gpu && place->gpu != *gpu)) continue;
      auto outcome = OutcomeOf(ctx.db, sub.id);
      if (!outcome.ok()) return ErrorResponse(req, outcome.error());
      auto hack = store::HackRepository(ctx.db).Find(sub.id);
      if (!hack.ok()) return ErrorResponse(req, hack.error());
      items.push_back({{"id", sub.id},
                       {"hacked", hack->has_value()},
                       {"user", owner.name},
                       {"problem", place->problem},
                       {"gpu", place->gpu},
                       {"mode", store::Name(sub.mode)},
                       {"language", store::Name(sub.language)},
                       {"file_name", sub.file_name},
                       {"created_ms", sub.created_ms},
                       {"status", outcome->status},
                       {"best_score_ns", OrNull(outcome->best_score_ns)},
                       {"best_sol_ratio", OrNull(outcome->best_sol_ratio)}});
      if (static_cast<std::int64_t>(items.size()) == *limit) {
        next_before = sub.id;
        done = true;
        break;
      }
    }
    if (done || page->size() < kScanPageSize) break;
    cursor = page->back().id;
    if (scanned >= kMaxScannedPerList) {
      next_before = cursor;
      done = true;
    }
  }
  return JsonResponse(req, status::ok, Dump({{"submissions", std::move(items)}, {"next_before", OrNull(next_before)}}));
}

/// Cancels every job of the submission that has not ended; the runner holding one finds its
/// lease gone at its next heartbeat or result.
Response Cancel(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto found = CallerAndSubmission(ctx, req, p);
  if (!found.ok()) return ErrorResponse(req, found.error());
  const auto& [caller, sub] = *found;
  auto jobs = store::JobRepository(ctx.db).ListBySubmission(sub.id);
  if (!jobs.ok()) return ErrorResponse(req, jobs.error());
  nlohmann::json cancelled = nlohmann::json::array();
  for (const auto& j : *jobs) {
    if (store::IsTerminal(j.status)) continue;
    auto done = ctx.queue.Cancel(j.id, "cancelled by " + caller.user.name);
    if (done.ok()) {
      cancelled.push_back(j.id);
    } else if (done.error().code != ErrorCode::kFailedPrecondition) {  // it finished meanwhile
      return ErrorResponse(req, done.error());
    }
  }
  if (cancelled.empty()) {
    return ErrorResponse(req, status::conflict, "failed_precondition",
                         "submission " + std::to_string(sub.id) + " has already finished: there is nothing to cancel");
  }
  ctx.events.Publish(sub.id, {{"event", "cancelled"}, {"jobs", cancelled}, {"by", caller.user.name}});
  return JsonResponse(req, status::ok, Dump({{"id", sub.id}, {"status", "cancelled"}, {"cancelled_jobs", cancelled}}));
}

Response Events(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto found = CallerAndSubmission(ctx, req, p);
  if (!found.ok()) return ErrorResponse(req, found.error());
  const QueryParams query(req.target());
  auto after = query.Int("after", 0, 0, INT64_MAX);
  auto wait_s = query.Int("wait_s", 0, 0, 30);
  for (const auto* r : {&after, &wait_s}) {
    if (!r->ok()) return ErrorResponse(req, r->error());
  }
  const std::int64_t wait_ms = ctx.stopping ? 0 : *wait_s * 1000;
  return JsonResponse(req, status::ok, Dump({{"events", ctx.events.Since(found->second.id, *after, wait_ms)}}));
}

}  // namespace

Result<store::Submission> VisibleSubmission(ServerContext& ctx, const Request& req, const PathParams& p) {
  KJ_ASSIGN_OR_RETURN(auto found, CallerAndSubmission(ctx, req, p));
  return std::move(found.second);
}

Result<nlohmann::json> SubmissionDocument(ServerContext& ctx, const std::optional<Caller>& caller, std::int64_t id) {
  const Error missing = MakeError(ErrorCode::kNotFound, "no submission " + std::to_string(id));
  auto found = store::SubmissionRepository(ctx.db).Get(id);
  if (!found.ok()) return found.error().code == ErrorCode::kNotFound ? missing : found.error();
  const store::Submission& sub = *found;
  const bool privileged = caller && MaySee(*caller, sub);
  std::optional<store::Leaderboard> board;
  if (sub.leaderboard_id) {
    KJ_ASSIGN_OR_RETURN(board, store::LeaderboardRepository(ctx.db).Get(*sub.leaderboard_id));
  }
  // Leaderboard runs are public, like the leaderboard that links them; other modes are private.
  const bool public_entry = board && sub.mode == store::Mode::kLeaderboard && MaySee(caller, *board);
  if (!privileged && !public_entry) return missing;
  // A submission marked hacked is out of every public view; its owner and staff still see it, marked.
  KJ_ASSIGN_OR_RETURN(std::optional<store::HackMark> hack, store::HackRepository(ctx.db).Find(sub.id));
  if (hack && !privileged) return missing;
  const std::int64_t now = ctx.db.clock().NowMs();
  bool source_visible = privileged;
  if (!source_visible && board) {
    KJ_ASSIGN_OR_RETURN(source_visible, SourcesPublished(ctx.db, *board, now));
  }
  std::vector<store::Job> jobs;
  std::vector<store::Run> runs;
  KJ_ASSIGN_OR_RETURN(Outcome outcome, OutcomeOf(ctx.db, sub.id, &jobs, &runs));
  Places places(ctx.db);
  KJ_ASSIGN_OR_RETURN(auto place, places.Of(sub));
  KJ_ASSIGN_OR_RETURN(auto user, places.UserName(sub.user_id));
  nlohmann::json jobs_json = nlohmann::json::array();
  for (const auto& j : jobs) {
    jobs_json.push_back({{"id", j.id}, {"gpu", j.gpu}, {"mode", store::Name(j.mode)}, {"status", store::Name(j.status)},
                         {"attempts", j.attempts}, {"last_error", j.last_error}});
  }
  nlohmann::json runs_json = nlohmann::json::array();
  for (const auto& r : runs) runs_json.push_back(RunJson(r));
  nlohmann::json out = {{"id", sub.id},
                        {"user_id", sub.user_id},
                        {"user", user},
                        {"problem", place.problem},
                        {"gpu", place.gpu},
                        {"file_name", sub.file_name},
                        {"language", store::Name(sub.language)},
                        {"mode", store::Name(sub.mode)},
                        {"sha256", sub.source_sha256},
                        {"created_ms", sub.created_ms},
                        {"status", outcome.status},
                        {"best_score_ns", OrNull(outcome.best_score_ns)},
                        {"best_sol_ratio", OrNull(outcome.best_sol_ratio)},
                        {"jobs", std::move(jobs_json)},
                        {"runs", std::move(runs_json)},
                        {"events", ctx.events.Since(sub.id, 0)},
                        {"source_visible", source_visible},
                        {"hacked", HackJsonOrNull(hack, IsStaff(caller))}};
  if (source_visible) out["source"] = sub.source;
  if (!outcome.finished) {
    KJ_ASSIGN_OR_RETURN(auto queue, ctx.Intake().StatusOf(sub.id));
    out["queue"] = QueueJson(queue);
  }
  return out;
}

void AddSubmissionRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::post, "/api/v1/submissions", [&ctx](const Request& req, const PathParams&) { return Create(ctx, req); });
  router.Add(verb::get, "/api/v1/submissions", [&ctx](const Request& req, const PathParams&) { return List(ctx, req); });
  router.Add(verb::get, "/api/v1/submissions/{id}", [&ctx](const Request& req, const PathParams& p) { return Get(ctx, req, p); });
  router.Add(verb::post, "/api/v1/submissions/{id}/cancel",
             [&ctx](const Request& req, const PathParams& p) { return Cancel(ctx, req, p); });
  router.Add(verb::get, "/api/v1/submissions/{id}/events",
             [&ctx](const Request& req, const PathParams& p) { return Events(ctx, req, p); }, RouteKind::kBlocking);
}

}  // namespace kjudge::http
