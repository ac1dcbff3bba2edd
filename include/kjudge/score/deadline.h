// Deadlines: when a leaderboard's ranks freeze. After its effective deadline a leaderboard ranks
// only submissions made before it (LeaderboardRepository::Standings with before_ms) and lists the
// later ones apart (LeaderboardRepository::PostDeadline with from_ms).
//
// Thread safety: the pure overload is; the database overload as store::Database.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/competition_repository.h"
#include "kjudge/store/database.h"
#include "kjudge/store/leaderboard_repository.h"

namespace kjudge::score {

/// `board`'s own deadline, else the earliest deadline of `competitions` that contain it (as a
/// leaderboard part or through its problem); empty when neither has one.
std::optional<std::int64_t> EffectiveDeadline(const store::Leaderboard& board,
                                              const std::vector<store::Competition>& competitions);

/// As above, reading the competitions that contain `board` from `db`.
Result<std::optional<std::int64_t>> EffectiveDeadline(store::Database& db, const store::Leaderboard& board);

/// Whether `board`'s ranks are frozen at `now_ms` given its effective deadline.
inline bool Frozen(std::optional<std::int64_t> deadline_ms, std::int64_t now_ms) {
  return deadline_ms && now_ms >= *deadline_ms;
}

}  // namespace kjudge::score
