#include "kjudge/score/competition_standings.h"

#include <gtest/gtest.h>

namespace kjudge::score {
namespace {

using store::PointsRule;

store::Leaderboard Board(std::int64_t id, std::int64_t problem_id, std::string gpu) {
  store::Leaderboard b;
  b.id = id;
  b.problem_id = problem_id;
  b.problem_name = "p" + std::to_string(problem_id);
  b.gpu = std::move(gpu);
  return b;
}

store::StandingEntry Entry(std::int64_t user_id, double score_ns, std::int64_t submitted_ms,
                           std::optional<double> sol = std::nullopt) {
  store::StandingEntry e;
  e.user_id = user_id;
  e.user_name = "u" + std::to_string(user_id);
  e.score_ns = score_ns;
  e.sol_ratio = sol;
  e.submitted_ms = submitted_ms;
  e.run_id = 1000 + user_id;
  return e;
}

TEST(ExpandPartsTest, AProblemPartSplitsItsWeightOverItsLeaderboards) {
  store::Competition c;
  c.problems = {{1, 9, 7, std::nullopt, 3.0}, {2, 9, std::nullopt, 30, 1.0}};
  const std::vector<store::Leaderboard> boards = {Board(10, 7, "cpu"), Board(11, 7, "H100"), Board(12, 7, "A100"),
                                                  Board(30, 8, "H100"), Board(31, 8, "cpu")};
  const auto parts = ExpandParts(c, boards);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].board.gpu, "A100");
  EXPECT_EQ(parts[1].board.gpu, "H100");
  EXPECT_EQ(parts[2].board.gpu, "cpu");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(parts[i].part_id, 1);
    EXPECT_DOUBLE_EQ(parts[i].weight, 1.0);
    EXPECT_DOUBLE_EQ(parts[i].MaxPoints(), 100.0);
  }
  EXPECT_EQ(parts[3].board.id, 30);
  EXPECT_EQ(parts[3].part_id, 2);
}

class CompetitionStandingsTest : public ::testing::Test {
 protected:
  std::vector<ScoredPart> parts_ = {{1, Board(1, 1, "cpu"), 1.0}, {2, Board(2, 2, "cpu"), 2.0}};
};

TEST_F(CompetitionStandingsTest, RankPointsSumOverPartsAndAMissingPartCountsNothing) {
  // Part 1: alice, bob, carol. Part 2 (weight 2): bob, alice. Carol never entered part 2.
  const auto standings = CompetitionStandings(
      PointsRule::kRankPoints, parts_,
      {{Entry(1, 10, 100), Entry(2, 20, 100), Entry(3, 30, 100)}, {Entry(2, 5, 200), Entry(1, 6, 150)}});
  ASSERT_EQ(standings.size(), 3u);
  // alice 100 + 100 = 200; bob 66.7 + 200 = 266.7; carol 33.3 + 0.
  EXPECT_EQ(standings[0].user_id, 2);
  EXPECT_NEAR(standings[0].points, 200.0 * 2 / 3 / 2 + 200, 1e-9);
  EXPECT_EQ(standings[1].user_id, 1);
  EXPECT_NEAR(standings[1].points, 200, 1e-9);
  EXPECT_EQ(standings[2].user_id, 3);
  EXPECT_NEAR(standings[2].points, 100.0 / 3, 1e-9);
  const auto& carol_part2 = standings[2].parts[1];
  EXPECT_FALSE(carol_part2.rank.has_value());
  EXPECT_EQ(carol_part2.points, 0);
  EXPECT_FALSE(carol_part2.run_id.has_value());
  EXPECT_EQ(standings[1].parts[1].rank, 2);
  EXPECT_EQ(standings[1].parts[1].run_id, 1001);
  EXPECT_EQ(standings[0].rank, 1);
  EXPECT_EQ(standings[2].rank, 3);
}

TEST_F(CompetitionStandingsTest, RelativeScoreAndSolRatioRules) {
  const std::vector<std::vector<store::StandingEntry>> boards = {
      {Entry(1, 100, 1, 2.0), Entry(2, 400, 1, 8.0)}, {Entry(2, 50, 1)}};
  const auto relative = CompetitionStandings(PointsRule::kRelativeScore, parts_, boards);
  ASSERT_EQ(relative.size(), 2u);
  EXPECT_EQ(relative[0].user_id, 2);  // 25 + 200
  EXPECT_DOUBLE_EQ(relative[0].points, 225);
  EXPECT_DOUBLE_EQ(relative[1].points, 100);

  const auto sol = CompetitionStandings(PointsRule::kSolRatio, parts_, boards);
  ASSERT_EQ(sol.size(), 2u);
  EXPECT_EQ(sol[0].user_id, 1);  // 50 against 12.5 + 0 (bob's part 2 run has no speed of light)
  EXPECT_DOUBLE_EQ(sol[0].points, 50);
  EXPECT_DOUBLE_EQ(sol[1].points, 12.5);
  EXPECT_DOUBLE_EQ(*sol[1].parts[0].sol_ratio, 8.0);
}

TEST_F(CompetitionStandingsTest, EqualTotalsGoToWhoeverReachedThemFirstThenToTheLowerId) {
  // Both lead one part of weight 1 each and are second on the other: equal totals.
  std::vector<ScoredPart> even = {{1, Board(1, 1, "cpu"), 1.0}, {2, Board(2, 2, "cpu"), 1.0}};
  auto standings = CompetitionStandings(PointsRule::kRankPoints, even,
                                        {{Entry(5, 1, 100), Entry(4, 2, 300)}, {Entry(4, 1, 50), Entry(5, 2, 200)}});
  ASSERT_EQ(standings.size(), 2u);
  EXPECT_DOUBLE_EQ(standings[0].points, standings[1].points);
  EXPECT_EQ(standings[0].user_id, 5) << "user 5's last counted entry (200) came before user 4's (300)";
  EXPECT_EQ(standings[0].reached_ms, 200);

  standings = CompetitionStandings(PointsRule::kRankPoints, even,
                                   {{Entry(5, 1, 100), Entry(4, 2, 100)}, {Entry(4, 1, 100), Entry(5, 2, 100)}});
  EXPECT_EQ(standings[0].user_id, 4) << "same time too: the lower user id";
}

TEST_F(CompetitionStandingsTest, NoEntriesNoStandings) {
  EXPECT_TRUE(CompetitionStandings(PointsRule::kRankPoints, parts_, {{}, {}}).empty());
  EXPECT_TRUE(CompetitionStandings(PointsRule::kRankPoints, {}, {}).empty());
}

}  // namespace
}  // namespace kjudge::score
