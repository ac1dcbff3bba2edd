// popcorn-cli's routes (gpu-mode/popcorn-cli, src/service/mod.rs), so competitors can point
// POPCORN_API_URL at a kjudge server and keep their tool: listing leaderboards and GPUs,
// submitting a file (multipart `file`) and polling its result, listing and deleting their own
// submissions. popcorn's "leaderboard" is our problem; its GPU names are our catalogue's names or
// aliases. The streamed profile route, the admin routes and registration live in their own files.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <utility>

#include "kjudge/http/multipart.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/store/leaderboard_repository.h"
#include "popcorn_views.h"
#include "query_params.h"
#include "routes.h"

namespace kjudge::http {

namespace popcorn {

namespace {

using beast_http::status;
using beast_http::verb;

/// Parts a popcorn form may have: `file`, plus a few text fields other clients add.
constexpr std::size_t kMaxFormParts = 8;
/// Listing sizes: popcorn-cli asks for 50 by default and sends any --limit its user types; more
/// than kMaxListLimit gets kMaxListLimit rather than an error.
constexpr std::int64_t kDefaultListLimit = 50;
constexpr std::int64_t kMaxListLimit = 100;
constexpr std::int64_t kMaxRequestedLimit = 2147483647;  // popcorn-cli's --limit is an i32
/// A listing filtered by leaderboard reads at most this many of the caller's submissions.
constexpr std::size_t kMaxListScan = 20 * store::kMaxPageSize;

/// The caller when the request names one (listing works anonymously, but a wrong id is an error
/// worth seeing at the first step rather than at submission).
Result<std::optional<Caller>> OptionalCaller(const Request& req, store::Database& db) {
  if (req[kPopcornCliIdHeader].empty() && req[beast_http::field::authorization].empty()) return std::optional<Caller>();
  KJ_ASSIGN_OR_RETURN(Caller caller, PopcornPerson(req, db));
  return std::optional<Caller>(std::move(caller));
}

/// The GPU `name` names on one of `boards` (a catalogue name or alias, any case).
Result<std::string> ResolveGpu(std::string_view name, const store::Problem& problem, const std::vector<store::Leaderboard>& boards) {
  const problem::GpuSpec* spec = problem::FindGpu(name);
  std::string offered;
  for (const auto& b : boards) {
    if (spec != nullptr && b.gpu == spec->name) return b.gpu;
    offered += (offered.empty() ? "" : ", ") + b.gpu;
  }
  return MakeError(ErrorCode::kNotFound, "leaderboard '" + problem.name + "' has no GPU '" + std::string(name) +
                                             "'; it runs on: " + (offered.empty() ? std::string("nothing") : offered));
}

/// One item of GET /leaderboards: name, description and task (what popcorn-cli requires), plus
/// deadline, GPU types and the problem's templates.
Result<nlohmann::json> LeaderboardItem(store::Database& db, const store::Problem& p, const std::vector<store::Leaderboard>& boards) {
  store::ProblemRepository problems(db);
  KJ_ASSIGN_OR_RETURN(auto version, problems.GetVersion(*p.active_version_id));
  KJ_ASSIGN_OR_RETURN(auto files, problems.GetFiles(version.id));
  const auto spec = nlohmann::json::parse(version.spec_json, nullptr, false);
  if (!spec.is_object()) return MakeError(ErrorCode::kCorruption, "the stored spec of " + p.name + " is not JSON");

  nlohmann::json templates = nlohmann::json::object();
  if (auto t = spec.find("files"); t != spec.end() && t->contains("templates") && (*t)["templates"].is_object()) {
    for (const auto& [language, path] : (*t)["templates"].items()) {
      if (auto f = path.is_string() ? files.find(path.get<std::string>()) : files.end(); f != files.end()) {
        templates[language] = f->second;
      }
    }
  }
  nlohmann::json gpus = nlohmann::json::array();
  std::optional<std::int64_t> deadline_ms;
  bool open = false, hidden = true;
  for (const auto& b : boards) {
    gpus.push_back(b.gpu);
    if (b.deadline_ms && (!deadline_ms || *b.deadline_ms < *deadline_ms)) deadline_ms = b.deadline_ms;
    open = open || b.AcceptsLeaderboardSubmissions(db.clock().NowMs());
    hidden = hidden && b.visibility == store::Visibility::kHidden;
  }
  const nlohmann::json languages = spec.value("languages", nlohmann::json::array());
  nlohmann::json task = {
      {"lang", languages.empty() ? nlohmann::json("") : languages.front()},
      {"languages", languages},
      {"description", spec.value("description", "")},
      {"tests", spec.value("tests", nlohmann::json::array())},
      {"benchmarks", spec.value("benchmarks", nlohmann::json::array())},
      {"ranking_by", spec.value("ranking_by", "geomean")},
      {"timeouts", spec.value("timeouts", nlohmann::json::object())},
      {"tolerance", spec.value("tolerance", nlohmann::json::object())},
      {"sol", spec.value("sol", nlohmann::json::object())},
      {"templates", std::move(templates)},
  };
  return nlohmann::json{
      {"id", p.id},
      {"name", p.name},
      {"title", p.title},
      {"description", spec.value("description", "")},
      {"deadline", deadline_ms ? nlohmann::json(FormatIso8601Ms(*deadline_ms)) : nlohmann::json()},
      {"gpu_types", std::move(gpus)},
      {"open", open},
      {"visibility", hidden ? "hidden" : "public"},
      {"task", std::move(task)},
  };
}

Response Leaderboards(ServerContext& ctx, const Request& req) {
  auto caller = OptionalCaller(req, ctx.db);
  if (!caller.ok()) return PopcornError(req, caller.error());
  const store::User* user = *caller ? &(*caller)->user : nullptr;
  auto all = store::ProblemRepository(ctx.db).List();
  if (!all.ok()) return PopcornError(req, all.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : *all) {
    if (!p.active_version_id) continue;
    auto boards = VisibleLeaderboards(ctx.db, p, user);
    if (!boards.ok()) return PopcornError(req, boards.error());
    if (boards->empty()) continue;
    auto item = LeaderboardItem(ctx.db, p, *boards);
    if (!item.ok()) return PopcornError(req, item.error());
    out.push_back(std::move(*item));
  }
  return PopcornJson(req, status::ok, out);
}

Response Gpus(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = OptionalCaller(req, ctx.db);
  if (!caller.ok()) return PopcornError(req, caller.error());
  const store::User* user = *caller ? &(*caller)->user : nullptr;
  auto problem = FindPopcornProblem(ctx.db, p.at("leaderboard"), user);
  if (!problem.ok()) return PopcornError(req, problem.error());
  auto boards = VisibleLeaderboards(ctx.db, *problem, user);
  if (!boards.ok()) return PopcornError(req, boards.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : *boards) out.push_back(b.gpu);
  return PopcornJson(req, status::ok, out);
}

Response Submit(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto mode = PopcornMode(p.at("mode"));
  if (!mode.ok()) {
    // Identity problems come first: they are what the user must fix before anything else.
    if (auto caller = PopcornPerson(req, ctx.db); !caller.ok()) return PopcornError(req, caller.error());
    return PopcornError(req, mode.error());
  }
  auto accepted = SubmitFromPopcorn(ctx, req, p.at("leaderboard"), p.at("gpu"), *mode);
  if (!accepted.ok()) return PopcornError(req, accepted.error());
  const auto& sub = accepted->submission;
  auto problem_name = SubmissionProblemName(ctx.db, sub);
  std::string message = accepted->duplicate
                            ? "identical to your submission " + std::to_string(sub.id) + ", made moments ago: following that one"
                            : "submission " + std::to_string(sub.id) + " accepted";
  if (!accepted->queue.summary.empty()) message += "; " + accepted->queue.summary;
  return PopcornJson(req, status::accepted,
                     {{"status", accepted->duplicate ? "duplicate" : "accepted"},
                      {"details",
                       {{"id", sub.id},
                        {"job_status_id", accepted->jobs.empty() ? nlohmann::json() : nlohmann::json(accepted->jobs.front().id)},
                        {"leaderboard", problem_name.ok() ? *problem_name : std::string()},
                        {"gpu", accepted->queue.gpu},
                        {"mode", store::Name(sub.mode)},
                        {"duplicate", accepted->duplicate}}},
                      {"runner_queue", PopcornQueue(accepted->queue)},
                      {"message", message}});
}

Response ShowSubmission(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = PopcornPerson(req, ctx.db);
  if (!caller.ok()) return PopcornError(req, caller.error());
  auto sub = PopcornVisibleSubmission(ctx, *caller, p.at("id"));
  if (!sub.ok()) return PopcornError(req, sub.error());
  auto view = PopcornSubmission(ctx, *sub, true);
  if (!view.ok()) return PopcornError(req, view.error());
  return PopcornJson(req, status::ok, *view);
}

Response DeleteOwnSubmission(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = PopcornPerson(req, ctx.db);
  if (!caller.ok()) return PopcornError(req, caller.error());
  auto sub = PopcornVisibleSubmission(ctx, *caller, p.at("id"));
  if (!sub.ok()) return PopcornError(req, sub.error());
  if (auto st = DeleteSubmission(ctx, *sub, *caller); !st.ok()) return PopcornError(req, st.error());
  return PopcornJson(req, status::ok, {{"status", "ok"}, {"submission_id", sub->id}});
}

Response ListSubmissions(ServerContext& ctx, const Request& req) {
  auto caller = PopcornPerson(req, ctx.db);
  if (!caller.ok()) return PopcornError(req, caller.error());
  const QueryParams query(req.target());
  auto requested = query.Int("limit", kDefaultListLimit, 1, kMaxRequestedLimit);
  if (!requested.ok()) return PopcornError(req, requested.error());
  const std::int64_t limit = std::min(*requested, kMaxListLimit);
  std::optional<std::string> only;  // the problem to list, when filtered
  if (auto name = query.Get("leaderboard")) {
    auto problem = FindPopcornProblem(ctx.db, *name, &caller->user);
    if (!problem.ok()) return PopcornError(req, problem.error());
    only = problem->name;
  }
  store::SubmissionRepository submissions(ctx.db);
  std::map<std::int64_t, std::string> board_problem;  // leaderboard id -> problem name
  nlohmann::json out = nlohmann::json::array();
  std::optional<std::int64_t> before;
  for (std::size_t scanned = 0; scanned < kMaxListScan && std::cmp_less(out.size(), limit);) {
    auto page = submissions.ListByUser(caller->user.id, store::PageRequest{store::kMaxPageSize, before});
    if (!page.ok()) return PopcornError(req, page.error());
    for (const auto& sub : *page) {
      if (std::cmp_greater_equal(out.size(), limit)) break;
      std::string problem_name;
      if (sub.leaderboard_id && board_problem.contains(*sub.leaderboard_id)) {
        problem_name = board_problem[*sub.leaderboard_id];
      } else {
        auto name = SubmissionProblemName(ctx.db, sub);
        if (!name.ok()) return PopcornError(req, name.error());
        problem_name = *name;
        if (sub.leaderboard_id) board_problem[*sub.leaderboard_id] = problem_name;
      }
      if (only && problem_name != *only) continue;
      auto view = PopcornSubmission(ctx, sub, false);
      if (!view.ok()) return PopcornError(req, view.error());
      nlohmann::json runs = nlohmann::json::array();
      for (const auto& r : (*view)["runs"]) {
        runs.push_back({{"gpu_type", r["runner"]}, {"score", r["score"]}, {"mode", r["mode"]}, {"passed", r["passed"]}});
      }
      out.push_back({{"id", sub.id},
                     {"leaderboard_name", problem_name},
                     {"file_name", sub.file_name},
                     {"submission_time", (*view)["submission_time"]},
                     {"done", (*view)["done"]},
                     {"mode", (*view)["mode"]},
                     {"status", (*view)["job"]["status"]},
                     {"runs", std::move(runs)}});
    }
    scanned += page->size();
    if (page->size() < store::kMaxPageSize) break;
    before = page->back().id;
  }
  return PopcornJson(req, status::ok, out);
}

}  // namespace

Result<store::Mode> PopcornMode(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto mode = store::Parse<store::Mode>(lower);
  if (!mode.ok()) {
    return MakeError(ErrorCode::kInvalidArgument, "unknown submission mode '" + std::string(text) +
                                                      "': use test, benchmark, leaderboard or profile");
  }
  return mode;
}

Result<Accepted> SubmitFromPopcorn(ServerContext& ctx, const Request& req, std::string_view leaderboard,
                                   std::string_view gpu, store::Mode mode) {
  KJ_ASSIGN_OR_RETURN(Caller caller, PopcornPerson(req, ctx.db));
  if (!ctx.accepting) {
    return MakeError(ErrorCode::kUnavailable,
                     "this server is not accepting new submissions right now (an organizer paused intake); "
                     "submissions already queued are still judged: try again later");
  }
  const std::uint64_t max_bytes = ctx.intake_rules.max_source_bytes;
  MultipartLimits limits;
  limits.max_parts = kMaxFormParts;
  limits.max_part_bytes = max_bytes;
  auto form = ParseMultipart(req[beast_http::field::content_type], req.body(), limits);
  if (!form.ok()) {
    if (form.error().code == ErrorCode::kResourceExhausted && form.error().message.find("larger than") != std::string::npos) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "the file is larger than this server's limit of " + std::to_string(max_bytes) + " bytes");
    }
    return form.error();
  }
  if (form->Count("file") != 1) {
    return MakeError(ErrorCode::kInvalidArgument, "the form must have exactly one part named 'file' (it has " +
                                                      std::to_string(form->Count("file")) + ")");
  }
  const MultipartPart& file = *form->Find("file");
  std::string file_name = file.filename.value_or("");
  if (const auto slash = file_name.find_last_of("/\\"); slash != std::string::npos) file_name.erase(0, slash + 1);
  if (file_name.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the 'file' part needs a filename: its extension (.cu, .hip, .cpp) decides the language");
  }
  KJ_ASSIGN_OR_RETURN(store::Problem problem, FindPopcornProblem(ctx.db, leaderboard, &caller.user));
  KJ_ASSIGN_OR_RETURN(auto boards, VisibleLeaderboards(ctx.db, problem, &caller.user));
  KJ_ASSIGN_OR_RETURN(std::string gpu_name, ResolveGpu(gpu, problem, boards));
  SubmitRequest request;
  request.problem = problem.name;
  request.gpu = gpu_name;
  request.mode = mode;
  request.file_name = std::move(file_name);
  request.source = file.body;
  return ctx.Intake().Submit(caller, request);
}

}  // namespace popcorn

