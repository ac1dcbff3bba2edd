// The listings of judged work: the home page's recent leaderboard runs and a competitor's
// submission history (src/store/run_history.cc).
#include <gtest/gtest.h>

#include "kjudge/store/job_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/submission_repository.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

class RunHistoryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    problem_ = Publish("p");
    alice_ = MakeUser("alice");
    bob_ = MakeUser("bob");
  }

  Submission Submit(const User& user, Mode mode) {
    clock_.AdvanceMs(1000);
    return MakeSubmission(user, problem_, mode, "// " + std::to_string(++sources_) + "\n");
  }

  /// A new job for `sub`, leased, with one recorded run.
  store::Run RunFor(const Submission& sub, Verdict verdict, std::optional<double> score_ns) {
    clock_.AdvanceMs(10);
    Job job = MakeJob(sub);
    EXPECT_TRUE(JobRepository(*db_).AssignLease(job.id, {"l" + std::to_string(job.id), "runner", clock_.NowMs() + 1000}).ok());
    NewRun run;
    run.job_id = job.id;
    run.verdict = verdict;
    run.score_ns = score_ns;
    run.sol_ratio = score_ns ? std::optional<double>(*score_ns / 100) : std::nullopt;
    run.started_ms = clock_.NowMs();
    run.finished_ms = clock_.NowMs();
    auto recorded = RunRepository(*db_).Record(run);
    EXPECT_TRUE(recorded.ok()) << recorded.error().message;
    return recorded.ok() ? *recorded : store::Run{};
  }

  PublishResult problem_;
  User alice_, bob_;
  int sources_ = 0;
};

TEST_F(RunHistoryTest, RecentRunsAreLeaderboardModeOnPublicBoardsNewestFirst) {
  const Submission s1 = Submit(alice_, Mode::kLeaderboard);
  const store::Run r1 = RunFor(s1, Verdict::kPassed, 500);
  RunFor(Submit(alice_, Mode::kTest), Verdict::kPassed, std::nullopt);  // not leaderboard mode
  const Submission s2 = Submit(bob_, Mode::kLeaderboard);
  const store::Run r2 = RunFor(s2, Verdict::kWrongAnswer, std::nullopt);
  Submit(bob_, Mode::kLeaderboard);  // queued: no run yet

  auto recent = RunRepository(*db_).RecentLeaderboardRuns(20);
  ASSERT_TRUE(recent.ok()) << recent.error().message;
  ASSERT_EQ(recent->size(), 2u);
  const RecentRun& newest = (*recent)[0];
  EXPECT_EQ(newest.run_id, r2.id);
  EXPECT_EQ(newest.submission_id, s2.id);
  EXPECT_EQ(newest.user_name, "bob");
  EXPECT_EQ(newest.problem, "p");
  EXPECT_EQ(newest.gpu, problem_.created_leaderboards[0].gpu);
  EXPECT_EQ(newest.verdict, "wrong_answer");
  EXPECT_FALSE(newest.score_ns.has_value());
  EXPECT_EQ(newest.finished_ms, r2.finished_ms);
  EXPECT_EQ((*recent)[1].run_id, r1.id);
  EXPECT_EQ((*recent)[1].verdict, "passed");
  EXPECT_EQ((*recent)[1].score_ns, 500);
  EXPECT_EQ((*recent)[1].sol_ratio, 5);

  auto one = RunRepository(*db_).RecentLeaderboardRuns(1);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].run_id, r2.id);

  ASSERT_TRUE(LeaderboardRepository(*db_).SetVisibility(problem_.created_leaderboards[0].id, Visibility::kHidden).ok());
  EXPECT_TRUE(RunRepository(*db_).RecentLeaderboardRuns(20)->empty()) << "hidden leaderboards are not on the home page";
}

TEST_F(RunHistoryTest, HistoryIsNewestFirstWithBestScoreAndLatestVerdict) {
  const Submission judged = Submit(alice_, Mode::kLeaderboard);
  RunFor(judged, Verdict::kPassed, 800);
  RunFor(judged, Verdict::kPassed, 600);       // a rerun, faster: the best
  RunFor(judged, Verdict::kRuntimeError, std::nullopt);  // the latest run failed
  const Submission test = Submit(alice_, Mode::kTest);
  RunFor(test, Verdict::kPassed, std::nullopt);
  const Submission queued = Submit(alice_, Mode::kLeaderboard);
  MakeJob(queued);
  const Submission judging = Submit(alice_, Mode::kLeaderboard);
  Job job = MakeJob(judging);
  ASSERT_TRUE(JobRepository(*db_).AssignLease(job.id, {"lx", "runner", clock_.NowMs() + 1000}).ok());
  Submit(bob_, Mode::kLeaderboard);  // someone else's

  auto all = SubmissionRepository(*db_).UserHistory(alice_.id, /*all_modes=*/true, 100);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].submission_id, judging.id);
  EXPECT_EQ((*all)[0].status, "judging");
  EXPECT_EQ((*all)[1].submission_id, queued.id);
  EXPECT_EQ((*all)[1].status, "queued");
  EXPECT_EQ((*all)[2].submission_id, test.id);
  EXPECT_EQ((*all)[2].mode, "test");
  EXPECT_EQ((*all)[2].status, "passed");
  EXPECT_FALSE((*all)[2].score_ns.has_value());
  const SubmissionHistoryEntry& h = (*all)[3];
  EXPECT_EQ(h.submission_id, judged.id);
  EXPECT_EQ(h.problem, "p");
  EXPECT_EQ(h.gpu, problem_.created_leaderboards[0].gpu);
  EXPECT_EQ(h.mode, "leaderboard");
  EXPECT_EQ(h.status, "runtime_error") << "the verdict of the latest run";
  EXPECT_EQ(h.score_ns, 600) << "the best passing run's score";
  EXPECT_EQ(h.sol_ratio, 6);
  EXPECT_EQ(h.created_ms, judged.created_ms);

  auto ranked_only = SubmissionRepository(*db_).UserHistory(alice_.id, /*all_modes=*/false, 100);
  ASSERT_TRUE(ranked_only.ok());
  EXPECT_EQ(ranked_only->size(), 3u) << "leaderboard mode only";

  auto limited = SubmissionRepository(*db_).UserHistory(alice_.id, true, 2);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[1].submission_id, queued.id);
}

/// The plans of the two listings: index searches, never a scan of runs or submissions.
TEST_F(RunHistoryTest, ListingsAreIndexBacked) {
  auto plan = [&](const std::string& sql) {
    auto tx = db_->BeginRead();
    auto stmt = tx->connection().Prepare("EXPLAIN QUERY PLAN " + sql);
    std::string all;
    while (stmt.ok() && *stmt->Step()) all += stmt->Text(3) + "\n";
    return all;
  };
  EXPECT_EQ(testing::QueryInt(*db_, "SELECT count(*) FROM sqlite_schema WHERE name IN ('submissions_by_mode', 'submissions_by_user_mode')"), 2);
  const std::string history = plan(
      "SELECT s.id FROM submissions s WHERE s.user_id = 1 AND s.mode = 'leaderboard'"
      " ORDER BY s.created_ms DESC, s.id DESC LIMIT 100");
  EXPECT_NE(history.find("submissions_by_user_mode"), std::string::npos) << history;
  EXPECT_EQ(history.find("TEMP B-TREE"), std::string::npos) << history;
}

}  // namespace
}  // namespace kjudge::store
