#include "kjudge/store/leaderboard_repository.h"

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

class LeaderboardRepositoryTest : public testing::StoreTest {};

TEST_F(LeaderboardRepositoryTest, ListShowsPublicBoardsByProblemThenGpu) {
  Publish("vectoradd");
  Publish("prefixsum");
  auto boards = LeaderboardRepository(*db_).List();
  ASSERT_TRUE(boards.ok());
  ASSERT_EQ(boards->size(), 4u);
  EXPECT_EQ((*boards)[0].problem_name, "prefixsum");
  EXPECT_EQ((*boards)[0].gpu, "H100");
  EXPECT_EQ((*boards)[1].gpu, "cpu");
  EXPECT_EQ((*boards)[3].problem_name, "vectoradd");
}

TEST_F(LeaderboardRepositoryTest, HiddenBoardsAreListedOnlyOnRequest) {
  Publish("p");
  auto board = LeaderboardRepository(*db_).Find("p", "H100");
  ASSERT_TRUE(board.ok());
  ASSERT_TRUE(LeaderboardRepository(*db_).SetVisibility(board->id, Visibility::kHidden).ok());
  EXPECT_EQ(LeaderboardRepository(*db_).List()->size(), 1u);
  EXPECT_EQ(LeaderboardRepository(*db_).List(/*include_hidden=*/true)->size(), 2u);
  EXPECT_EQ(LeaderboardRepository(*db_).Get(board->id)->visibility, Visibility::kHidden);
}

TEST_F(LeaderboardRepositoryTest, ClosedOrPastDeadlineBoardsRefuseLeaderboardSubmissions) {
  Publish("p");
  LeaderboardRepository boards(*db_);
  auto board = boards.Find("p", "cpu");
  ASSERT_TRUE(board.ok());
  EXPECT_TRUE(board->AcceptsLeaderboardSubmissions(clock_.NowMs()));

  ASSERT_TRUE(boards.SetDeadline(board->id, clock_.NowMs() + 1000).ok());
  EXPECT_TRUE(boards.Get(board->id)->AcceptsLeaderboardSubmissions(clock_.NowMs() + 999));
  EXPECT_FALSE(boards.Get(board->id)->AcceptsLeaderboardSubmissions(clock_.NowMs() + 1000));

  ASSERT_TRUE(boards.SetDeadline(board->id, std::nullopt).ok());
  ASSERT_TRUE(boards.SetState(board->id, LeaderboardState::kClosed).ok());
  auto closed = boards.Get(board->id);
  EXPECT_EQ(closed->state, LeaderboardState::kClosed);
  EXPECT_FALSE(closed->AcceptsLeaderboardSubmissions(clock_.NowMs()));
}

TEST_F(LeaderboardRepositoryTest, MissingBoardsAreNotFound) {
  LeaderboardRepository boards(*db_);
  EXPECT_EQ(boards.Get(77).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(boards.Find("nope", "H100").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(boards.SetState(77, LeaderboardState::kClosed).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(boards.SetDeadline(77, 1).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kjudge::store
