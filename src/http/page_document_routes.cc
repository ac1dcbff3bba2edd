// The documents of the pages that no older API route serves: the home page, a competitor's page
// and the comparison of two runs (docs/web.md), with their /api/v1 mirrors.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "access.h"
#include "documents.h"
#include "kjudge/score/run_comparison.h"
#include "kjudge/store/competition_repository.h"
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

constexpr int kRecentRuns = 20;
constexpr int kHistoryLimit = 100;

std::string Shown(const std::string& display_name, const std::string& name) {
  return display_name.empty() ? name : display_name;
}

std::string CompetitionStatus(const store::Competition& c, std::int64_t now) {
  if (now < c.start_ms) return "upcoming";
  return now < c.deadline_ms ? "running" : "ended";
}

/// Problem id -> title, for listings that only carry ids.
Result<std::unordered_map<std::int64_t, std::string>> Titles(store::Database& db) {
  KJ_ASSIGN_OR_RETURN(auto problems, store::ProblemRepository(db).List());
  std::unordered_map<std::int64_t, std::string> out;
  for (const auto& p : problems) out[p.id] = p.title;
  return out;
}

/// Documents answered as JSON: the caller from the bearer token, errors as JSON errors.
template <typename Build>
Response Answer(ServerContext& ctx, const Request& req, std::initializer_list<std::string_view> known, Build build) {
  auto caller = OptionalPerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  const QueryParams query(req.target());
  if (auto st = query.OnlyKnown(known); !st.ok()) return ErrorResponse(req, st.error());
  Result<nlohmann::json> doc = build(*caller, query);
  if (!doc.ok()) return ErrorResponse(req, doc.error());
  return JsonResponse(req, status::ok, Dump(*doc));
}

/// The run, its submission and leaderboard, when the caller may compare it.
struct ComparedRun {
  store::Run run;
  store::Submission submission;
  store::Leaderboard board;
  std::string user;
  std::string display_name;
};

Result<ComparedRun> RunForComparison(ServerContext& ctx, const std::optional<Caller>& caller, std::int64_t run_id) {
  const Error missing = MakeError(ErrorCode::kNotFound, "no run " + std::to_string(run_id));
  auto run = store::RunRepository(ctx.db).Get(run_id);
  if (!run.ok()) return run.error().code == ErrorCode::kNotFound ? missing : run.error();
  KJ_ASSIGN_OR_RETURN(auto sub, store::SubmissionRepository(ctx.db).Get(run->submission_id));
  if (!sub.leaderboard_id) return missing;
  KJ_ASSIGN_OR_RETURN(auto board, store::LeaderboardRepository(ctx.db).Get(*sub.leaderboard_id));
  const bool own = caller && MaySee(*caller, sub);
  if (!own) {
    // Someone else's run: only ranked (leaderboard-mode) runs of a visible leaderboard, and only
    // once its deadline has passed, so nobody studies a rival's timings mid-competition.
    if (sub.mode != store::Mode::kLeaderboard || !MaySee(caller, board)) return missing;
    KJ_ASSIGN_OR_RETURN(BoardStandings standings, StandingsOf(ctx, board));
    if (!standings.frozen) {
      return MakeError(ErrorCode::kPermissionDenied,
                       "run " + std::to_string(run_id) + " is another competitor's: it can be compared once the "
                       "leaderboard's deadline has passed");
    }
  }
  if (run->verdict != store::Verdict::kPassed) {
    return MakeError(ErrorCode::kInvalidArgument, "run " + std::to_string(run_id) + " did not pass: only passing runs have timings to compare");
  }
  KJ_ASSIGN_OR_RETURN(auto user, store::UserRepository(ctx.db).Get(sub.user_id));
  return ComparedRun{std::move(run).value(), std::move(sub), std::move(board), user.name, Shown(user.display_name, user.name)};
}

nlohmann::json RunSide(const ComparedRun& r) {
  return {{"run_id", r.run.id},           {"submission_id", r.submission.id}, {"user", r.user},
          {"display_name", r.display_name}, {"score_ns", OrNull(r.run.score_ns)}, {"sol_ratio", OrNull(r.run.sol_ratio)}};
}

}  // namespace

