// The JSON documents behind the web pages (docs/web.md): each page is rendered from exactly the
// document its /api/v1 mirror returns, so both always agree. The caller decides what is visible
// (staff see hidden leaderboards and every submission); it comes from a bearer token on the API
// and from the session cookie on pages.
//
// Thread safety: as ServerContext.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kjudge/core/result.h"
#include "kjudge/http/auth.h"
#include "kjudge/http/server_app.h"
#include "kjudge/store/leaderboard_repository.h"

namespace kjudge::http {

/// A leaderboard's standings as pages show them: frozen at the effective deadline once it has
/// passed, with the later runs apart. Shared (cached) between every page that shows ranks.
struct BoardStandings {
  store::Leaderboard board;
  std::optional<std::int64_t> deadline_ms;  ///< the leaderboard's, else its competitions' earliest
  bool frozen = false;                      ///< the deadline has passed
  std::shared_ptr<const std::vector<store::StandingEntry>> ranked;
  std::shared_ptr<const std::vector<store::StandingEntry>> late;  ///< best run after the deadline
  std::int64_t valid_until_ms = 0;  ///< when a cached copy must be recomputed regardless of writes
};

/// The standings of `board` now, from the cache when current.
Result<BoardStandings> StandingsOf(ServerContext& ctx, const store::Leaderboard& board);

/// Whether everyone may read the sources of `board`'s submissions: a competition holding it (the
/// leaderboard itself or its whole problem) has ended and its organizer published submissions.
Result<bool> SourcesPublished(store::Database& db, const store::Leaderboard& board, std::int64_t now_ms);

/// How long a cached document lives without writes (see page_cache.h).
inline constexpr std::int64_t kDocumentTtlMs = 30'000;

Result<nlohmann::json> HomeDocument(ServerContext& ctx, const std::optional<Caller>& caller);
Result<nlohmann::json> ProblemDocument(ServerContext& ctx, const std::optional<Caller>& caller, const std::string& name);
/// `page` counts from 1; kNotFound past the last page (an empty board has one, empty, page).
Result<nlohmann::json> LeaderboardDocument(ServerContext& ctx, const std::optional<Caller>& caller,
                                           const std::string& problem, const std::string& gpu, std::int64_t page);
Result<nlohmann::json> CompetitionDocument(ServerContext& ctx, const std::optional<Caller>& caller,
                                           const std::string& name);
Result<nlohmann::json> UserDocument(ServerContext& ctx, const std::optional<Caller>& caller, const std::string& name);
Result<nlohmann::json> SubmissionDocument(ServerContext& ctx, const std::optional<Caller>& caller, std::int64_t id);
Result<nlohmann::json> CompareDocument(ServerContext& ctx, const std::optional<Caller>& caller, std::int64_t run_a,
                                       std::int64_t run_b);

inline constexpr std::int64_t kLeaderboardPageSize = 100;

}  // namespace kjudge::http
