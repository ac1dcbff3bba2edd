// When submissions' sources become public: only through a competition that has ended and whose
// organizer chose to publish them (docs/web.md, "GET /api/v1/submissions/{id}").
#include "documents.h"

#include "kjudge/store/competition_repository.h"

namespace kjudge::http {

Result<bool> SourcesPublished(store::Database& db, const store::Leaderboard& board, std::int64_t now_ms) {
  // Competitions are few (tens); reading them all is cheaper than another index to keep.
  KJ_ASSIGN_OR_RETURN(auto competitions, store::CompetitionRepository(db).List());
  for (const auto& c : competitions) {
    if (!c.submissions_published || now_ms < c.deadline_ms) continue;
    for (const auto& part : c.problems) {
      if (part.leaderboard_id == board.id || part.problem_id == board.problem_id) return true;
    }
  }
  return false;
}

}  // namespace kjudge::http
