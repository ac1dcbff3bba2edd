// Leaderboards: the list (problem x GPU, with state and deadline), and the standings of one: each
// competitor's best passing leaderboard-mode run, fastest first; ties go to the earlier submission.
// After the effective deadline the ranks freeze and later runs are listed apart (docs/web.md).
// Anyone may read public leaderboards; hidden ones exist only for organizers and admins.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "access.h"
#include "documents.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "query_params.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

constexpr std::size_t kChartSeries = 5;

std::string ShownName(const store::StandingEntry& e) { return e.display_name.empty() ? e.user_name : e.display_name; }

/// What ranks by what, from the problem's spec (the supervisor computes the statistic).
std::string RankingText(const std::string& ranking_by) {
  if (ranking_by == "mean") return "weighted arithmetic mean of the benchmark cases' mean times; lower is better";
  if (ranking_by == "last") return "mean time of the last benchmark case; lower is better";
  return "weighted geometric mean of the benchmark cases' mean times; lower is better; ties go to the earlier submission";
}

/// The ranking_by of the problem's active version ("geomean" when unknown).
Result<std::pair<std::string, std::string>> TitleAndRanking(store::Database& db, std::int64_t problem_id) {
  KJ_ASSIGN_OR_RETURN(auto problem, store::ProblemRepository(db).Get(problem_id));
  std::string ranking_by = "geomean";
  if (problem.active_version_id) {
    KJ_ASSIGN_OR_RETURN(auto version, store::ProblemRepository(db).GetVersion(*problem.active_version_id));
    const auto spec = nlohmann::json::parse(version.spec_json, nullptr, false);
    if (spec.is_object()) ranking_by = spec.value("ranking_by", "geomean");
  }
  return std::pair{problem.title, ranking_by};
}

/// The rank `score` would have among `ranked` (1 + the entries strictly faster).
std::int64_t WouldRank(const std::vector<store::StandingEntry>& ranked, double score) {
  const auto faster = std::lower_bound(ranked.begin(), ranked.end(), score,
                                       [](const store::StandingEntry& e, double s) { return e.score_ns < s; });
  return static_cast<std::int64_t>(faster - ranked.begin()) + 1;
}

Response List(ServerContext& ctx, const Request& req) {
  auto caller = OptionalPerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  if (auto st = QueryParams(req.target()).OnlyKnown({}); !st.ok()) return ErrorResponse(req, st.error());
  const bool staff = IsStaff(*caller);
  auto boards = store::LeaderboardRepository(ctx.db).List(staff);
  if (!boards.ok()) return ErrorResponse(req, boards.error());
  const std::int64_t now = ctx.db.clock().NowMs();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : *boards) out.push_back(LeaderboardJson(b, staff, now));
  return JsonResponse(req, status::ok, Dump({{"leaderboards", std::move(out)}}));
}

Response Get(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = OptionalPerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  const QueryParams query(req.target());
  if (auto st = query.OnlyKnown({"page"}); !st.ok()) return ErrorResponse(req, st.error());
  auto page = query.Int("page", 1, 1, 1'000'000);
  if (!page.ok()) return ErrorResponse(req, page.error());
  auto doc = LeaderboardDocument(ctx, *caller, p.at("problem"), p.at("gpu"), *page);
  if (!doc.ok()) return ErrorResponse(req, doc.error());
  return JsonResponse(req, status::ok, Dump(*doc));
}

}  // namespace

