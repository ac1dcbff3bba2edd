// Competition points: what one competitor's entry on one leaderboard is worth under a competition's
// points rule (docs/scoring.md states the rules for competitors).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "kjudge/store/schema_enums.h"

namespace kjudge::score {

/// Points a part of weight 1 is worth to its best competitor; a part of weight w is worth
/// kMaxPartPoints x w.
inline constexpr double kMaxPartPoints = 100.0;

/// Where an entry stands on its leaderboard, which is all a points rule looks at.
struct EntryPlace {
  std::int64_t rank = 1;            ///< 1 = fastest
  std::int64_t ranked = 1;          ///< competitors ranked on the leaderboard (N)
  double best_score_ns = 0;         ///< the leader's score
  double score_ns = 0;              ///< this entry's score
  std::optional<double> sol_ratio;  ///< this entry's time / speed of light
};

/// The points an entry earns on a part of `weight` (> 0):
///   rank_points     100 w (N - r + 1) / N
///   relative_score  100 w best / score
///   sol_ratio       100 w min(1, 1 / sol_ratio); 0 without a speed-of-light ratio
/// Never negative, never above 100 w.
double PartPoints(store::PointsRule rule, double weight, const EntryPlace& place);

/// One sentence that tells competitors how `rule` awards points.
std::string_view PointsRuleText(store::PointsRule rule);

}  // namespace kjudge::score
