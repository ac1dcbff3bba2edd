#include "kjudge/queue/job_queue.h"

#include <gtest/gtest.h>

#include <thread>

#include "store/store_fixture.h"

namespace kjudge::queue {
namespace {

using namespace kjudge::store;
using kjudge::store::testing::QueryInt;

class JobQueueTest : public kjudge::store::testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    queue_ = std::make_unique<JobQueue>(*db_, QueueOptions{60'000});
    problem_ = Publish("vectoradd");
  }

  Job EnqueueFor(const User& user, Mode mode) {
    auto sub = MakeSubmission(user, problem_, mode);
    auto jobs = queue_->Enqueue(sub.id, "cpu", {mode});
    EXPECT_TRUE(jobs.ok()) << jobs.error().message;
    return jobs.ok() ? jobs->front() : Job{};
  }

  std::optional<Job> LeaseOne(const std::string& runner = "r1") {
    auto leased = queue_->Lease(runner, "cpu");
    EXPECT_TRUE(leased.ok()) << leased.error().message;
    return leased.ok() ? *leased : std::nullopt;
  }

  Completion Passed() {
    Completion c;
    c.verdict = Verdict::kPassed;
    c.message = "all passed";
    return c;
  }

  std::unique_ptr<JobQueue> queue_;
  PublishResult problem_;
};

TEST_F(JobQueueTest, LeaseHandsOutEachJobOnce) {
  auto alice = MakeUser("alice");
  auto job = EnqueueFor(alice, Mode::kTest);
  auto leased = LeaseOne();
  ASSERT_TRUE(leased.has_value());
  EXPECT_EQ(leased->id, job.id);
  EXPECT_EQ(leased->status, JobStatus::kLeased);
  EXPECT_EQ(leased->attempts, 1);
  ASSERT_TRUE(leased->lease_id.has_value());
  EXPECT_EQ(*leased->lease_expires_ms, clock_.NowMs() + 60'000);
  EXPECT_FALSE(LeaseOne("r2").has_value());
  // Jobs for another GPU type are not handed out.
  EXPECT_FALSE(queue_->Lease("r3", "H100")->has_value());
}

TEST_F(JobQueueTest, TestsGoBeforeBenchmarks) {
  auto alice = MakeUser("alice");
  EnqueueFor(alice, Mode::kLeaderboard);
  EnqueueFor(alice, Mode::kBenchmark);
  auto test = EnqueueFor(alice, Mode::kTest);
  auto first = LeaseOne();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, test.id);
  EXPECT_EQ(LeaseOne()->mode, Mode::kBenchmark);
}

TEST_F(JobQueueTest, FairShareKeepsOneUserFromStarvingAnother) {
  auto alice = MakeUser("alice");
  auto bob = MakeUser("bob");
  for (int i = 0; i < 5; ++i) EnqueueFor(alice, Mode::kTest);
  clock_.AdvanceMs(10);
  auto bobs = EnqueueFor(bob, Mode::kTest);
  auto a1 = LeaseOne();
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->user_id, alice.id);  // oldest first while nobody is being judged
  auto next = LeaseOne();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->id, bobs.id) << "bob waited behind all of alice's jobs";
}