Result<nlohmann::json> LeaderboardDocument(ServerContext& ctx, const std::optional<Caller>& caller,
                                           const std::string& problem, const std::string& gpu, std::int64_t page) {
  // "h100" finds "H100": the catalogue's canonical name is what leaderboards are stored under.
  const problem::GpuSpec* spec = problem::FindGpu(gpu);
  auto board = store::LeaderboardRepository(ctx.db).Find(problem, spec != nullptr ? spec->name : gpu);
  if (!board.ok() && board.error().code != ErrorCode::kNotFound) return board.error();
  if (!board.ok() || !MaySee(caller, *board)) return MakeError(ErrorCode::kNotFound, "no leaderboard " + problem + " on " + gpu);
  KJ_ASSIGN_OR_RETURN(BoardStandings standings, StandingsOf(ctx, *board));
  KJ_ASSIGN_OR_RETURN(auto title_ranking, TitleAndRanking(ctx.db, board->problem_id));
  const auto& ranked = *standings.ranked;
  const auto total = static_cast<std::int64_t>(ranked.size());
  const std::int64_t pages = std::max<std::int64_t>(1, (total + kLeaderboardPageSize - 1) / kLeaderboardPageSize);
  if (page > pages) {
    return MakeError(ErrorCode::kNotFound, "leaderboard " + problem + " on " + gpu + " has " + std::to_string(pages) +
                                               " page" + (pages == 1 ? "" : "s"));
  }
  nlohmann::json entries = nlohmann::json::array();
  const std::int64_t first = (page - 1) * kLeaderboardPageSize;
  for (std::int64_t i = first; i < std::min(total, first + kLeaderboardPageSize); ++i) {
    const auto& e = ranked[static_cast<std::size_t>(i)];
    entries.push_back({{"rank", i + 1},
                       {"user", e.user_name},
                       {"display_name", ShownName(e)},
                       {"score_ns", e.score_ns},
                       {"sol_ratio", OrNull(e.sol_ratio)},
                       {"submission_id", e.submission_id},
                       {"run_id", e.run_id},
                       {"submissions", e.submissions},
                       {"submitted_ms", e.submitted_ms},
                       {"improved_ms", e.submitted_ms}});
  }
  nlohmann::json late = nlohmann::json::array();
  for (const auto& e : *standings.late) {
    late.push_back({{"user", e.user_name},
                    {"display_name", ShownName(e)},
                    {"score_ns", e.score_ns},
                    {"sol_ratio", OrNull(e.sol_ratio)},
                    {"submission_id", e.submission_id},
                    {"run_id", e.run_id},
                    {"submitted_ms", e.submitted_ms},
                    {"would_rank", WouldRank(ranked, e.score_ns)}});
  }
  std::vector<std::int64_t> top;
  for (std::size_t i = 0; i < ranked.size() && i < kChartSeries; ++i) top.push_back(ranked[i].user_id);
  KJ_ASSIGN_OR_RETURN(auto improvements, store::LeaderboardRepository(ctx.db).Improvements(
                                             board->id, top, standings.frozen ? standings.deadline_ms : std::nullopt));
  nlohmann::json series = nlohmann::json::array();
  for (std::size_t i = 0; i < top.size(); ++i) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& s : improvements) {
      if (s.user_id != top[i]) continue;
      for (const auto& pt : s.points) points.push_back({{"t_ms", pt.t_ms}, {"score_ns", pt.score_ns}});
    }
    series.push_back({{"user", ranked[i].user_name}, {"display_name", ShownName(ranked[i])}, {"points", std::move(points)}});
  }
  const std::int64_t now = ctx.db.clock().NowMs();
  return nlohmann::json{{"problem", board->problem_name},
                        {"title", title_ranking.first},
                        {"gpu", board->gpu},
                        {"state", store::Name(board->state)},
                        {"deadline_ms", OrNull(standings.deadline_ms)},
                        {"accepts_submissions", board->AcceptsLeaderboardSubmissions(now)},
                        {"frozen", standings.frozen},
                        {"ranking_by", title_ranking.second},
                        {"ranking", RankingText(title_ranking.second)},
                        {"total_entries", total},
                        {"page", page},
                        {"page_size", kLeaderboardPageSize},
                        {"pages", pages},
                        {"entries", std::move(entries)},
                        {"post_deadline", std::move(late)},
                        {"chart", {{"series", std::move(series)}}}};
}

void AddLeaderboardRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::get, "/api/v1/leaderboards", [&ctx](const Request& req, const PathParams&) { return List(ctx, req); });
  router.Add(verb::get, "/api/v1/leaderboards/{problem}/{gpu}",
             [&ctx](const Request& req, const PathParams& p) { return Get(ctx, req, p); });
}

}  // namespace kjudge::http
