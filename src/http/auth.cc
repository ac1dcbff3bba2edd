#include "kjudge/http/auth.h"

#include <string>

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

}  // namespace kjudge::http
