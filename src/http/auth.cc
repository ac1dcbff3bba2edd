#include "kjudge/http/auth.h"

#include <string>

#include "kjudge/problem/iso8601.h"

namespace kjudge::http {

Result<Caller> Authenticate(const Request& req, store::Database& db) {
  const auto header = req[beast_http::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
    return MakeError(ErrorCode::kUnauthenticated, "this route needs 'Authorization: Bearer <token>'");
  }
  auto caller = store::TokenRepository(db).Authenticate(header.substr(kBearer.size()));
  if (!caller.ok()) {
    if (caller.error().code == ErrorCode::kPermissionDenied) return caller.error();
    // Never say which part was wrong: unknown, revoked and expired tokens look the same.
    return MakeError(ErrorCode::kUnauthenticated, "invalid, revoked or expired token");
  }
  return caller;
}

Result<Caller> RequireRole(const Request& req, store::Database& db, std::initializer_list<store::Role> roles) {
  KJ_ASSIGN_OR_RETURN(Caller caller, Authenticate(req, db));
  if (caller.user.role == store::Role::kAdmin) return caller;
  for (auto r : roles) {
    if (caller.user.role == r) return caller;
  }
  return MakeError(ErrorCode::kPermissionDenied,
                   "the role '" + std::string(store::Name(caller.user.role)) + "' may not use this route");
}

namespace {

Error BannedError(const store::User& user) {
  std::string message = "your account '" + user.name + "' is banned";
  if (user.banned_ms) message += " since " + problem::FormatIso8601(*user.banned_ms / 1000);
  if (!user.ban_reason.empty()) message += ": " + user.ban_reason;
  return MakeError(ErrorCode::kPermissionDenied, message + "; contact the organizers if you think this is a mistake");
}

}  // namespace

Result<Caller> AuthenticatePopcorn(const Request& req, store::Database& db) {
  const auto cli_id = req[kPopcornCliIdHeader];
  if (cli_id.empty()) {
    if (req[beast_http::field::authorization].empty()) {
      return MakeError(ErrorCode::kUnauthenticated,
                       "no X-Popcorn-Cli-Id header: put 'cli_id: <your id>' in ~/.popcorn.yaml (ask the organizers "
                       "for an id or an invite; `popcorn register` does not work on this server)");
    }
    KJ_ASSIGN_OR_RETURN(Caller caller, Authenticate(req, db));
    if (caller.user.banned()) return BannedError(caller.user);
    return caller;
  }
  auto caller = store::TokenRepository(db).Authenticate(cli_id);
  if (!caller.ok() && caller.error().code == ErrorCode::kPermissionDenied) return caller.error();
  if (!caller.ok() || caller->token.kind != store::TokenKind::kPopcornCli) {
    return MakeError(ErrorCode::kUnauthenticated,
                     "this server does not know your X-Popcorn-Cli-Id (the cli_id in ~/.popcorn.yaml), or it was "
                     "revoked: ask the organizers for a new one");
  }
  if (caller->user.banned()) return BannedError(caller->user);
  return caller;
}

}  // namespace kjudge::http
