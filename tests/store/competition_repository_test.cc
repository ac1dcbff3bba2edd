#include "kjudge/store/competition_repository.h"

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

class CompetitionRepositoryTest : public testing::StoreTest {
 protected:
  NewCompetition Spring() {
    return {"spring", "Spring kernels", "Make it *fast*.", clock_.NowMs(), clock_.NowMs() + 7 * 86'400'000,
            PointsRule::kRelativeScore, false};
  }
};

TEST_F(CompetitionRepositoryTest, CreateAddPartsAndReadBack) {
  CompetitionRepository competitions(*db_);
  auto created = competitions.Create(Spring());
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->points_rule, PointsRule::kRelativeScore);
  EXPECT_TRUE(created->problems.empty());

  PublishResult vectoradd = Publish("vectoradd");
  PublishResult prefixsum = Publish("prefixsum");
  auto whole = competitions.AddProblem(created->id, vectoradd.problem.id, 1.0);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  auto one_board = competitions.AddLeaderboard(created->id, prefixsum.created_leaderboards[0].id, 2.5);
  ASSERT_TRUE(one_board.ok()) << one_board.error().message;

  auto read = competitions.GetByName("spring");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->problems.size(), 2u);
  EXPECT_EQ(read->problems[0].problem_id, vectoradd.problem.id);
  EXPECT_FALSE(read->problems[0].leaderboard_id.has_value());
  EXPECT_EQ(read->problems[1].leaderboard_id, prefixsum.created_leaderboards[0].id);
  EXPECT_DOUBLE_EQ(read->problems[1].weight, 2.5);
  EXPECT_EQ(competitions.List()->size(), 1u);
}

TEST_F(CompetitionRepositoryTest, NamesAreUniqueAndSchedulesMustMakeSense) {
  CompetitionRepository competitions(*db_);
  ASSERT_TRUE(competitions.Create(Spring()).ok());
  EXPECT_EQ(competitions.Create(Spring()).error().code, ErrorCode::kAlreadyExists);
  NewCompetition backwards = Spring();
  backwards.name = "backwards";
  backwards.deadline_ms = backwards.start_ms;
  EXPECT_EQ(competitions.Create(backwards).error().code, ErrorCode::kInvalidArgument);
  auto spring = competitions.GetByName("spring");
  EXPECT_EQ(competitions.SetSchedule(spring->id, 10, 5).error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(competitions.SetSchedule(spring->id, 10, 20).ok());
  EXPECT_EQ(competitions.Get(spring->id)->deadline_ms, 20);
}

TEST_F(CompetitionRepositoryTest, PartsMustExistBeUniqueAndWeighPositive) {
  CompetitionRepository competitions(*db_);
  auto c = competitions.Create(Spring());
  ASSERT_TRUE(c.ok());
  PublishResult p = Publish("p");
  EXPECT_EQ(competitions.AddProblem(c->id, 9999, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(competitions.AddProblem(9999, p.problem.id, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(competitions.AddLeaderboard(c->id, 9999, 1).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(competitions.AddProblem(c->id, p.problem.id, 0).error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(competitions.AddProblem(c->id, p.problem.id, 1).ok());
  EXPECT_EQ(competitions.AddProblem(c->id, p.problem.id, 2).error().code, ErrorCode::kAlreadyExists);
  auto part = competitions.Get(c->id)->problems.at(0);
  ASSERT_TRUE(competitions.RemoveProblem(part.id).ok());
  EXPECT_TRUE(competitions.Get(c->id)->problems.empty());
}

TEST_F(CompetitionRepositoryTest, SubmissionsCanBePublished) {
  CompetitionRepository competitions(*db_);
  auto c = competitions.Create(Spring());
  ASSERT_TRUE(competitions.SetSubmissionsPublished(c->id, true).ok());
  EXPECT_TRUE(competitions.Get(c->id)->submissions_published);
  EXPECT_EQ(competitions.SetSubmissionsPublished(999, true).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kjudge::store

namespace kjudge::store {
namespace {

TEST_F(CompetitionRepositoryTest, ListContainingFindsCompetitionsByBoardOrProblemEarliestDeadlineFirst) {
  CompetitionRepository competitions(*db_);
  PublishResult vectoradd = Publish("vectoradd");
  PublishResult prefixsum = Publish("prefixsum");
  NewCompetition later = Spring();
  NewCompetition sooner = Spring();
  sooner.name = "sprint";
  sooner.deadline_ms = later.deadline_ms - 1000;
  NewCompetition unrelated = Spring();
  unrelated.name = "other";
  auto a = competitions.Create(later), b = competitions.Create(sooner), c = competitions.Create(unrelated);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_TRUE(competitions.AddLeaderboard(a->id, vectoradd.created_leaderboards[0].id, 1).ok());
  ASSERT_TRUE(competitions.AddProblem(b->id, vectoradd.problem.id, 1).ok());
  ASSERT_TRUE(competitions.AddProblem(c->id, prefixsum.problem.id, 1).ok());

  auto holding = competitions.ListContaining(vectoradd.created_leaderboards[0].id);
  ASSERT_TRUE(holding.ok()) << holding.error().message;
  ASSERT_EQ(holding->size(), 2u);
  EXPECT_EQ((*holding)[0].name, "sprint");
  EXPECT_EQ((*holding)[1].name, "spring");
  EXPECT_EQ((*holding)[1].problems.size(), 1u) << "with their parts";

  auto other_gpu = competitions.ListContaining(vectoradd.created_leaderboards[1].id);
  ASSERT_TRUE(other_gpu.ok());
  ASSERT_EQ(other_gpu->size(), 1u) << "only the whole-problem competition holds the other GPU";
  EXPECT_EQ((*other_gpu)[0].name, "sprint");
  EXPECT_TRUE(competitions.ListContaining(9999)->empty());
}

}  // namespace
}  // namespace kjudge::store