Result<nlohmann::json> HomeDocument(ServerContext& ctx, const std::optional<Caller>& caller) {
  const std::int64_t now = ctx.db.clock().NowMs();
  const bool staff = IsStaff(caller);
  nlohmann::json competitions = nlohmann::json::array();
  KJ_ASSIGN_OR_RETURN(auto all_competitions, store::CompetitionRepository(ctx.db).List());
  for (const auto& c : all_competitions) {
    competitions.push_back({{"name", c.name},
                            {"title", c.title},
                            {"start_ms", c.start_ms},
                            {"deadline_ms", c.deadline_ms},
                            {"status", CompetitionStatus(c, now)},
                            {"parts", c.problems.size()}});
  }
  KJ_ASSIGN_OR_RETURN(auto titles, Titles(ctx.db));
  KJ_ASSIGN_OR_RETURN(auto boards, store::LeaderboardRepository(ctx.db).List(staff));
  nlohmann::json leaderboards = nlohmann::json::array();
  for (const auto& b : boards) {
    KJ_ASSIGN_OR_RETURN(BoardStandings standings, StandingsOf(ctx, b));
    nlohmann::json leader;
    if (!standings.ranked->empty()) {
      const auto& e = standings.ranked->front();
      leader = {{"user", e.user_name},
                {"display_name", Shown(e.display_name, e.user_name)},
                {"score_ns", e.score_ns},
                {"sol_ratio", OrNull(e.sol_ratio)}};
    }
    leaderboards.push_back({{"problem", b.problem_name},
                            {"title", titles[b.problem_id]},
                            {"gpu", b.gpu},
                            {"state", store::Name(b.state)},
                            {"deadline_ms", OrNull(standings.deadline_ms)},
                            {"entries", standings.ranked->size()},
                            {"leader", std::move(leader)}});
  }
  KJ_ASSIGN_OR_RETURN(auto recent_runs, store::RunRepository(ctx.db).RecentLeaderboardRuns(kRecentRuns));
  nlohmann::json recent = nlohmann::json::array();
  for (const auto& r : recent_runs) {
    recent.push_back({{"submission_id", r.submission_id},
                      {"run_id", r.run_id},
                      {"user", r.user_name},
                      {"display_name", Shown(r.display_name, r.user_name)},
                      {"problem", r.problem},
                      {"gpu", r.gpu},
                      {"verdict", r.verdict},
                      {"score_ns", OrNull(r.score_ns)},
                      {"sol_ratio", OrNull(r.sol_ratio)},
                      {"finished_ms", r.finished_ms}});
  }
  return nlohmann::json{{"now_ms", now},
                        {"competitions", std::move(competitions)},
                        {"leaderboards", std::move(leaderboards)},
                        {"recent", std::move(recent)}};
}

Result<nlohmann::json> UserDocument(ServerContext& ctx, const std::optional<Caller>& caller, const std::string& name) {
  auto user = store::UserRepository(ctx.db).GetByName(name);
  if (!user.ok()) {
    if (user.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "no competitor named '" + name + "'");
    return user.error();
  }
  if (user->role == store::Role::kRunner) return MakeError(ErrorCode::kNotFound, "no competitor named '" + name + "'");
  const bool everything = caller && (caller->user.id == user->id || IsStaff(caller->user));
  KJ_ASSIGN_OR_RETURN(auto boards, store::LeaderboardRepository(ctx.db).List(IsStaff(caller)));
  std::set<std::pair<std::string, std::string>> visible;
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& b : boards) {
    visible.emplace(b.problem_name, b.gpu);
    KJ_ASSIGN_OR_RETURN(BoardStandings standings, StandingsOf(ctx, b));
    const auto& ranked = *standings.ranked;
    for (std::size_t i = 0; i < ranked.size(); ++i) {
      if (ranked[i].user_id != user->id) continue;
      entries.push_back({{"problem", b.problem_name},
                         {"gpu", b.gpu},
                         {"rank", i + 1},
                         {"of", ranked.size()},
                         {"score_ns", ranked[i].score_ns},
                         {"sol_ratio", OrNull(ranked[i].sol_ratio)},
                         {"submission_id", ranked[i].submission_id},
                         {"run_id", ranked[i].run_id},
                         {"submitted_ms", ranked[i].submitted_ms}});
      break;
    }
  }
  KJ_ASSIGN_OR_RETURN(auto rows, store::SubmissionRepository(ctx.db).UserHistory(user->id, everything, kHistoryLimit));
  nlohmann::json history = nlohmann::json::array();
  for (const auto& h : rows) {
    if (!everything && (h.hacked || !visible.contains({h.problem, h.gpu}))) continue;
    history.push_back({{"submission_id", h.submission_id},
                       {"hacked", h.hacked},
                       {"problem", h.problem},
                       {"gpu", h.gpu},
                       {"mode", h.mode},
                       {"status", h.status},
                       {"score_ns", OrNull(h.score_ns)},
                       {"sol_ratio", OrNull(h.sol_ratio)},
                       {"created_ms", h.created_ms}});
  }
  return nlohmann::json{{"user", user->name},
                        {"display_name", Shown(user->display_name, user->name)},
                        {"created_ms", user->created_ms},
                        {"entries", std::move(entries)},
                        {"history", std::move(history)}};
}

