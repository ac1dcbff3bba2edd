#include "kjudge/score/deadline.h"

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace kjudge::score {
namespace {

class EffectiveDeadlineTest : public store::testing::StoreTest {
 protected:
  store::Competition Make(const std::string& name, std::int64_t deadline_ms) {
    auto c = store::CompetitionRepository(*db_).Create({name, name, "", 0, deadline_ms, store::PointsRule::kRankPoints, false});
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? *c : store::Competition{};
  }
};

TEST_F(EffectiveDeadlineTest, NoDeadlineAnywhere) {
  const auto p = Publish("p");
  auto deadline = EffectiveDeadline(*db_, p.created_leaderboards[0]);
  ASSERT_TRUE(deadline.ok()) << deadline.error().message;
  EXPECT_FALSE(deadline->has_value());
}

TEST_F(EffectiveDeadlineTest, TheEarliestCompetitionHoldingTheBoardOrItsProblem) {
  const auto p = Publish("p"), q = Publish("q");
  const store::Leaderboard board = p.created_leaderboards[0];
  const auto late = Make("late", 9000), early = Make("early", 5000), other = Make("other", 1000);
  ASSERT_TRUE(store::CompetitionRepository(*db_).AddLeaderboard(late.id, board.id, 1).ok());
  ASSERT_TRUE(store::CompetitionRepository(*db_).AddProblem(early.id, p.problem.id, 1).ok());
  ASSERT_TRUE(store::CompetitionRepository(*db_).AddProblem(other.id, q.problem.id, 1).ok());

  auto deadline = EffectiveDeadline(*db_, board);
  ASSERT_TRUE(deadline.ok()) << deadline.error().message;
  EXPECT_EQ(*deadline, 5000) << "through its problem; another problem's competition does not count";
  EXPECT_EQ(*EffectiveDeadline(*db_, p.created_leaderboards[1]), 5000) << "every GPU of the problem";
  EXPECT_EQ(*EffectiveDeadline(*db_, q.created_leaderboards[0]), 1000);

  store::Leaderboard own = board;
  own.deadline_ms = 12000;
  EXPECT_EQ(*EffectiveDeadline(*db_, own), 12000) << "the leaderboard's own deadline comes first";
}

TEST(FrozenTest, FromTheDeadlineOn) {
  EXPECT_FALSE(Frozen(std::nullopt, 10));
  EXPECT_FALSE(Frozen(10, 9));
  EXPECT_TRUE(Frozen(10, 10));
}

}  // namespace
}  // namespace kjudge::score
