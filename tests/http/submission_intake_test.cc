// The rules a competitor meets when submitting, whatever the front end: target checks, bans,
// closed and expired leaderboards, rate limits, the queued-jobs cap, duplicates, queue position
// and ETA. Runs over a real SQLite file with the repository's problems published.
#include "kjudge/http/submission_intake.h"

#include <gtest/gtest.h>

#include "kjudge/problem/bundle.h"
#include "kjudge/problem/spec_json.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "kjudge/store/user_repository.h"
#include "store/store_fixture.h"

namespace kjudge::http {
namespace {

using store::Mode;
using store::testing::TempDir;

constexpr std::int64_t kHourMs = 3600 * 1000;

class IntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::DatabaseOptions options;
    options.clock = &clock_;
    options.durability = store::Durability::kNormal;
    auto db = store::Database::Open(dir_.File("kjudge.db"), options);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    queue_ = std::make_unique<queue::JobQueue>(*db_);
    std::vector<problem::Diagnostic> diagnostics;
    auto bundles = problem::LoadProblemTree(std::string(KJUDGE_SOURCE_DIR) + "/problems", &diagnostics);
    ASSERT_TRUE(bundles.ok() && diagnostics.empty());
    for (const auto& b : *bundles) {
      store::ProblemVersionInput input;
      input.name = b.spec.name;
      input.title = b.spec.title;
      input.content_hash = b.content_hash;
      input.spec_json = problem::SpecToJson(b.spec).dump();
      input.files = b.files;
      input.gpus = b.spec.gpus;
      ASSERT_TRUE(store::ProblemRepository(*db_).Publish(input).ok());
    }
    alice_ = MakeUser("alice", store::Role::kCompetitor);
    bob_ = MakeUser("bob", store::Role::kCompetitor);
    organizer_ = MakeUser("olga", store::Role::kOrganizer);
  }

  store::Authenticated MakeUser(const std::string& name, store::Role role) {
    auto user = store::UserRepository(*db_).Create({name, "", role});
    EXPECT_TRUE(user.ok());
    return store::Authenticated{*user, {}};
  }

  SubmissionIntake Intake() { return SubmissionIntake(*db_, *queue_, &events_, rules_); }

  static SubmitRequest Request(std::string problem, Mode mode, std::string source = "int main() {}\n") {
    SubmitRequest r;
    r.problem = std::move(problem);
    r.gpu = "cpu";
    r.mode = mode;
    r.file_name = "solution.cpp";
    r.source = std::move(source);
    return r;
  }

  store::Leaderboard Board(const std::string& problem) {
    auto board = store::LeaderboardRepository(*db_).Find(problem, "cpu");
    EXPECT_TRUE(board.ok());
    return *board;
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<queue::JobQueue> queue_;
  EventHub events_;
  IntakeRules rules_;
  store::Authenticated alice_, bob_, organizer_;
};

TEST_F(IntakeTest, AcceptedSubmissionIsQueuedWithItsPositionAndAQueuedEvent) {
  auto first = Intake().Submit(alice_, Request("vectoradd", Mode::kTest));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->duplicate);
  ASSERT_EQ(first->jobs.size(), 1u);
  EXPECT_EQ(first->jobs[0].gpu, "cpu");
  EXPECT_EQ(first->queue.position, 1);
  EXPECT_EQ(first->queue.jobs_ahead, 0);
  EXPECT_FALSE(first->queue.eta_s.has_value()) << "no runner has been seen, so there is no honest ETA";
  EXPECT_NE(first->queue.summary.find("no runner"), std::string::npos) << first->queue.summary;
  auto events = events_.Since(first->submission.id, 0);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["event"], "queued");

  auto second = Intake().Submit(bob_, Request("vectoradd", Mode::kTest));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->queue.position, 2);
  EXPECT_EQ(second->queue.jobs_ahead, 1);
  EXPECT_EQ(second->queue.queued_jobs, 2);
  EXPECT_NE(second->queue.summary.find("2nd in the cpu queue (1 job ahead)"), std::string::npos) << second->queue.summary;
}

