// The few statements popcorn's routes need that no repository offers yet: deleting a submission,
// counting for the admin stats page, and revoking an invitation by its code. They are kept here,
// parameterized and in one file, so they can move into the store's repositories
// (SubmissionRepository::Delete, a StatsRepository, TokenRepository::RevokeInvite) unchanged.
//
// Thread safety: as the Database / transaction passed in.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

#include "kjudge/core/result.h"
#include "kjudge/store/database.h"

namespace kjudge::http::popcorn {

/// Deletes the submission with its jobs and runs (foreign keys cascade). kNotFound when absent.
Status DeleteSubmissionRows(store::WriteTransaction& tx, std::int64_t submission_id);

/// Counts for GET /admin/stats: users by role, submissions by mode and by problem, jobs by status
/// (queued ones per GPU type), runs by verdict, distinct submitters. Only rows created at or after
/// `since_ms` when given.
Result<nlohmann::json> ServerStats(store::Database& db, std::optional<std::int64_t> since_ms);

/// What revoking an invite by its code found.
struct RevokedInvite {
  std::int64_t token_id = 0;
  bool was_redeemed = false;  ///< an account was already made with it
};

/// Revokes the invite whose plaintext is `code`. kNotFound when no invite has that code.
Result<RevokedInvite> RevokeInviteByCode(store::Database& db, std::string_view code, std::int64_t now_ms);

}  // namespace kjudge::http::popcorn
