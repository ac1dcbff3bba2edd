#include "kjudge/store/leaderboard_repository.h"

#include <gtest/gtest.h>

#include "kjudge/store/job_repository.h"
#include "kjudge/store/run_repository.h"
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

class StandingsTest : public LeaderboardRepositoryTest {
 protected:
  void SetUp() override {
    LeaderboardRepositoryTest::SetUp();
    problem_ = Publish("p");
  }

  /// A submission by `user` in `mode` with one judged run; `score_ns` empty for a failed run.
  Submission Judged(const User& user, Mode mode, std::optional<double> score_ns) {
    clock_.AdvanceMs(1000);  // each submission later than the one before
    Submission sub = MakeSubmission(user, problem_, mode, "// " + std::to_string(++sources_) + "\n");
    Job job = MakeJob(sub);
    EXPECT_TRUE(JobRepository(*db_).AssignLease(job.id, {"l" + std::to_string(job.id), "runner", clock_.NowMs() + 1000}).ok());
    NewRun run;
    run.job_id = job.id;
    run.verdict = score_ns ? Verdict::kPassed : Verdict::kWrongAnswer;
    run.score_ns = score_ns;
    run.sol_ratio = score_ns ? std::optional<double>(*score_ns / 100) : std::nullopt;
    run.started_ms = clock_.NowMs();
    run.finished_ms = clock_.NowMs();
    EXPECT_TRUE(RunRepository(*db_).Record(run).ok());
    return sub;
  }

  PublishResult problem_;
  int sources_ = 0;
};

TEST_F(StandingsTest, BestPassingLeaderboardRunPerCompetitorFastestFirstTiesToTheEarlier) {
  const User alice = MakeUser("alice"), bob = MakeUser("bob"), carol = MakeUser("carol"), dave = MakeUser("dave");
  Judged(alice, Mode::kLeaderboard, 900);
  const Submission alice_best = Judged(alice, Mode::kLeaderboard, 500);
  Judged(alice, Mode::kLeaderboard, 500);  // as fast, later: not the entry
  Judged(alice, Mode::kLeaderboard, std::nullopt);
  Judged(alice, Mode::kBenchmark, 1);  // other modes never rank
  const Submission bob_best = Judged(bob, Mode::kLeaderboard, 500);  // ties alice, submitted after her
  Judged(carol, Mode::kLeaderboard, 100);
  Judged(carol, Mode::kLeaderboard, 50);
  Judged(dave, Mode::kLeaderboard, std::nullopt);  // nothing passing: no entry
  Judged(dave, Mode::kTest, 10);

  auto standings = LeaderboardRepository(*db_).Standings(problem_.created_leaderboards[0].id);
  ASSERT_TRUE(standings.ok()) << standings.error().message;
  ASSERT_EQ(standings->size(), 3u);
  const auto& s = *standings;
  EXPECT_EQ(s[0].display_name, "carol");
  EXPECT_EQ(s[0].score_ns, 50);
  EXPECT_EQ(s[0].submissions, 2);
  EXPECT_EQ(s[1].display_name, "alice");
  EXPECT_EQ(s[1].submission_id, alice_best.id);
  EXPECT_EQ(s[1].submissions, 4) << "every leaderboard-mode submission counts, failed ones too";
  ASSERT_TRUE(s[1].sol_ratio.has_value());
  EXPECT_DOUBLE_EQ(*s[1].sol_ratio, 5.0);
  EXPECT_EQ(s[1].submitted_ms, alice_best.created_ms);
  EXPECT_EQ(s[2].display_name, "bob");
  EXPECT_EQ(s[2].submission_id, bob_best.id);

  auto empty = LeaderboardRepository(*db_).Standings(problem_.created_leaderboards[1].id);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
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
