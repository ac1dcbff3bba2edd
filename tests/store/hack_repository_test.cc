// Hacked submissions (migration 0006): a mark takes every run of one submission out of the
// standings tables, live and frozen, without deleting anything; unmarking puts them back.
#include "kjudge/store/hack_repository.h"

#include <gtest/gtest.h>

#include "kjudge/store/job_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/user_repository.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;
using testing::QueryText;

class HackRepositoryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    problem_ = Publish("p");
    board_ = problem_.created_leaderboards[0].id;
  }

  /// One more judged run of `sub` (a new job, as a rerun makes); `score_ns` empty for a failure.
  void AddRun(const Submission& sub, std::optional<double> score_ns) {
    Job job = MakeJob(sub);
    EXPECT_TRUE(JobRepository(*db_).AssignLease(job.id, {"l" + std::to_string(job.id), "runner", clock_.NowMs() + 1000}).ok());
    NewRun run;
    run.job_id = job.id;
    run.verdict = score_ns ? Verdict::kPassed : Verdict::kWrongAnswer;
    run.score_ns = score_ns;
    run.cases_json = R"([{"kind":"benchmark","index":0,"params":{},"passed":true}])";
    run.run_log = "evidence log";
    run.started_ms = clock_.NowMs();
    run.finished_ms = clock_.NowMs();
    auto recorded = RunRepository(*db_).Record(run);
    EXPECT_TRUE(recorded.ok()) << recorded.error().message;
  }

  /// A leaderboard-mode submission by `user` with one run.
  Submission Judged(const User& user, std::optional<double> score_ns) {
    clock_.AdvanceMs(1000);
    Submission sub = MakeSubmission(user, problem_, Mode::kLeaderboard, "// " + std::to_string(++sources_) + "\n");
    AddRun(sub, score_ns);
    return sub;
  }

  /// "user:score/submissions " per entry, in rank order.
  std::string Names(const Result<std::vector<StandingEntry>>& s) {
    std::string out;
    if (!s.ok()) return "error: " + s.error().message;
    for (const auto& e : *s) out += e.user_name + ":" + std::to_string(static_cast<int>(e.score_ns)) + "/" + std::to_string(e.submissions) + " ";
    return out;
  }

  Result<HackMark> Mark(const Submission& sub, const std::string& reason = "replays cached outputs") {
    return HackRepository(*db_).Mark({sub.id, reason, std::nullopt, "cli:organizer"});
  }

  PublishResult problem_;
  std::int64_t board_ = 0;
  int sources_ = 0;
};

TEST_F(HackRepositoryTest, AMarkRemovesEveryRunOfTheSubmissionAndUnmarkingRestoresThem) {
  const User alice = MakeUser("alice"), bob = MakeUser("bob");
  const Submission alice_slow = Judged(alice, 500);
  const Submission alice_hack = Judged(alice, 100);
  AddRun(alice_hack, 150);  // a rerun of the same submission: its next-best run
  Judged(bob, 300);
  LeaderboardRepository boards(*db_);
  ASSERT_EQ(Names(boards.Standings(board_)), "alice:100/2 bob:300/1 ");

  auto mark = Mark(alice_hack);
  ASSERT_TRUE(mark.ok()) << mark.error().message;
  EXPECT_EQ(mark->submission_id, alice_hack.id);
  EXPECT_EQ(mark->marked_by, "cli:organizer");
  EXPECT_EQ(mark->marked_ms, clock_.NowMs());
  // The submission is hacked, not one run: neither of its runs counts; her other submission does.
  EXPECT_EQ(Names(boards.Standings(board_)), "bob:300/1 alice:500/2 ");
  EXPECT_EQ(Names(boards.Standings(board_, clock_.NowMs() + 1)), "bob:300/1 alice:500/2 ") << "frozen ranks too";
  EXPECT_EQ(Names(boards.PostDeadline(board_, alice_hack.created_ms)), "bob:300/1 ");
  auto chart = boards.Improvements(board_, {alice.id});
  ASSERT_TRUE(chart.ok());
  ASSERT_EQ((*chart)[0].points.size(), 1u);
  EXPECT_EQ((*chart)[0].points[0].score_ns, 500);

  // A later rerun of a hacked submission does not bring it back.
  AddRun(alice_hack, 50);
  EXPECT_EQ(Names(boards.Standings(board_)), "bob:300/1 alice:500/2 ");

  // Nothing was deleted: the evidence stays.
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM runs WHERE submission_id = ?", alice_hack.id), 3);
  EXPECT_EQ(QueryText(*db_, "SELECT source FROM submissions WHERE id = ?", alice_hack.id), "// 2\n");
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM runs WHERE submission_id = ? AND run_log = 'evidence log'", alice_hack.id), 3);

  auto removed = HackRepository(*db_).Unmark(alice_hack.id);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(removed->reason, "replays cached outputs");
  EXPECT_EQ(Names(boards.Standings(board_)), "alice:50/2 bob:300/1 ") << "every passing run is back, the rerun too";
  EXPECT_FALSE(HackRepository(*db_).Find(alice_hack.id)->has_value());
  (void)alice_slow;
}

