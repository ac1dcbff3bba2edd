// StandingsOf: a leaderboard's ranks, frozen at its effective deadline, computed once per data
// generation by one request at a time (page_cache.h), so every page that shows a rank
// (leaderboard, home, competitor, competition) reads the same cached vectors and a burst of
// readers after a new result costs one computation. With a million runs on one board that
// computation reads one row per competitor (migration 0005; docs/perf.md).
#include "documents.h"

#include <algorithm>
#include <string>

#include "kjudge/score/deadline.h"

namespace kjudge::http {

namespace {

using Entries = std::vector<store::StandingEntry>;
using Cache = GenerationCache<Entries>;

/// Wraps a repository read as a cache computation valid until `valid_until_ms`.
template <typename Read>
Result<Cache::Computed> Compute(std::int64_t valid_until_ms, Read read) {
  KJ_ASSIGN_OR_RETURN(Entries entries, read());
  return Cache::Computed{std::make_shared<const Entries>(std::move(entries)), valid_until_ms};
}

}  // namespace

Result<BoardStandings> StandingsOf(ServerContext& ctx, const store::Leaderboard& board) {
  const std::int64_t now = ctx.db.clock().NowMs();
  BoardStandings out;
  out.board = board;
  KJ_ASSIGN_OR_RETURN(out.deadline_ms, score::EffectiveDeadline(ctx.db, board));
  out.frozen = out.deadline_ms && now >= *out.deadline_ms;
  out.valid_until_ms = now + kDocumentTtlMs;
  if (out.deadline_ms && !out.frozen) out.valid_until_ms = std::min(out.valid_until_ms, *out.deadline_ms);
  const std::optional<std::int64_t> cutoff = out.frozen ? out.deadline_ms : std::nullopt;
  const std::string key = std::to_string(board.id) + ":" + (cutoff ? std::to_string(*cutoff) : "-");
  // Waits for a computation under way rather than taking the previous standings: the pages built
  // from these are cached under the generation read before them, so they must not be older.
  KJ_ASSIGN_OR_RETURN(out.ranked, ctx.standings.Get("ranked:" + key, now, Staleness::kCurrent, [&] {
    return Compute(out.valid_until_ms, [&] { return store::LeaderboardRepository(ctx.db).Standings(board.id, cutoff); });
  }));
  if (!cutoff) {
    out.late = std::make_shared<const Entries>();
    return out;
  }
  KJ_ASSIGN_OR_RETURN(out.late, ctx.standings.Get("late:" + key, now, Staleness::kCurrent, [&] {
    return Compute(out.valid_until_ms, [&] { return store::LeaderboardRepository(ctx.db).PostDeadline(board.id, *cutoff); });
  }));
  return out;
}

}  // namespace kjudge::http