TEST_F(IntakeTest, EtaComesFromRecentJobDurationsAndTheRunnersServingTheGpu) {
  // One finished job of 20 s on a runner makes the runner and the duration known.
  auto done = Intake().Submit(alice_, Request("vectoradd", Mode::kTest, "// a\n"));
  ASSERT_TRUE(done.ok());
  auto leased = queue_->Lease("runner-1", "cpu");
  ASSERT_TRUE(leased.ok() && leased->has_value());
  queue::Completion completion;
  completion.verdict = store::Verdict::kPassed;
  completion.started_ms = clock_.NowMs();
  clock_.AdvanceMs(20'000);
  ASSERT_TRUE(queue_->Complete((*leased)->id, *(*leased)->lease_id, "runner-1", completion).ok());

  ASSERT_TRUE(Intake().Submit(alice_, Request("vectoradd", Mode::kTest, "// b\n")).ok());
  ASSERT_TRUE(Intake().Submit(alice_, Request("vectoradd", Mode::kTest, "// c\n")).ok());
  auto third = Intake().Submit(bob_, Request("vectoradd", Mode::kTest, "// d\n"));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->queue.jobs_ahead, 2);
  EXPECT_EQ(third->queue.runners, 1);
  ASSERT_TRUE(third->queue.eta_s.has_value()) << third->queue.summary;
  EXPECT_EQ(*third->queue.eta_s, 40) << "two 20 s jobs ahead on one runner";
  EXPECT_NE(third->queue.summary.find("starts in about 40 s"), std::string::npos) << third->queue.summary;

  auto status = Intake().StatusOf(done->submission.id);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->position, 0);
  EXPECT_EQ(status->summary, "finished");
}

TEST_F(IntakeTest, SameSourceAgainWithinTheWindowReturnsTheEarlierSubmission) {
  auto first = Intake().Submit(alice_, Request("vectoradd", Mode::kBenchmark));
  ASSERT_TRUE(first.ok());
  clock_.AdvanceMs(60'000);
  auto again = Intake().Submit(alice_, Request("vectoradd", Mode::kBenchmark));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->submission.id, first->submission.id);
  EXPECT_EQ(store::testing::QueryInt(*db_, "SELECT count(*) FROM jobs"), 1);

  // Another mode, another user, or after the window: judged.
  auto other_mode = Intake().Submit(alice_, Request("vectoradd", Mode::kTest));
  ASSERT_TRUE(other_mode.ok());
  EXPECT_FALSE(other_mode->duplicate);
  auto other_user = Intake().Submit(bob_, Request("vectoradd", Mode::kBenchmark));
  ASSERT_TRUE(other_user.ok());
  EXPECT_FALSE(other_user->duplicate);
  clock_.AdvanceMs(rules_.duplicate_window_s * 1000);
  auto later = Intake().Submit(alice_, Request("vectoradd", Mode::kBenchmark));
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->duplicate);
}

TEST_F(IntakeTest, CancelledSubmissionIsJudgedAgainWhenResent) {
  auto first = Intake().Submit(alice_, Request("vectoradd", Mode::kTest));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(queue_->Cancel(first->jobs[0].id, "by the user").ok());
  auto again = Intake().Submit(alice_, Request("vectoradd", Mode::kTest));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->duplicate);
  EXPECT_NE(again->submission.id, first->submission.id);
}

