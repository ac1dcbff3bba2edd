// Getting an identity on a self-hosted server without Discord or GitHub:
//   POST /api/v1/register {"invite", "name"[, "display_name"]}: redeems an organizer's invite and
//        returns an API token and a popcorn-cli id (both shown once);
//   POST /api/v1/me/popcorn-id (Bearer API token): a new popcorn-cli id for the caller;
//   POST /user/join {"code": "[NAME:]INVITE"} (popcorn-cli's `popcorn join`): redeems an invite for
//        the X-Popcorn-Cli-Id the CLI sends, so a competitor who wrote any long random cli_id into
//        ~/.popcorn.yaml registers with the unmodified CLI;
//   GET /auth/init, GET /auth/cli/{provider} (`popcorn register`): a clear refusal. popcorn-cli
//        sends the id /auth/init returns to Discord or GitHub in an OAuth URL hard-coded to GPU
//        MODE's deployment, which would both fail to finish and hand our secret to a third party.
#include <nlohmann/json.hpp>

#include "kjudge/core/random.h"
#include "kjudge/store/audit_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/token_repository.h"
#include "popcorn_views.h"
#include "routes.h"

namespace kjudge::http::popcorn {

namespace {

using beast_http::status;
using beast_http::verb;

constexpr std::string_view kHowToRegister =
    "This kjudge server does not sign in through Discord or GitHub, so `popcorn register` cannot work here. "
    "To get a cli_id: (1) ask the organizers for an invite code, write `cli_id: <a long random string, e.g. from "
    "uuidgen>` into ~/.popcorn.yaml and run `popcorn join YOURNAME:INVITE`; or (2) redeem the invite with "
    "POST /api/v1/register {\"invite\": ..., \"name\": ...}, which returns your cli_id; or (3) ask an organizer to "
    "run `kjudge admin popcorn-id YOURNAME` and put the printed `cli_id: ...` line into ~/.popcorn.yaml.";

/// The popcorn-cli id `id`'s ~/.popcorn.yaml line.
std::string YamlLine(std::string_view id) { return "cli_id: " + std::string(id); }

Status AuditIn(store::WriteTransaction& tx, const store::User& actor, std::string action, std::string target, const nlohmann::json& detail) {
  auto entry = store::AuditRepository(tx).Append({actor.id, actor.name, std::move(action), std::move(target), Dump(detail)});
  if (!entry.ok()) return entry.error();
  return Ok();
}

Response AuthInit(const Request& req) { return PopcornError(req, status::not_implemented, "not_implemented", kHowToRegister); }

Response Register(ServerContext& ctx, const Request& req) {
  auto body = JsonBody(req);
  if (!body.ok()) return ErrorResponse(req, body.error());
  auto invite = StringField(*body, "invite");
  if (!invite.ok()) return ErrorResponse(req, invite.error());
  auto name = StringField(*body, "name");
  if (!name.ok()) return ErrorResponse(req, name.error());
  std::string display_name = body->value("display_name", std::string());
  if (display_name.size() > 128) return ErrorResponse(req, status::bad_request, "invalid_argument", "display_name is longer than 128 bytes");

  auto tx = ctx.db.BeginWrite();
  if (!tx.ok()) return ErrorResponse(req, tx.error());
  store::TokenRepository tokens(*tx);
  auto redeemed = tokens.RedeemInvite(*invite, {*name, display_name, store::Role::kCompetitor});
  if (!redeemed.ok()) return ErrorResponse(req, redeemed.error());
  if (redeemed->user.role == store::Role::kRunner) {
    return ErrorResponse(req, status::bad_request, "invalid_argument", "this invite is for a runner: use `kjudge runner` with its token");
  }
  auto cli_id = tokens.Issue({redeemed->user.id, store::TokenKind::kPopcornCli, "register", std::nullopt});
  if (!cli_id.ok()) return ErrorResponse(req, cli_id.error());
  if (auto st = AuditIn(*tx, redeemed->user, "user.register", "user:" + redeemed->user.name,
                        {{"role", store::Name(redeemed->user.role)}, {"via", "invite"}});
      !st.ok()) {
    return ErrorResponse(req, st.error());
  }
  if (auto st = tx->Commit(); !st.ok()) return ErrorResponse(req, st.error());
  return JsonResponse(req, status::created,
                      Dump({{"user", {{"id", redeemed->user.id}, {"name", redeemed->user.name}, {"role", store::Name(redeemed->user.role)}}},
                            {"token", redeemed->token.plaintext},
                            {"cli_id", cli_id->plaintext},
                            {"popcorn_yaml", YamlLine(cli_id->plaintext)},
                            {"message", "both secrets are shown only this once: keep the token for kjudge's API and "
                                        "put the popcorn_yaml line into ~/.popcorn.yaml"}}));
}

Response MintPopcornId(ServerContext& ctx, const Request& req) {
  auto caller = Authenticate(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  if (caller->user.banned()) return ErrorResponse(req, status::forbidden, "permission_denied", "your account is banned");
  if (caller->user.role == store::Role::kRunner) {
    return ErrorResponse(req, status::forbidden, "permission_denied", "runner accounts cannot use popcorn-cli");
  }
  std::string label = "me/popcorn-id";
  if (!req.body().empty()) {
    auto body = JsonBody(req);
    if (!body.ok()) return ErrorResponse(req, body.error());
    label = body->value("label", label);
    if (label.size() > 64) return ErrorResponse(req, status::bad_request, "invalid_argument", "label is longer than 64 bytes");
  }
  auto tx = ctx.db.BeginWrite();
  if (!tx.ok()) return ErrorResponse(req, tx.error());
  auto issued = store::TokenRepository(*tx).Issue({caller->user.id, store::TokenKind::kPopcornCli, label, std::nullopt});
  if (!issued.ok()) return ErrorResponse(req, issued.error());
  if (auto st = AuditIn(*tx, caller->user, "token.issue", "user:" + caller->user.name, {{"kind", "popcorn_cli"}}); !st.ok()) {
    return ErrorResponse(req, st.error());
  }
  if (auto st = tx->Commit(); !st.ok()) return ErrorResponse(req, st.error());
  return JsonResponse(req, status::created,
                      Dump({{"cli_id", issued->plaintext}, {"popcorn_yaml", YamlLine(issued->plaintext)}, {"label", label}}));
}

/// popcorn's `join` code: "INVITE" or "NAME:INVITE" (names and invites never contain ':').
std::pair<std::string, std::string> SplitJoinCode(const std::string& code) {
  const auto colon = code.find(':');
  if (colon == std::string::npos) return {"", code};
  return {code.substr(0, colon), code.substr(colon + 1)};
}

Response Join(ServerContext& ctx, const Request& req) {
  const std::string cli_id(req[kPopcornCliIdHeader]);
  if (cli_id.empty()) return PopcornError(req, status::bad_request, "invalid_argument", kHowToRegister);
  auto body = JsonBody(req);
  if (!body.ok()) return PopcornError(req, body.error());
  auto code = StringField(*body, "code");
  if (!code.ok()) return PopcornError(req, code.error());

  // A known id: kjudge invites make accounts, and this caller has one already.
  if (auto existing = AuthenticatePopcorn(req, ctx.db); existing.ok()) {
    return PopcornError(req, status::conflict, "already_exists",
                        "your cli_id already belongs to '" + existing->user.name +
                            "': kjudge invites create accounts and do not unlock leaderboards; every public "
                            "leaderboard is open to you already");
  } else if (existing.error().code == ErrorCode::kPermissionDenied) {
    return PopcornError(req, existing.error());
  }
  auto [name, invite] = SplitJoinCode(*code);
  if (name.empty()) name = "popcorn-" + RandomHex(4);
  if (auto st = store::ValidateUserName(name); !st.ok()) return PopcornError(req, st.error());

  auto tx = ctx.db.BeginWrite();
  if (!tx.ok()) return PopcornError(req, tx.error());
  store::TokenRepository tokens(*tx);
  auto redeemed = tokens.RedeemInvite(invite, {name, "", store::Role::kCompetitor});
  if (!redeemed.ok()) {
    if (redeemed.error().code == ErrorCode::kUnauthenticated) {
      return PopcornError(req, status::unauthorized, "unauthenticated", "this invite code is unknown, used or revoked");
    }
    if (redeemed.error().code == ErrorCode::kAlreadyExists) {
      return PopcornError(req, status::conflict, "already_exists",
                          "the name '" + name + "' is taken: join again as OTHERNAME:INVITE (the invite is still valid)");
    }
    return PopcornError(req, redeemed.error());
  }
  if (redeemed->user.role == store::Role::kRunner) {
    return PopcornError(req, status::bad_request, "invalid_argument", "this invite is for a runner, not for popcorn-cli");
  }
  // The account's first API token is nobody's to know here: popcorn-cli only shows leaderboards.
  if (auto st = tokens.Revoke(redeemed->token.token.id); !st.ok()) return PopcornError(req, st.error());
  auto bound = tokens.AddExternal({redeemed->user.id, store::TokenKind::kPopcornCli, "popcorn join", std::nullopt}, cli_id);
  if (!bound.ok()) {
    if (bound.error().code == ErrorCode::kInvalidArgument) {
      return PopcornError(req, status::bad_request, "invalid_argument",
                          "your cli_id is too short to be a secret: put at least " + std::to_string(store::kMinExternalSecretBytes) +
                              " random characters (e.g. the output of uuidgen) into ~/.popcorn.yaml and join again");
    }
    return PopcornError(req, bound.error());
  }
  if (auto st = AuditIn(*tx, redeemed->user, "user.register", "user:" + redeemed->user.name, {{"via", "popcorn join"}}); !st.ok()) {
    return PopcornError(req, st.error());
  }
  if (auto st = tx->Commit(); !st.ok()) return PopcornError(req, st.error());

  nlohmann::json leaderboards = nlohmann::json::array();
  if (auto boards = store::LeaderboardRepository(ctx.db).List(false); boards.ok()) {
    for (const auto& b : *boards) {
      if (leaderboards.empty() || leaderboards.back() != b.problem_name) leaderboards.push_back(b.problem_name);
    }
  }
  return PopcornJson(req, status::ok,
                     {{"status", "ok"},
                      {"user_name", redeemed->user.name},
                      {"user_id", std::to_string(redeemed->user.id)},
                      {"leaderboards", leaderboards}});
}

}  // namespace

void AddRegistrationRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::get, "/auth/init", [](const Request& req, const PathParams&) { return AuthInit(req); });
  router.Add(verb::get, "/auth/cli/{provider}", [](const Request& req, const PathParams&) { return AuthInit(req); });
  router.Add(verb::post, "/user/join", [&ctx](const Request& req, const PathParams&) { return Join(ctx, req); });
  router.Add(verb::post, "/api/v1/register", [&ctx](const Request& req, const PathParams&) { return Register(ctx, req); });
  router.Add(verb::post, "/api/v1/me/popcorn-id", [&ctx](const Request& req, const PathParams&) { return MintPopcornId(ctx, req); });
}

}  // namespace kjudge::http::popcorn