void AddPopcornRoutes(Router& router, ServerContext& ctx) {
  using namespace popcorn;  // NOLINT(google-build-using-namespace): this file's own helpers
  router.Add(verb::get, "/leaderboards", [&ctx](const Request& req, const PathParams&) { return Leaderboards(ctx, req); });
  router.Add(verb::get, "/gpus/{leaderboard}", [&ctx](const Request& req, const PathParams& p) { return Gpus(ctx, req, p); });
  router.Add(verb::post, "/submission/{leaderboard}/{gpu}/{mode}",
             [&ctx](const Request& req, const PathParams& p) { return Submit(ctx, req, p); });
  router.Add(verb::get, "/user/submissions", [&ctx](const Request& req, const PathParams&) { return ListSubmissions(ctx, req); });
  router.Add(verb::get, "/user/submissions/{id}",
             [&ctx](const Request& req, const PathParams& p) { return ShowSubmission(ctx, req, p); });
  router.Add(verb::delete_, "/user/submissions/{id}",
             [&ctx](const Request& req, const PathParams& p) { return DeleteOwnSubmission(ctx, req, p); });
  AddPopcornProfileRoute(router, ctx);
  AddPopcornAdminRoutes(router, ctx);
  AddRegistrationRoutes(router, ctx);
}

}  // namespace kjudge::http
