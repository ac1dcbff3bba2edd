#include "kjudge/score/points.h"

#include <gtest/gtest.h>

namespace kjudge::score {
namespace {

using store::PointsRule;

EntryPlace Place(std::int64_t rank, std::int64_t ranked, double best, double score, std::optional<double> sol = {}) {
  return {rank, ranked, best, score, sol};
}

TEST(PointsTest, RankPointsGiveTheLeaderTheWholePartAndTheLastOneNth) {
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kRankPoints, 1, Place(1, 4, 10, 10)), 100);
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kRankPoints, 1, Place(2, 4, 10, 20)), 75);
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kRankPoints, 1, Place(4, 4, 10, 90)), 25);
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kRankPoints, 2, Place(1, 1, 10, 10)), 200) << "weight scales the part";
}

TEST(PointsTest, RelativeScoreIsTheLeadersScoreOverYours) {
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kRelativeScore, 1, Place(1, 3, 250, 250)), 100);
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kRelativeScore, 1, Place(2, 3, 250, 1000)), 25);
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kRelativeScore, 0.5, Place(2, 3, 250, 500)), 25);
}

TEST(PointsTest, SolRatioIsCappedAtTheSpeedOfLightAndNeedsOne) {
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kSolRatio, 1, Place(1, 2, 10, 10, 4.0)), 25);
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kSolRatio, 1, Place(1, 2, 10, 10, 0.8)), 100)
      << "faster than the model still earns at most the part's points";
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kSolRatio, 1, Place(1, 2, 10, 10)), 0) << "no speed of light, no points";
  EXPECT_DOUBLE_EQ(PartPoints(PointsRule::kSolRatio, 1, Place(1, 2, 10, 10, 0.0)), 0);
}

TEST(PointsTest, EveryRuleHasASentence) {
  for (auto rule : {PointsRule::kRankPoints, PointsRule::kRelativeScore, PointsRule::kSolRatio}) {
    EXPECT_FALSE(PointsRuleText(rule).empty());
  }
  EXPECT_NE(PointsRuleText(PointsRule::kRankPoints).find("N - rank + 1"), std::string_view::npos);
}

}  // namespace
}  // namespace kjudge::score
