#include "kjudge/store/job_repository.h"

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

class JobRepositoryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    alice_ = MakeUser("alice");
    submission_ = MakeSubmission(alice_, Publish("p"), Mode::kBenchmark);
  }

  LeaseGrant Lease(const std::string& id = "lease-1") { return {id, "runner-a", clock_.NowMs() + 30'000}; }

  User alice_;
  Submission submission_;
};

TEST_F(JobRepositoryTest, ANewJobIsQueuedForItsSubmissionsOwner) {
  auto job = JobRepository(*db_).Create({submission_.id, "H100", Mode::kBenchmark, 5, 2});
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_EQ(job->user_id, alice_.id);
  EXPECT_EQ(job->gpu, "H100");
  EXPECT_EQ(job->priority, 5);
  EXPECT_EQ(job->max_attempts, 2);
  EXPECT_EQ(job->attempts, 0);
  EXPECT_FALSE(job->lease_id.has_value());
  EXPECT_EQ(job->created_ms, clock_.NowMs());
  EXPECT_EQ(JobRepository(*db_).Create({9999, "H100", Mode::kTest, 0, 3}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(JobRepository(*db_).Create({submission_.id, "", Mode::kTest, 0, 3}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(JobRepository(*db_).Create({submission_.id, "cpu", Mode::kTest, 0, 0}).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(JobRepositoryTest, ListByStatusIsInQueueOrder) {
  Job low_old = MakeJob(submission_, "cpu", 0);
  clock_.AdvanceMs(1);
  Job high = MakeJob(submission_, "cpu", 10);
  clock_.AdvanceMs(1);
  Job low_new = MakeJob(submission_, "cpu", 0);
  Job other_gpu = MakeJob(submission_, "H100", 100);
  auto cpu = JobRepository(*db_).ListByStatus(JobStatus::kQueued, "cpu");
  ASSERT_TRUE(cpu.ok());
  ASSERT_EQ(cpu->size(), 3u);
  EXPECT_EQ((*cpu)[0].id, high.id);
  EXPECT_EQ((*cpu)[1].id, low_old.id);
  EXPECT_EQ((*cpu)[2].id, low_new.id);
  auto all = JobRepository(*db_).ListByStatus(JobStatus::kQueued);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].id, other_gpu.id);
  EXPECT_EQ(JobRepository(*db_).ListByStatus(JobStatus::kQueued, std::nullopt, 2)->size(), 2u);
  EXPECT_EQ(JobRepository(*db_).ListBySubmission(submission_.id)->size(), 4u);
}

TEST_F(JobRepositoryTest, ALeaseCountsAnAttemptAndOnlyOneRunnerGetsIt) {
  Job job = MakeJob(submission_);
  JobRepository jobs(*db_);
  auto leased = jobs.AssignLease(job.id, Lease("first"));
  ASSERT_TRUE(leased.ok()) << leased.error().message;
  EXPECT_EQ(leased->status, JobStatus::kLeased);
  EXPECT_EQ(leased->attempts, 1);
  EXPECT_EQ(leased->lease_id, "first");
  EXPECT_EQ(leased->lease_owner, "runner-a");
  auto second = jobs.AssignLease(job.id, Lease("second"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(jobs.Get(job.id)->lease_id, "first");
}

TEST_F(JobRepositoryTest, RequeueClearsTheLeaseAndAttemptsRunOut) {
  auto job = JobRepository(*db_).Create({submission_.id, "cpu", Mode::kTest, 0, 2});
  ASSERT_TRUE(job.ok());
  JobRepository jobs(*db_);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    ASSERT_TRUE(jobs.AssignLease(job->id, Lease("l" + std::to_string(attempt))).ok());
    auto requeued = jobs.UpdateStatus(job->id, JobStatus::kQueued, "lease expired");
    ASSERT_TRUE(requeued.ok()) << requeued.error().message;
    EXPECT_FALSE(requeued->lease_id.has_value());
    EXPECT_FALSE(requeued->lease_owner.has_value());
    EXPECT_EQ(requeued->last_error, "lease expired");
    EXPECT_EQ(requeued->attempts, attempt);
  }
  auto exhausted = jobs.AssignLease(job->id, Lease("l3"));
  ASSERT_FALSE(exhausted.ok());
  EXPECT_NE(exhausted.error().message.find("attempts"), std::string::npos);
  ASSERT_TRUE(jobs.UpdateStatus(job->id, JobStatus::kCancelled).ok());
}

TEST_F(JobRepositoryTest, StatusChangesFollowTheStateMachine) {
  Job job = MakeJob(submission_);
  JobRepository jobs(*db_);
  auto skip = jobs.UpdateStatus(job.id, JobStatus::kDone);
  ASSERT_FALSE(skip.ok());
  EXPECT_EQ(skip.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(skip.error().message.find("queued"), std::string::npos) << skip.error().message;

  ASSERT_TRUE(jobs.AssignLease(job.id, Lease()).ok());
  clock_.AdvanceMs(10);
  auto running = jobs.UpdateStatus(job.id, JobStatus::kRunning, std::nullopt, JobStatus::kLeased);
  ASSERT_TRUE(running.ok()) << running.error().message;
  EXPECT_EQ(running->updated_ms, clock_.NowMs());
  auto done = jobs.UpdateStatus(job.id, JobStatus::kDone);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->lease_id, "lease-1") << "a finished job keeps its lease id";
  auto reopen = jobs.UpdateStatus(job.id, JobStatus::kQueued);
  ASSERT_FALSE(reopen.ok());
  EXPECT_EQ(reopen.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(jobs.UpdateStatus(999, JobStatus::kDone).error().code, ErrorCode::kNotFound);
}

TEST_F(JobRepositoryTest, CompareAndSetRefusesAnUnexpectedStatus) {
  Job job = MakeJob(submission_);
  ASSERT_TRUE(JobRepository(*db_).AssignLease(job.id, Lease()).ok());
  auto cas = JobRepository(*db_).UpdateStatus(job.id, JobStatus::kFailed, "boom", JobStatus::kRunning);
  ASSERT_FALSE(cas.ok());
  EXPECT_EQ(cas.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(JobRepository(*db_).Get(job.id)->status, JobStatus::kLeased);
}

TEST_F(JobRepositoryTest, HeartbeatsExtendOnlyTheCurrentLease) {
  Job job = MakeJob(submission_);
  JobRepository jobs(*db_);
  ASSERT_TRUE(jobs.AssignLease(job.id, Lease("mine")).ok());
  auto extended = jobs.ExtendLease(job.id, "mine", clock_.NowMs() + 60'000);
  ASSERT_TRUE(extended.ok());
  EXPECT_EQ(extended->lease_expires_ms, clock_.NowMs() + 60'000);
  EXPECT_EQ(jobs.ExtendLease(job.id, "stale", clock_.NowMs() + 90'000).error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(jobs.UpdateStatus(job.id, JobStatus::kDone).ok());
  EXPECT_EQ(jobs.ExtendLease(job.id, "mine", clock_.NowMs() + 90'000).error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace kjudge::store
