#include "kjudge/score/points.h"

#include <algorithm>

namespace kjudge::score {

double PartPoints(store::PointsRule rule, double weight, const EntryPlace& place) {
  const double max = kMaxPartPoints * weight;
  double share = 0;  // of the part's maximum, in [0, 1]
  switch (rule) {
    case store::PointsRule::kRankPoints:
      if (place.ranked > 0 && place.rank >= 1 && place.rank <= place.ranked) {
        share = static_cast<double>(place.ranked - place.rank + 1) / static_cast<double>(place.ranked);
      }
      break;
    case store::PointsRule::kRelativeScore:
      // A score of 0 cannot be beaten: it is the best, whatever the leader's.
      share = place.score_ns > 0 ? place.best_score_ns / place.score_ns : 1.0;
      break;
    case store::PointsRule::kSolRatio:
      if (place.sol_ratio && *place.sol_ratio > 0) share = 1.0 / *place.sol_ratio;
      break;
  }
  return max * std::clamp(share, 0.0, 1.0);
}

std::string_view PointsRuleText(store::PointsRule rule) {
  switch (rule) {
    case store::PointsRule::kRankPoints:
      return "each part gives 100 x weight x (N - rank + 1) / N points, N being the competitors ranked on it";
    case store::PointsRule::kRelativeScore:
      return "each part gives 100 x weight x (best score / your score) points";
    case store::PointsRule::kSolRatio:
      return "each part gives 100 x weight x min(1, 1 / your SoL ratio) points, none without a speed of light";
  }
  return "";
}

}  // namespace kjudge::score