Result<nlohmann::json> CompareDocument(ServerContext& ctx, const std::optional<Caller>& caller, std::int64_t run_a,
                                       std::int64_t run_b) {
  KJ_ASSIGN_OR_RETURN(ComparedRun a, RunForComparison(ctx, caller, run_a));
  KJ_ASSIGN_OR_RETURN(ComparedRun b, RunForComparison(ctx, caller, run_b));
  if (a.board.id != b.board.id) {
    return MakeError(ErrorCode::kInvalidArgument, "runs " + std::to_string(run_a) + " and " + std::to_string(run_b) +
                                                      " are on different leaderboards (" + a.board.problem_name + " on " +
                                                      a.board.gpu + ", " + b.board.problem_name + " on " + b.board.gpu + ")");
  }
  const auto cases_a = score::BenchmarkTimings(nlohmann::json::parse(a.run.cases_json, nullptr, false));
  const auto cases_b = score::BenchmarkTimings(nlohmann::json::parse(b.run.cases_json, nullptr, false));
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : score::CompareCases(cases_a, cases_b)) {
    cases.push_back({{"index", c.index},
                     {"params", c.params},
                     {"sol_ns", c.sol_ns},
                     {"a_ns", c.a_ns},
                     {"b_ns", c.b_ns},
                     {"a_sol_ratio", OrNull(c.a_sol_ratio)},
                     {"b_sol_ratio", OrNull(c.b_sol_ratio)},
                     {"diff_ns", c.diff_ns},
                     {"diff_pct", c.diff_pct},
                     {"noise_pct", c.noise_pct},
                     {"verdict", score::FasterName(c.faster)}});
  }
  nlohmann::json score = {{"a_ns", OrNull(a.run.score_ns)}, {"b_ns", OrNull(b.run.score_ns)}, {"diff_pct", nullptr}};
  if (a.run.score_ns && b.run.score_ns && *a.run.score_ns > 0) score["diff_pct"] = (*b.run.score_ns / *a.run.score_ns - 1) * 100;
  return nlohmann::json{{"problem", a.board.problem_name}, {"gpu", a.board.gpu}, {"a", RunSide(a)},
                        {"b", RunSide(b)},                 {"cases", std::move(cases)}, {"score", std::move(score)}};
}

void AddPageDocumentRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::get, "/api/v1/home", [&ctx](const Request& req, const PathParams&) {
    return Answer(ctx, req, {}, [&](const std::optional<Caller>& caller, const QueryParams&) { return HomeDocument(ctx, caller); });
  });
  router.Add(verb::get, "/api/v1/users/{name}", [&ctx](const Request& req, const PathParams& p) {
    return Answer(ctx, req, {}, [&](const std::optional<Caller>& caller, const QueryParams&) {
      return UserDocument(ctx, caller, p.at("name"));
    });
  });
  router.Add(verb::get, "/api/v1/compare", [&ctx](const Request& req, const PathParams&) {
    return Answer(ctx, req, {"a", "b"}, [&](const std::optional<Caller>& caller, const QueryParams& q) -> Result<nlohmann::json> {
      if (!q.Get("a") || !q.Get("b")) return MakeError(ErrorCode::kInvalidArgument, "give the two run ids as ?a=RUN&b=RUN");
      KJ_ASSIGN_OR_RETURN(std::int64_t a, q.Int("a", 0, 1, INT64_MAX));
      KJ_ASSIGN_OR_RETURN(std::int64_t b, q.Int("b", 0, 1, INT64_MAX));
      return CompareDocument(ctx, caller, a, b);
    });
  });
}

}  // namespace kjudge::http
