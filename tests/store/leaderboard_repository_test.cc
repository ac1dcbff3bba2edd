#include "kjudge/store/leaderboard_repository.h"

#include <gtest/gtest.h>

#include "kjudge/store/job_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/user_repository.h"
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

TEST_F(LeaderboardRepositoryTest, OnlyClosedBoardsRefuseLeaderboardSubmissions) {
  Publish("p");
  LeaderboardRepository boards(*db_);
  auto board = boards.Find("p", "cpu");
  ASSERT_TRUE(board.ok());
  EXPECT_TRUE(board->AcceptsLeaderboardSubmissions(clock_.NowMs()));

  // After the deadline submissions are still judged, as unranked post-deadline runs.
  ASSERT_TRUE(boards.SetDeadline(board->id, clock_.NowMs() + 1000).ok());
  EXPECT_TRUE(boards.Get(board->id)->AcceptsLeaderboardSubmissions(clock_.NowMs() + 999));
  EXPECT_TRUE(boards.Get(board->id)->AcceptsLeaderboardSubmissions(clock_.NowMs() + 1000));

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

TEST_F(StandingsTest, EntriesNameTheCompetitorsLogin) {
  const User alice = MakeUser("alice");
  ASSERT_TRUE(UserRepository(*db_).SetDisplayName(alice.id, "Alice A.").ok());
  Judged(alice, Mode::kLeaderboard, 700);
  auto standings = LeaderboardRepository(*db_).Standings(problem_.created_leaderboards[0].id);
  ASSERT_TRUE(standings.ok()) << standings.error().message;
  ASSERT_EQ(standings->size(), 1u);
  EXPECT_EQ((*standings)[0].user_name, "alice");
  EXPECT_EQ((*standings)[0].display_name, "Alice A.");
}

TEST_F(StandingsTest, BeforeADeadlineOnlyEarlierSubmissionsRankAndLaterOnesAreListedApart) {
  const User alice = MakeUser("alice"), bob = MakeUser("bob"), carol = MakeUser("carol");
  const Submission alice_early = Judged(alice, Mode::kLeaderboard, 500);
  const Submission bob_early = Judged(bob, Mode::kLeaderboard, 600);
  const std::int64_t deadline = clock_.NowMs() + 1;
  const Submission bob_late = Judged(bob, Mode::kLeaderboard, 100);  // would lead
  Judged(bob, Mode::kLeaderboard, 300);
  const Submission carol_late = Judged(carol, Mode::kLeaderboard, 400);
  Judged(alice, Mode::kLeaderboard, std::nullopt);  // a late failure: tried, no entry
  const std::int64_t board = problem_.created_leaderboards[0].id;

  auto frozen = LeaderboardRepository(*db_).Standings(board, deadline);
  ASSERT_TRUE(frozen.ok()) << frozen.error().message;
  ASSERT_EQ(frozen->size(), 2u);
  EXPECT_EQ((*frozen)[0].submission_id, alice_early.id);
  EXPECT_EQ((*frozen)[0].submissions, 1) << "her late submission does not count before the deadline";
  EXPECT_EQ((*frozen)[1].submission_id, bob_early.id);

  auto live = LeaderboardRepository(*db_).Standings(board);
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 3u);
  EXPECT_EQ((*live)[0].submission_id, bob_late.id) << "without a cutoff every submission counts";

  auto late = LeaderboardRepository(*db_).PostDeadline(board, deadline);
  ASSERT_TRUE(late.ok()) << late.error().message;
  ASSERT_EQ(late->size(), 2u);
  EXPECT_EQ((*late)[0].submission_id, bob_late.id);
  EXPECT_EQ((*late)[0].submissions, 2);
  EXPECT_EQ((*late)[0].user_name, "bob");
  EXPECT_EQ((*late)[1].submission_id, carol_late.id);

  auto none = LeaderboardRepository(*db_).PostDeadline(board, clock_.NowMs() + 1);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// Standings read tables that triggers derive from submissions and runs (migration 0005): every
// write that changes what ranks must reach them, including the ones no repository makes.
TEST_F(StandingsTest, StandingsFollowDeletionsRejudgesAndBackdatedSubmissions) {
  const User alice = MakeUser("alice"), bob = MakeUser("bob"), carol = MakeUser("carol");
  Judged(alice, Mode::kLeaderboard, 500);
  const Submission alice_fast = Judged(alice, Mode::kLeaderboard, 300);
  const Submission bob_sub = Judged(bob, Mode::kLeaderboard, 400);
  Judged(carol, Mode::kLeaderboard, 200);
  Judged(carol, Mode::kLeaderboard, std::nullopt);
  const std::int64_t board = problem_.created_leaderboards[0].id;
  auto names = [&](const Result<std::vector<StandingEntry>>& s) {
    std::string out;
    if (!s.ok()) return "error: " + s.error().message;
    for (const auto& e : *s) out += e.user_name + ":" + std::to_string(static_cast<int>(e.score_ns)) + "/" + std::to_string(e.submissions) + " ";
    return out;
  };
  EXPECT_EQ(names(LeaderboardRepository(*db_).Standings(board)), "carol:200/2 alice:300/2 bob:400/1 ");

  // A deleted competitor leaves with everything they submitted (cascades fire the triggers).
  ASSERT_TRUE(UserRepository(*db_).Delete(carol.id).ok());
  EXPECT_EQ(names(LeaderboardRepository(*db_).Standings(board)), "alice:300/2 bob:400/1 ");

  // A submission moved past a cutoff counts only after it; its run moves with it.
  const std::int64_t cutoff = clock_.NowMs() + 1;
  ASSERT_TRUE(testing::RawExec(*db_, "UPDATE submissions SET created_ms = ? WHERE id = ?", cutoff + 5, alice_fast.id).ok());
  EXPECT_EQ(names(LeaderboardRepository(*db_).Standings(board, cutoff)), "bob:400/1 alice:500/1 ");
  EXPECT_EQ(names(LeaderboardRepository(*db_).PostDeadline(board, cutoff)), "alice:300/1 ");

  // A run whose verdict or score changes is re-ranked; one that no longer passes drops out.
  ASSERT_TRUE(testing::RawExec(*db_, "UPDATE runs SET score_ns = 100 WHERE submission_id = ?", bob_sub.id).ok());
  EXPECT_EQ(names(LeaderboardRepository(*db_).Standings(board)), "bob:100/1 alice:300/2 ");
  ASSERT_TRUE(testing::RawExec(*db_, "UPDATE runs SET verdict = 'wrong_answer', score_ns = NULL WHERE submission_id = ?", bob_sub.id).ok());
  EXPECT_EQ(names(LeaderboardRepository(*db_).Standings(board)), "alice:300/2 ");

  // A deleted submission takes its runs and its count.
  ASSERT_TRUE(testing::RawExec(*db_, "DELETE FROM submissions WHERE id = ?", alice_fast.id).ok());
  EXPECT_EQ(names(LeaderboardRepository(*db_).Standings(board)), "alice:500/1 ");
  EXPECT_EQ(testing::QueryInt(*db_, "SELECT count(*) FROM leaderboard_entrants"), 2) << "bob still has a submission";
  EXPECT_EQ(testing::QueryInt(*db_, "SELECT count(*) FROM leaderboard_results"), 1);
}

TEST_F(StandingsTest, ImprovementsAreEachStrictlyBetterBestOldestFirst) {
  const User alice = MakeUser("alice"), bob = MakeUser("bob"), carol = MakeUser("carol");
  const Submission a1 = Judged(alice, Mode::kLeaderboard, 900);
  Judged(alice, Mode::kLeaderboard, 950);            // slower: no point
  Judged(alice, Mode::kLeaderboard, std::nullopt);   // failed: no point
  const Submission a2 = Judged(alice, Mode::kLeaderboard, 400);
  Judged(alice, Mode::kLeaderboard, 400);            // as fast: not an improvement
  Judged(alice, Mode::kBenchmark, 10);               // other modes never count
  const std::int64_t cutoff = clock_.NowMs() + 1;
  const Submission a3 = Judged(alice, Mode::kLeaderboard, 200);
  const Submission b1 = Judged(bob, Mode::kLeaderboard, 300);
  const std::int64_t board = problem_.created_leaderboards[0].id;

  auto series = LeaderboardRepository(*db_).Improvements(board, {bob.id, alice.id, carol.id, alice.id});
  ASSERT_TRUE(series.ok()) << series.error().message;
  ASSERT_EQ(series->size(), 3u) << "each user once, in the order asked";
  EXPECT_EQ((*series)[0].user_id, bob.id);
  ASSERT_EQ((*series)[0].points.size(), 1u);
  EXPECT_EQ((*series)[0].points[0].t_ms, b1.created_ms);
  const auto& a = (*series)[1].points;
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].t_ms, a1.created_ms);
  EXPECT_EQ(a[0].score_ns, 900);
  EXPECT_EQ(a[1].t_ms, a2.created_ms);
  EXPECT_EQ(a[1].score_ns, 400);
  EXPECT_EQ(a[2].t_ms, a3.created_ms);
  EXPECT_EQ((*series)[2].user_id, carol.id);
  EXPECT_TRUE((*series)[2].points.empty());

  auto frozen = LeaderboardRepository(*db_).Improvements(board, {alice.id, bob.id}, cutoff);
  ASSERT_TRUE(frozen.ok());
  EXPECT_EQ((*frozen)[0].points.size(), 2u) << "the improvement after the cutoff is left out";
  EXPECT_TRUE((*frozen)[1].points.empty());
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
