// A competition's overall standings: its parts expanded to leaderboards, each leaderboard's
// (frozen) standings turned into points by the competition's rule, summed per competitor.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kjudge/store/competition_repository.h"
#include "kjudge/store/leaderboard_repository.h"

namespace kjudge::score {

/// One scored leaderboard of a competition. A part that names a whole problem becomes one of these
/// per leaderboard of the problem, its weight split evenly between them.
struct ScoredPart {
  std::int64_t part_id = 0;  ///< the store::CompetitionProblem it comes from
  store::Leaderboard board;
  double weight = 1.0;  ///< this leaderboard's share of the part's weight
  double MaxPoints() const;
};

/// The competition's parts as leaderboards, in part order (a problem's leaderboards by GPU).
/// `boards` must hold the leaderboards the parts name (directly or through their problem); others
/// are ignored. A problem without leaderboards contributes nothing.
std::vector<ScoredPart> ExpandParts(const store::Competition& competition, const std::vector<store::Leaderboard>& boards);

/// What one competitor has on one part.
struct PartResult {
  std::optional<std::int64_t> rank;  ///< empty: no entry on the leaderboard
  double points = 0;
  std::optional<double> score_ns;
  std::optional<double> sol_ratio;
  std::optional<std::int64_t> run_id;
};

/// One competitor's line in the overall standings.
struct CompetitorStanding {
  std::int64_t rank = 0;  ///< 1-based, distinct
  std::int64_t user_id = 0;
  std::string user_name;
  std::string display_name;
  double points = 0;
  /// When the total was reached: the latest submitted_ms among the competitor's entries.
  std::int64_t reached_ms = 0;
  std::vector<PartResult> parts;  ///< one per ScoredPart, same order
};

/// The overall standings: everyone with an entry on at least one part, by total points
/// descending; equal totals go to whoever reached theirs first, then to the lower user id.
/// `standings[i]` is the leaderboard standings (rank order) of `parts[i]`; a competitor without an
/// entry on a part gets 0 points for it.
std::vector<CompetitorStanding> CompetitionStandings(store::PointsRule rule, const std::vector<ScoredPart>& parts,
                                                     const std::vector<std::vector<store::StandingEntry>>& standings);

}  // namespace kjudge::score
