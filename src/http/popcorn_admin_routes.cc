// popcorn-cli's admin commands (`popcorn admin ...`, Authorization: Bearer <admin token>) mapped
// onto kjudge:
//   start / stop                  -> ServerContext::accepting (submissions answer 503 while stopped)
//   stats [--last-day]            -> counts over users, submissions, jobs and runs
//   get-submission / delete-submission
//   delete-leaderboard NAME       -> hides and closes the problem's leaderboards (rankings are kept)
//   generate-invites              -> kjudge invitations (each makes one competitor account)
//   revoke-invite CODE
// and, with a clear 501 saying what to use instead: create-leaderboard, update-problems (problems
// are published from a directory: `kjudge serve --problems DIR`) and list-invites (only hashes of
// invites are stored, so codes cannot be shown again).
#include <nlohmann/json.hpp>

#include "kjudge/core/clock.h"
#include "kjudge/store/audit_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/token_repository.h"
#include "popcorn_queries.h"
#include "query_params.h"
#include "popcorn_views.h"
#include "routes.h"

namespace kjudge::http::popcorn {

namespace {

using beast_http::status;
using beast_http::verb;

/// Invites one request may create (popcorn-cli allows asking for up to 10000).
constexpr std::int64_t kMaxInvitesPerRequest = 10000;

/// Appends an audit entry for an admin action in its own transaction.
Status Audit(store::Database& db, const Caller& actor, std::string action, std::string target, const nlohmann::json& detail) {
  KJ_ASSIGN_OR_RETURN(auto tx, db.BeginWrite());
  KJ_RETURN_IF_ERROR(store::AuditRepository(tx).Append({actor.user.id, actor.user.name, std::move(action), std::move(target), Dump(detail)}));
  return tx.Commit();
}

/// A handler for admins only (organizers may not stop the server or mint accounts).
template <typename Fn>
Handler AdminOnly(ServerContext& ctx, Fn fn) {
  return [&ctx, fn](const Request& req, const PathParams& p) {
    auto caller = RequireRole(req, ctx.db, {});
    if (!caller.ok()) return PopcornError(req, caller.error());
    return fn(req, p, *caller);
  };
}

/// A handler for organizers and admins.
template <typename Fn>
Handler Organizers(ServerContext& ctx, Fn fn) {
  return [&ctx, fn](const Request& req, const PathParams& p) {
    auto caller = RequireRole(req, ctx.db, {store::Role::kOrganizer});
    if (!caller.ok()) return PopcornError(req, caller.error());
    return fn(req, p, *caller);
  };
}

Response SetAccepting(ServerContext& ctx, const Request& req, const Caller& caller, bool accepting) {
  ctx.accepting = accepting;
  if (auto st = Audit(ctx.db, caller, accepting ? "server.start_intake" : "server.stop_intake", "server", nlohmann::json::object());
      !st.ok()) {
    return PopcornError(req, st.error());
  }
  return PopcornJson(req, status::ok, {{"status", "ok"}, {"accepts_jobs", accepting}});
}

Response Stats(ServerContext& ctx, const Request& req) {
  const bool last_day = QueryParams(req.target()).Get("last_day_only").value_or("false") == "true";
  std::optional<std::int64_t> since;
  if (last_day) since = ctx.db.clock().NowMs() - 24 * 3600 * 1000ll;
  auto stats = ServerStats(ctx.db, since);
  if (!stats.ok()) return PopcornError(req, stats.error());
  (*stats)["accepting_submissions"] = ctx.accepting.load();
  (*stats)["window"] = last_day ? "last 24 hours" : "all time";
  return PopcornJson(req, status::ok, {{"status", "ok"}, {"stats", *stats}});
}

Response GetSubmission(ServerContext& ctx, const Request& req, const PathParams& p, const Caller& caller) {
  auto sub = PopcornVisibleSubmission(ctx, caller, p.at("id"));
  if (!sub.ok()) return PopcornError(req, sub.error());
  auto view = PopcornSubmission(ctx, *sub, true);
  if (!view.ok()) return PopcornError(req, view.error());
  return PopcornJson(req, status::ok, {{"status", "ok"}, {"submission", *view}});
}

Response DeleteAnySubmission(ServerContext& ctx, const Request& req, const PathParams& p, const Caller& caller) {
  auto sub = PopcornVisibleSubmission(ctx, caller, p.at("id"));
  if (!sub.ok()) return PopcornError(req, sub.error());
  if (auto st = DeleteSubmission(ctx, *sub, caller); !st.ok()) return PopcornError(req, st.error());
  return PopcornJson(req, status::ok, {{"status", "ok"}, {"submission_id", sub->id}});
}

Response HideLeaderboard(ServerContext& ctx, const Request& req, const PathParams& p, const Caller& caller) {
  auto problem = FindPopcornProblem(ctx.db, p.at("name"), &caller.user);
  if (!problem.ok()) return PopcornError(req, problem.error());
  auto tx = ctx.db.BeginWrite();
  if (!tx.ok()) return PopcornError(req, tx.error());
  store::LeaderboardRepository boards(*tx);
  auto all = boards.ListForProblem(problem->id);
  if (!all.ok()) return PopcornError(req, all.error());
  nlohmann::json gpus = nlohmann::json::array();
  for (const auto& b : *all) {
    if (auto st = boards.SetVisibility(b.id, store::Visibility::kHidden); !st.ok()) return PopcornError(req, st.error());
    if (auto st = boards.SetState(b.id, store::LeaderboardState::kClosed); !st.ok()) return PopcornError(req, st.error());
    gpus.push_back(b.gpu);
  }
  if (auto st = store::AuditRepository(*tx).Append({caller.user.id, caller.user.name, "leaderboard.hide",
                                                     "problem:" + problem->name, Dump({{"gpus", gpus}, {"via", "popcorn delete"}})});
      !st.ok()) {
    return PopcornError(req, st.error());
  }
  if (auto st = tx->Commit(); !st.ok()) return PopcornError(req, st.error());
  return PopcornJson(req, status::ok,
                     {{"status", "ok"},
                      {"leaderboard", problem->name},
                      {"hidden", gpus},
                      {"message", "kjudge keeps every ranking: the leaderboards of '" + problem->name +
                                      "' are now hidden and closed, and their submissions stay stored"}});
}

Response GenerateInvites(ServerContext& ctx, const Request& req, const Caller& caller) {
  auto body = JsonBody(req);
  if (!body.ok()) return PopcornError(req, body.error());
  const auto count_it = body->find("count");
  const std::int64_t count = count_it == body->end() ? 1 : (count_it->is_number_integer() ? count_it->get<std::int64_t>() : -1);
  if (count < 1 || count > kMaxInvitesPerRequest) {
    return PopcornError(req, status::bad_request, "invalid_argument",
                        "count must be an integer from 1 to " + std::to_string(kMaxInvitesPerRequest));
  }
  const auto names = body->find("leaderboards");
  if (names == body->end() || !names->is_array() || names->empty()) {
    return PopcornError(req, status::bad_request, "invalid_argument", "leaderboards must be a non-empty list of names");
  }
  nlohmann::json leaderboards = nlohmann::json::array();
  for (const auto& name : *names) {
    if (!name.is_string()) return PopcornError(req, status::bad_request, "invalid_argument", "leaderboards must be names");
    auto problem = FindPopcornProblem(ctx.db, name.get<std::string>(), &caller.user);
    if (!problem.ok()) return PopcornError(req, problem.error());
    auto public_boards = VisibleLeaderboards(ctx.db, *problem, nullptr);
    if (!public_boards.ok()) return PopcornError(req, public_boards.error());
    if (public_boards->empty()) {
      // Saying yes here would hand out codes that do not do what the organizer expects.
      return PopcornError(req, status::conflict, "failed_precondition",
                          "'" + problem->name + "' is hidden, and kjudge has no per-user access to hidden leaderboards: "
                          "make it public, or run a separate server for a closed event");
    }
    leaderboards.push_back(problem->name);
  }
  auto tx = ctx.db.BeginWrite();
  if (!tx.ok()) return PopcornError(req, tx.error());
  nlohmann::json codes = nlohmann::json::array();
  store::TokenRepository tokens(*tx);
  for (std::int64_t i = 0; i < count; ++i) {
    auto invite = tokens.IssueInvite(store::Role::kCompetitor, "popcorn invite: " + Dump(leaderboards), std::nullopt);
    if (!invite.ok()) return PopcornError(req, invite.error());
    codes.push_back(invite->plaintext);
  }
  if (auto st = store::AuditRepository(*tx).Append({caller.user.id, caller.user.name, "invite.issue", "invites",
                                                     Dump({{"count", count}, {"leaderboards", leaderboards}})});
      !st.ok()) {
    return PopcornError(req, st.error());
  }
  if (auto st = tx->Commit(); !st.ok()) return PopcornError(req, st.error());
  return PopcornJson(req, status::ok,
                     {{"status", "ok"},
                      {"codes", codes},
                      {"leaderboards", leaderboards},
                      {"message", "each code creates one competitor account, which sees every public leaderboard: "
                                  "competitors redeem it with `popcorn join NAME:CODE` or POST /api/v1/register"}});
}

Response RevokeInvite(ServerContext& ctx, const Request& req, const PathParams& p, const Caller& caller) {
  auto revoked = RevokeInviteByCode(ctx.db, p.at("code"), ctx.db.clock().NowMs());
  if (!revoked.ok()) return PopcornError(req, revoked.error());
  if (auto st = Audit(ctx.db, caller, "invite.revoke", "token:" + std::to_string(revoked->token_id), nlohmann::json::object()); !st.ok()) {
    return PopcornError(req, st.error());
  }
  return PopcornJson(req, status::ok, {{"status", "ok"}, {"was_claimed", revoked->was_redeemed}});
}

Response NotHere(const Request& req, std::string_view what_instead) {
  return PopcornError(req, status::not_implemented, "not_implemented", what_instead);
}

}  // namespace

void AddPopcornAdminRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::post, "/admin/start",
             AdminOnly(ctx, [&ctx](const Request& req, const PathParams&, const Caller& c) { return SetAccepting(ctx, req, c, true); }));
  router.Add(verb::post, "/admin/stop",
             AdminOnly(ctx, [&ctx](const Request& req, const PathParams&, const Caller& c) { return SetAccepting(ctx, req, c, false); }));
  router.Add(verb::get, "/admin/stats",
             Organizers(ctx, [&ctx](const Request& req, const PathParams&, const Caller&) { return Stats(ctx, req); }));
  router.Add(verb::get, "/admin/submissions/{id}",
             Organizers(ctx, [&ctx](const Request& req, const PathParams& p, const Caller& c) { return GetSubmission(ctx, req, p, c); }));
  router.Add(verb::delete_, "/admin/submissions/{id}",
             Organizers(ctx, [&ctx](const Request& req, const PathParams& p, const Caller& c) { return DeleteAnySubmission(ctx, req, p, c); }));
  router.Add(verb::delete_, "/admin/leaderboards/{name}",
             Organizers(ctx, [&ctx](const Request& req, const PathParams& p, const Caller& c) { return HideLeaderboard(ctx, req, p, c); }));
  router.Add(verb::post, "/admin/leaderboards", Organizers(ctx, [](const Request& req, const PathParams&, const Caller&) {
               return NotHere(req, "kjudge publishes problems from a directory on the server: `kjudge serve --problems DIR` "
                                   "(every start publishes new and changed problems)");
             }));
  router.Add(verb::post, "/admin/update-problems", Organizers(ctx, [](const Request& req, const PathParams&, const Caller&) {
               return NotHere(req, "kjudge does not download problem sets: put them in the server's problem directory "
                                   "and restart `kjudge serve --problems DIR`");
             }));
  router.Add(verb::post, "/admin/invites",
             AdminOnly(ctx, [&ctx](const Request& req, const PathParams&, const Caller& c) { return GenerateInvites(ctx, req, c); }));
  router.Add(verb::get, "/admin/leaderboards/{name}/invites", AdminOnly(ctx, [](const Request& req, const PathParams&, const Caller&) {
               return NotHere(req, "kjudge stores only hashes of invite codes, so they cannot be listed again, and its "
                                   "invites create accounts rather than unlock one leaderboard; revoke a code with "
                                   "`popcorn admin revoke-invite CODE`");
             }));
  router.Add(verb::delete_, "/admin/invites/{code}",
             AdminOnly(ctx, [&ctx](const Request& req, const PathParams& p, const Caller& c) { return RevokeInvite(ctx, req, p, c); }));
}

}  // namespace kjudge::http::popcorn
