// Leaderboards: the list (problem x GPU, with state and deadline), and the standings of one: each
// competitor's best passing leaderboard-mode run, fastest first; ties go to the earlier submission.
// Anyone may read public leaderboards; hidden ones exist only for organizers and admins.
// (Competitions, ranking rules other than the run's own score and pages come with the scoring issue.)
#include <nlohmann/json.hpp>


#include "access.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/store/leaderboard_repository.h"
#include "query_params.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

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
  // "h100" finds "H100": the catalogue's canonical name is what leaderboards are stored under.
  const problem::GpuSpec* gpu = problem::FindGpu(p.at("gpu"));
  auto board = store::LeaderboardRepository(ctx.db).Find(p.at("problem"), gpu != nullptr ? gpu->name : p.at("gpu"));
  if (!board.ok() || !MaySee(*caller, *board)) {
    return ErrorResponse(req, status::not_found, "not_found", "no leaderboard " + p.at("problem") + " on " + p.at("gpu"));
  }
  auto standings = store::LeaderboardRepository(ctx.db).Standings(board->id);
  if (!standings.ok()) return ErrorResponse(req, standings.error());
  nlohmann::json entries = nlohmann::json::array();
  int rank = 0;
  for (const auto& e : *standings) {
    entries.push_back({{"rank", ++rank},
                       {"user", e.display_name},
                       {"score_ns", e.score_ns},
                       {"sol_ratio", e.sol_ratio ? nlohmann::json(*e.sol_ratio) : nlohmann::json()},
                       {"submission_id", e.submission_id},
                       {"run_id", e.run_id},
                       {"submissions", e.submissions},
                       {"submitted_ms", e.submitted_ms}});
  }
  return JsonResponse(req, status::ok,
                      Dump({{"problem", board->problem_name},
                            {"gpu", board->gpu},
                            {"state", store::Name(board->state)},
                            {"deadline_ms", board->deadline_ms ? nlohmann::json(*board->deadline_ms) : nlohmann::json()},
                            {"ranking", "score_ns ascending (the run's ranking statistic), ties to the earlier submission"},
                            {"entries", entries}}));
}

}  // namespace

void AddLeaderboardRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::get, "/api/v1/leaderboards", [&ctx](const Request& req, const PathParams&) { return List(ctx, req); });
  router.Add(verb::get, "/api/v1/leaderboards/{problem}/{gpu}",
             [&ctx](const Request& req, const PathParams& p) { return Get(ctx, req, p); });
}

}  // namespace kjudge::http
