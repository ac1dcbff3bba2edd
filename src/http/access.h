// Who may read what in the public API, decided once for every route group: people (competitors,
// organizers, admins) use /api/v1, runners only /api/runner; organizers and admins ("staff") see
// everyone's submissions and hidden leaderboards; everyone else sees their own submissions and
// public leaderboards only, and what they may not see answers 404, as if it did not exist.
//
// Thread safety: stateless functions over the thread-safe Database.
#pragma once

#include <optional>

#include "kjudge/core/result.h"
#include "kjudge/http/auth.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/submission_repository.h"

namespace kjudge::http {

/// Organizers and admins.
bool IsStaff(const store::User& user);
bool IsStaff(const std::optional<Caller>& caller);

/// A person's token: competitor, organizer or admin. kUnauthenticated without a valid token,
/// kPermissionDenied for runner tokens.
Result<Caller> RequirePerson(const Request& req, store::Database& db);

/// For routes anyone may read: nullopt without an Authorization header; with one, it must be a
/// valid person's token (a bad token is 401 rather than silently anonymous, a runner's is 403).
Result<std::optional<Caller>> OptionalPerson(const Request& req, store::Database& db);

/// The submission's owner and staff.
bool MaySee(const Caller& caller, const store::Submission& submission);
/// Staff see every leaderboard; everyone else the public ones.
bool MaySee(const std::optional<Caller>& caller, const store::Leaderboard& board);

}  // namespace kjudge::http