TEST_F(IntakeTest, RateRulePerLeaderboardAndModeSaysWhenTheNextSlotOpens) {
  rules_.rate_rules = {{"leaderboard", "cpu", "", 1, 3600}};
  ASSERT_TRUE(Intake().Submit(alice_, Request("vectoradd", Mode::kLeaderboard, "// v1\n")).ok());
  clock_.AdvanceMs(600'000);
  auto refused = Intake().Submit(alice_, Request("vectoradd", Mode::kLeaderboard, "// v2\n"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(refused.error().retry_after_s, 3000);
  EXPECT_NE(refused.error().message.find("at most 1 submission per hour on vectoradd / cpu in leaderboard mode"),
            std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("in about 50 min"), std::string::npos) << refused.error().message;

  // Other modes, other leaderboards, other users and organizers are not limited by this rule.
  EXPECT_TRUE(Intake().Submit(alice_, Request("vectoradd", Mode::kTest, "// v2\n")).ok());
  EXPECT_TRUE(Intake().Submit(alice_, Request("prefixsum", Mode::kLeaderboard, "// v2\n")).ok());
  EXPECT_TRUE(Intake().Submit(bob_, Request("vectoradd", Mode::kLeaderboard, "// v2\n")).ok());
  EXPECT_TRUE(Intake().Submit(organizer_, Request("vectoradd", Mode::kLeaderboard, "// v2\n")).ok());
  EXPECT_TRUE(Intake().Submit(organizer_, Request("vectoradd", Mode::kLeaderboard, "// v3\n")).ok());

  clock_.AdvanceMs(3000 * 1000);
  EXPECT_TRUE(Intake().Submit(alice_, Request("vectoradd", Mode::kLeaderboard, "// v3\n")).ok());
}

TEST_F(IntakeTest, RateLimitHoldsForEveryFrontEndBecauseItCountsStoredJobs) {
  rules_.rate_rules = {{"test", "", "", 3, 3600}};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Intake().Submit(alice_, Request("vectoradd", Mode::kTest, "// " + std::to_string(i) + "\n")).ok());
  }
  // A fresh intake (another request, another route, a restarted server) sees the same count.
  SubmissionIntake fresh(*db_, *queue_, nullptr, rules_);
  auto refused = fresh.Submit(alice_, Request("vectoradd", Mode::kTest, "// 3\n"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kRateLimited);
}

TEST_F(IntakeTest, QueuedJobsCapRefusesUntilOneFinishes) {
  rules_.max_queued_jobs_per_user = 2;
  ASSERT_TRUE(Intake().Submit(alice_, Request("vectoradd", Mode::kTest, "// 1\n")).ok());
  auto second = Intake().Submit(alice_, Request("prefixsum", Mode::kTest, "// 2\n"));
  ASSERT_TRUE(second.ok());
  auto refused = Intake().Submit(alice_, Request("sort", Mode::kTest, "// 3\n"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kRateLimited);
  EXPECT_NE(refused.error().message.find("2 jobs waiting or running"), std::string::npos) << refused.error().message;
  EXPECT_GT(refused.error().retry_after_s, 0);
  ASSERT_TRUE(queue_->Cancel(second->jobs[0].id, "by the user").ok());
  EXPECT_TRUE(Intake().Submit(alice_, Request("sort", Mode::kTest, "// 3\n")).ok());
}

TEST_F(IntakeTest, ClosedLeaderboardRefusesLeaderboardModeAndSaysWhy) {
  store::LeaderboardRepository boards(*db_);
  ASSERT_TRUE(boards.SetState(Board("vectoradd").id, store::LeaderboardState::kClosed).ok());
  auto closed = Intake().Submit(alice_, Request("vectoradd", Mode::kLeaderboard));
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(closed.error().message.find("closed"), std::string::npos);
  EXPECT_TRUE(Intake().Submit(alice_, Request("vectoradd", Mode::kTest)).ok()) << "test runs stay possible";
}

TEST_F(IntakeTest, PastTheDeadlineLeaderboardModeIsStillJudged) {
  // Ranks freeze at the deadline; later leaderboard-mode submissions are judged and shown apart.
  ASSERT_TRUE(store::LeaderboardRepository(*db_).SetDeadline(Board("prefixsum").id, clock_.NowMs() - 1000).ok());
  auto late = Intake().Submit(alice_, Request("prefixsum", Mode::kLeaderboard));
  ASSERT_TRUE(late.ok()) << late.error().message;
  EXPECT_EQ(late->submission.mode, Mode::kLeaderboard);
  EXPECT_FALSE(late->jobs.empty()) << "queued for judging like any other";
}

TEST_F(IntakeTest, BannedUserIsToldWhyAndSince) {
  ASSERT_TRUE(store::UserRepository(*db_).SetBanned(alice_.user.id, "benchmark hacking").ok());
  auto banned = store::UserRepository(*db_).Get(alice_.user.id);
  ASSERT_TRUE(banned.ok());
  auto refused = Intake().Submit(store::Authenticated{*banned, {}}, Request("vectoradd", Mode::kTest));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message.find("benchmark hacking"), std::string::npos);
  EXPECT_NE(refused.error().message.find("since 2023-"), std::string::npos) << refused.error().message;
}

TEST_F(IntakeTest, HiddenLeaderboardIsInvisibleToCompetitorsOnly) {
  ASSERT_TRUE(store::LeaderboardRepository(*db_).SetVisibility(Board("sort").id, store::Visibility::kHidden).ok());
  auto hidden = Intake().Submit(alice_, Request("sort", Mode::kTest));
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Intake().Submit(organizer_, Request("sort", Mode::kTest)).ok());
}

TEST_F(IntakeTest, BadRequestsAreRefusedWithTheReasonAndStoreNothing) {
  struct Case {
    const char* what;
    SubmitRequest request;
    ErrorCode code;
    const char* says;
  };
  auto with = [](auto change) {
    SubmitRequest r = Request("vectoradd", Mode::kTest);
    change(r);
    return r;
  };
  rules_.max_source_bytes = 4096;
  const Case cases[] = {
      {"unknown problem", with([](auto& r) { r.problem = "nope"; }), ErrorCode::kNotFound, "no problem named 'nope'"},
      {"unknown gpu", with([](auto& r) { r.gpu = "TPUv9"; }), ErrorCode::kNotFound, "does not run on GPU 'TPUv9'"},
      {"empty source", with([](auto& r) { r.source = " \n"; }), ErrorCode::kInvalidArgument, "empty"},
      {"NUL bytes", with([](auto& r) { r.source = std::string("int x;\0", 7); }), ErrorCode::kInvalidArgument, "NUL"},
      {"too large", with([](auto& r) { r.source = std::string(5000, 'x'); }), ErrorCode::kResourceExhausted, "4096"},
      {"path in name", with([](auto& r) { r.file_name = "../../etc/x.cpp"; }), ErrorCode::kInvalidArgument, "plain name"},
      {"control char", with([](auto& r) { r.file_name = "a\nb.cpp"; }), ErrorCode::kInvalidArgument, "plain name"},
      {"unknown language", with([](auto& r) { r.file_name = "solution.py"; }), ErrorCode::kInvalidArgument, ".py"},
  };
  for (const Case& c : cases) {
    auto result = Intake().Submit(alice_, c.request);
    ASSERT_FALSE(result.ok()) << c.what;
    EXPECT_EQ(result.error().code, c.code) << c.what << ": " << result.error().message;
    EXPECT_NE(result.error().message.find(c.says), std::string::npos) << c.what << ": " << result.error().message;
  }
  EXPECT_EQ(store::testing::QueryInt(*db_, "SELECT count(*) FROM submissions"), 0);
}

TEST_F(IntakeTest, GpuNamesAreMatchedWhateverTheirCase) {
  SubmitRequest r = Request("vectoradd", Mode::kTest);
  r.gpu = "CPU";
  auto accepted = Intake().Submit(alice_, r);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->jobs[0].gpu, "cpu");
}

TEST(RateRuleTest, OperatorsWriteRulesAsKeyValuePairs) {
  auto rule = ParseRateRule("mode=leaderboard,gpu=h100,max=1,per=1h");
  ASSERT_TRUE(rule.ok()) << rule.error().message;
  EXPECT_EQ(rule->mode, "leaderboard");
  EXPECT_EQ(rule->gpu, "H100_SXM");
  EXPECT_EQ(rule->problem, "");
  EXPECT_EQ(rule->max_jobs, 1);
  EXPECT_EQ(rule->window_s, 3600);
  auto any = ParseRateRule("mode=*,problem=matmul,max=5,per=90s");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->mode, "");
  EXPECT_EQ(any->window_s, 90);
  EXPECT_EQ(ParseRateRule("max=3")->window_s, 3600) << "an hour unless said otherwise";

  for (const char* bad : {"", "mode=fast,max=1", "max=-1", "max=x", "max=1,per=0", "max=1,per=5w", "max=1,color=red",
                          "gpu=H100", "max"}) {
    auto parsed = ParseRateRule(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.error().message.find("rate limit '"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace kjudge::http
