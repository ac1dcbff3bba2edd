#include "kjudge/store/run_repository.h"

#include <gtest/gtest.h>

#include "kjudge/store/job_repository.h"
#include "kjudge/store/log_cap.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;

class RunRepositoryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    submission_ = MakeSubmission(MakeUser("alice"), Publish("p"), Mode::kBenchmark);
    job_ = MakeJob(submission_);
    ASSERT_TRUE(JobRepository(*db_).AssignLease(job_.id, {"l1", "runner", clock_.NowMs() + 1000}).ok());
  }

  NewRun Outcome(Verdict verdict = Verdict::kPassed) {
    NewRun run;
    run.job_id = job_.id;
    run.verdict = verdict;
    run.message = "all 4 cases passed";
    run.cases_json = R"([{"kind":"test","index":0,"passed":true}])";
    run.score_ns = 1234.5;
    run.sol_ratio = 1.75;
    run.compile_log = "g++ -O3 ...\n";
    run.run_log = "ok\n";
    run.device = "cpu";
    run.runner = "runner";
    run.started_ms = clock_.NowMs();
    run.finished_ms = clock_.NowMs() + 900;
    return run;
  }

  Submission submission_;
  Job job_;
};

TEST_F(RunRepositoryTest, ARecordedRunReadsBackWithItsSubmissionAndAttempt) {
  auto recorded = RunRepository(*db_).Record(Outcome());
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  EXPECT_EQ(recorded->submission_id, submission_.id);
  EXPECT_EQ(recorded->attempt, 1);
  EXPECT_EQ(recorded->verdict, Verdict::kPassed);
  EXPECT_EQ(recorded->score_ns, 1234.5);
  EXPECT_EQ(recorded->sol_ratio, 1.75);
  EXPECT_EQ(recorded->cases_json, Outcome().cases_json);
  EXPECT_EQ(recorded->compile_log, "g++ -O3 ...\n");
  auto by_job = RunRepository(*db_).ListByJob(job_.id);
  ASSERT_TRUE(by_job.ok());
  ASSERT_EQ(by_job->size(), 1u);
  EXPECT_EQ((*by_job)[0].id, recorded->id);
  auto by_submission = RunRepository(*db_).ListBySubmission(submission_.id);
  ASSERT_TRUE(by_submission.ok());
  EXPECT_EQ(by_submission->size(), 1u);
  EXPECT_EQ(RunRepository(*db_).Get(recorded->id)->message, "all 4 cases passed");
}

TEST_F(RunRepositoryTest, AFailedRunWithoutScoreStoresNulls) {
  NewRun run = Outcome(Verdict::kCompileError);
  run.score_ns.reset();
  run.sol_ratio.reset();
  auto recorded = RunRepository(*db_).Record(run);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(recorded->verdict, Verdict::kCompileError);
  EXPECT_FALSE(recorded->score_ns.has_value());
  EXPECT_FALSE(recorded->sol_ratio.has_value());
}

TEST_F(RunRepositoryTest, HugeLogsAreCappedAndEndWithAMarker) {
  NewRun run = Outcome(Verdict::kCompileError);
  run.compile_log = std::string(3 * kMaxLogBytes, 'e');
  run.run_log = std::string(kMaxLogBytes + 1, 'r');
  auto recorded = RunRepository(*db_).Record(run);
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  EXPECT_LE(recorded->compile_log.size(), kMaxLogBytes);
  EXPECT_LE(recorded->run_log.size(), kMaxLogBytes);
  EXPECT_TRUE(recorded->compile_log.ends_with(" bytes]")) << recorded->compile_log.substr(recorded->compile_log.size() - 60);
  EXPECT_NE(recorded->compile_log.find("[... truncated "), std::string::npos);
  EXPECT_TRUE(IsCappedLog(recorded->run_log));
  EXPECT_TRUE(recorded->compile_log.starts_with("eeee"));
  EXPECT_LE(QueryInt(*db_, "SELECT max(length(compile_log)) FROM runs"), static_cast<std::int64_t>(kMaxLogBytes));
}

TEST_F(RunRepositoryTest, AResultIsStoredOncePerAttempt) {
  ASSERT_TRUE(RunRepository(*db_).Record(Outcome()).ok());
  auto repeat = RunRepository(*db_).Record(Outcome());
  ASSERT_FALSE(repeat.ok());
  EXPECT_EQ(repeat.error().code, ErrorCode::kAlreadyExists);
  // After a requeue and a new lease, the next attempt gets its own run.
  JobRepository jobs(*db_);
  ASSERT_TRUE(jobs.UpdateStatus(job_.id, JobStatus::kQueued, "lease expired").ok());
  ASSERT_TRUE(jobs.AssignLease(job_.id, {"l2", "runner-b", clock_.NowMs() + 1000}).ok());
  auto second = RunRepository(*db_).Record(Outcome());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->attempt, 2);
}

TEST_F(RunRepositoryTest, BadInputIsRefused) {
  NewRun run = Outcome();
  run.job_id = 999;
  EXPECT_EQ(RunRepository(*db_).Record(run).error().code, ErrorCode::kNotFound);
  run = Outcome();
  run.cases_json = "[{";
  EXPECT_EQ(RunRepository(*db_).Record(run).error().code, ErrorCode::kInvalidArgument);
  run = Outcome();
  run.finished_ms = run.started_ms - 1;
  EXPECT_EQ(RunRepository(*db_).Record(run).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM runs"), 0);
}

}  // namespace
}  // namespace kjudge::store
