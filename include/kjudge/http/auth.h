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

}  // namespace kjudge::http
