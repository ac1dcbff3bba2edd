// StandingsOf: a leaderboard's ranks, frozen at its effective deadline, computed once per data
// generation. With a million runs on one board the computation takes a good part of a second
// (docs/perf.md), so every page that shows a rank (leaderboard, home, competitor, competition)
// reads the same cached vectors.
#include "documents.h"

#include <algorithm>
#include <string>

#include "kjudge/score/deadline.h"

namespace kjudge::http {

namespace {

using Entries = std::vector<store::StandingEntry>;

}  // namespace

Result<BoardStandings> StandingsOf(ServerContext& ctx, const store::Leaderboard& board) {
  const std::uint64_t generation = ctx.generation.Current();
  const std::int64_t now = ctx.db.clock().NowMs();
  BoardStandings out;
  out.board = board;
  KJ_ASSIGN_OR_RETURN(out.deadline_ms, score::EffectiveDeadline(ctx.db, board));
  out.frozen = out.deadline_ms && now >= *out.deadline_ms;
  out.valid_until_ms = now + kDocumentTtlMs;
  if (out.deadline_ms && !out.frozen) out.valid_until_ms = std::min(out.valid_until_ms, *out.deadline_ms);
  const std::optional<std::int64_t> cutoff = out.frozen ? out.deadline_ms : std::nullopt;
  const std::string key = std::to_string(board.id) + ":" + (cutoff ? std::to_string(*cutoff) : "-");
  out.ranked = ctx.standings.Get("ranked:" + key, generation, now);
  if (!out.ranked) {
    KJ_ASSIGN_OR_RETURN(Entries ranked, store::LeaderboardRepository(ctx.db).Standings(board.id, cutoff));
    out.ranked = std::make_shared<const Entries>(std::move(ranked));
    ctx.standings.Put("ranked:" + key, generation, out.valid_until_ms, out.ranked);
  }
  if (!cutoff) {
    out.late = std::make_shared<const Entries>();
    return out;
  }
  out.late = ctx.standings.Get("late:" + key, generation, now);
  if (!out.late) {
    KJ_ASSIGN_OR_RETURN(Entries late, store::LeaderboardRepository(ctx.db).PostDeadline(board.id, *cutoff));
    out.late = std::make_shared<const Entries>(std::move(late));
    ctx.standings.Put("late:" + key, generation, out.valid_until_ms, out.late);
  }
  return out;
}

}  // namespace kjudge::http