TEST_F(JobQueueTest, ExpiredLeaseRequeuesThenFailsAfterMaxAttempts) {
  auto alice = MakeUser("alice");
  auto job = EnqueueFor(alice, Mode::kTest);
  for (int attempt = 1; attempt <= kDefaultMaxAttempts; ++attempt) {
    auto leased = LeaseOne("runner-" + std::to_string(attempt));
    ASSERT_TRUE(leased) << "attempt " << attempt;
    EXPECT_EQ(leased->attempts, attempt);
    clock_.AdvanceMs(60'001);
  }
  ASSERT_TRUE(queue_->ExpireLeases().ok());
  auto final_job = JobRepository(*db_).Get(job.id);
  ASSERT_TRUE(final_job.ok());
  EXPECT_EQ(final_job->status, JobStatus::kFailed);
  EXPECT_NE(final_job->last_error.find("no attempts left"), std::string::npos) << final_job->last_error;
  EXPECT_FALSE(LeaseOne().has_value());
}

TEST_F(JobQueueTest, HeartbeatKeepsTheLeaseAlive) {
  auto alice = MakeUser("alice");
  EnqueueFor(alice, Mode::kTest);
  auto leased = LeaseOne();
  ASSERT_TRUE(leased);
  for (int i = 0; i < 5; ++i) {
    clock_.AdvanceMs(30'000);
    auto hb = queue_->Heartbeat(leased->id, *leased->lease_id);
    ASSERT_TRUE(hb.ok()) << hb.error().message;
  }
  ASSERT_TRUE(queue_->ExpireLeases().ok());
  EXPECT_FALSE(LeaseOne("other").has_value()) << "a heartbeating lease must not be handed out again";
  EXPECT_FALSE(queue_->Heartbeat(leased->id, "not-the-lease").ok());
}

TEST_F(JobQueueTest, ResultFromStaleLeaseIsRefusedAndRepeatIsHarmless) {
  auto alice = MakeUser("alice");
  auto job = EnqueueFor(alice, Mode::kTest);
  auto first = LeaseOne("slow");
  ASSERT_TRUE(first);
  clock_.AdvanceMs(60'001);
  auto second = LeaseOne("fast");
  ASSERT_TRUE(second);
  EXPECT_NE(*first->lease_id, *second->lease_id);

  auto stale = queue_->Complete(job.id, *first->lease_id, "slow", Passed());
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kFailedPrecondition);

  auto done = queue_->Complete(job.id, *second->lease_id, "fast", Passed());
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->job.status, JobStatus::kDone);
  ASSERT_TRUE(done->run.has_value());
  auto again = queue_->Complete(job.id, *second->lease_id, "fast", Passed());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->repeated);
  EXPECT_EQ(QueryInt(*db_, "SELECT COUNT(*) FROM runs WHERE job_id = ?", job.id), 1);
}

TEST_F(JobQueueTest, InternalErrorRetriesOnAnotherAttempt) {
  auto alice = MakeUser("alice");
  auto job = EnqueueFor(alice, Mode::kTest);
  auto leased = LeaseOne();
  Completion broken;
  broken.verdict = Verdict::kInternalError;
  broken.message = "sandbox unavailable";
  auto outcome = queue_->Complete(job.id, *leased->lease_id, "r1", broken);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_TRUE(outcome->requeued);
  auto again = LeaseOne("r2");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, job.id);
  EXPECT_EQ(again->attempts, 2);
}

TEST_F(JobQueueTest, CancelledJobIsNotLeasedAndCannotBeCompleted) {
  auto alice = MakeUser("alice");
  auto job = EnqueueFor(alice, Mode::kTest);
  ASSERT_TRUE(queue_->Cancel(job.id, "cancelled by alice").ok());
  EXPECT_FALSE(LeaseOne().has_value());
  EXPECT_FALSE(queue_->Cancel(job.id, "again").ok());
}

TEST_F(JobQueueTest, WaitForWorkWakesOnEnqueue) {
  auto alice = MakeUser("alice");
  auto sub = MakeSubmission(alice, problem_, Mode::kTest);
  // An enqueue after the generation was read is never missed, whether it lands before the wait
  // starts or during it.
  const std::uint64_t before = queue_->Generation();
  ASSERT_TRUE(queue_->Enqueue(sub.id, "cpu", {Mode::kTest}).ok());
  const auto start = std::chrono::steady_clock::now();
  queue_->WaitForWork(before, 60'000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));

  const std::uint64_t seen = queue_->Generation();
  std::thread waker([&] { ASSERT_TRUE(queue_->Enqueue(sub.id, "cpu", {Mode::kBenchmark}).ok()); });
  queue_->WaitForWork(seen, 60'000);
  waker.join();
  EXPECT_NE(queue_->Generation(), seen);
}

}  // namespace
}  // namespace kjudge::queue
