#include "kjudge/score/deadline.h"

namespace kjudge::score {

std::optional<std::int64_t> EffectiveDeadline(const store::Leaderboard& board,
                                              const std::vector<store::Competition>& competitions) {
  if (board.deadline_ms) return board.deadline_ms;
  std::optional<std::int64_t> earliest;
  for (const store::Competition& c : competitions) {
    bool contains = false;
    for (const store::CompetitionProblem& part : c.problems) {
      contains = contains || part.leaderboard_id == board.id || part.problem_id == board.problem_id;
    }
    if (contains && (!earliest || c.deadline_ms < *earliest)) earliest = c.deadline_ms;
  }
  return earliest;
}

Result<std::optional<std::int64_t>> EffectiveDeadline(store::Database& db, const store::Leaderboard& board) {
  if (board.deadline_ms) return board.deadline_ms;
  KJ_ASSIGN_OR_RETURN(std::vector<store::Competition> containing,
                      store::CompetitionRepository(db).ListContaining(board.id));
  return EffectiveDeadline(board, containing);
}

}  // namespace kjudge::score