TEST_F(HackRepositoryTest, ACompetitorWhoseOnlyPassingSubmissionIsHackedHasNoEntry) {
  const User alice = MakeUser("alice"), bob = MakeUser("bob");
  const Submission hack = Judged(alice, 100);
  Judged(alice, std::nullopt);
  Judged(bob, 300);
  ASSERT_TRUE(Mark(hack).ok());
  LeaderboardRepository boards(*db_);
  EXPECT_EQ(Names(boards.Standings(board_)), "bob:300/1 ");
  EXPECT_EQ(Names(boards.Standings(board_, clock_.NowMs() + 1)), "bob:300/1 ");
}

TEST_F(HackRepositoryTest, HackedSubmissionsLeaveRecentRunsAndAreFlaggedInTheirOwnersHistory) {
  const User alice = MakeUser("alice");
  const Submission fair = Judged(alice, 400);
  const Submission hack = Judged(alice, 100);
  ASSERT_TRUE(Mark(hack).ok());
  auto recent = RunRepository(*db_).RecentLeaderboardRuns(10);
  ASSERT_TRUE(recent.ok()) << recent.error().message;
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].submission_id, fair.id);
  auto history = SubmissionRepository(*db_).UserHistory(alice.id, true, 10);
  ASSERT_TRUE(history.ok()) << history.error().message;
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].submission_id, hack.id);
  EXPECT_TRUE((*history)[0].hacked);
  EXPECT_FALSE((*history)[1].hacked);
}

TEST_F(HackRepositoryTest, BadMarksAreRefusedAndChangeNothing) {
  const User alice = MakeUser("alice");
  const Submission sub = Judged(alice, 100);
  HackRepository hacks(*db_);
  EXPECT_EQ(hacks.Mark({sub.id + 100, "why", std::nullopt, "x"}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(hacks.Mark({sub.id, "  \n", std::nullopt, "x"}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(hacks.Mark({sub.id, std::string(kMaxHackReasonBytes + 1, 'a'), std::nullopt, "x"}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(hacks.Mark({sub.id, "why", std::nullopt, ""}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(hacks.Unmark(sub.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM leaderboard_results"), 1);

  ASSERT_TRUE(Mark(sub, "first").ok());
  auto again = Mark(sub, "second");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ((*hacks.Find(sub.id))->reason, "first");
  auto moved = testing::RawExec(*db_, "UPDATE submission_hacks SET submission_id = 999");
  EXPECT_FALSE(moved.ok()) << "a mark cannot move to another submission";
  auto listed = hacks.List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].submission_id, sub.id);
}

TEST_F(HackRepositoryTest, DeletingAHackedSubmissionsOwnerLeavesConsistentTables) {
  const User alice = MakeUser("alice"), bob = MakeUser("bob");
  const Submission hack = Judged(alice, 100);
  Judged(alice, 200);
  Judged(bob, 300);
  ASSERT_TRUE(Mark(hack).ok());
  ASSERT_TRUE(UserRepository(*db_).Delete(alice.id).ok());
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM submission_hacks"), 0);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM leaderboard_results"), 1) << "only bob's run";
  EXPECT_EQ(Names(LeaderboardRepository(*db_).Standings(board_)), "bob:300/1 ");
}

TEST_F(HackRepositoryTest, AMarkSurvivesItsMarkersDeletion) {
  const User alice = MakeUser("alice"), org = MakeUser("org", Role::kOrganizer);
  const Submission hack = Judged(alice, 100);
  ASSERT_TRUE(HackRepository(*db_).Mark({hack.id, "forged timer", org.id, org.name}).ok());
  ASSERT_TRUE(UserRepository(*db_).Delete(org.id).ok());
  auto mark = HackRepository(*db_).Find(hack.id);
  ASSERT_TRUE(mark.ok() && mark->has_value());
  EXPECT_FALSE((*mark)->marked_by_user_id.has_value());
  EXPECT_EQ((*mark)->marked_by, "org");
  EXPECT_TRUE(LeaderboardRepository(*db_).Standings(board_)->empty());
}

}  // namespace
}  // namespace kjudge::store
