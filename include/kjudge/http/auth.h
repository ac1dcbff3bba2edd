// Who is calling: the bearer token of a request, checked against the store (only token hashes
// are stored), and the role rules per route. One place, so every route authenticates the same way.
//
// Thread safety: stateless functions over a thread-safe Database.
#pragma once

#include <initializer_list>

#include "kjudge/core/result.h"
#include "kjudge/http/router.h"
#include "kjudge/store/database.h"
#include "kjudge/store/token_repository.h"

namespace kjudge::http {

/// The caller of an authenticated request.
using Caller = store::Authenticated;

/// The bearer token's owner. kUnauthenticated without a token or with a bad, revoked or expired
/// one; kPermissionDenied for a banned user.
Result<Caller> Authenticate(const Request& req, store::Database& db);

/// Authenticate, then require one of `roles` (admin always passes). kPermissionDenied otherwise.
Result<Caller> RequireRole(const Request& req, store::Database& db, std::initializer_list<store::Role> roles);

/// The header popcorn-cli identifies its user with (the `cli_id` of ~/.popcorn.yaml).
inline constexpr std::string_view kPopcornCliIdHeader = "X-Popcorn-Cli-Id";

/// The owner of the popcorn-cli id in `X-Popcorn-Cli-Id`. Only ids of kind popcorn_cli count
/// (an API token sent in that header is refused like an unknown id). Without the header, a
/// `Authorization: Bearer` API token is accepted instead (scripts, tests, the web page).
/// kUnauthenticated, saying how to get an id, when neither identifies anyone; kPermissionDenied,
/// with the reason and date, for a banned user.
Result<Caller> AuthenticatePopcorn(const Request& req, store::Database& db);

}  // namespace kjudge::http
