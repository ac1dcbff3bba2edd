#include "kjudge/runner/supervisor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "judge_fixture.h"

namespace kjudge::runner {
namespace {

using kjudge::testing::JudgedProcess;
using kjudge::testing::ScaleBuild;

class SupervisorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { build_ = new ScaleBuild(); }
  static void TearDownTestSuite() { delete build_; }

  void SetUp() override {
    ASSERT_EQ(build_->errors(), "");
    auto lib = harness::ReferenceLibrary::Load(build_->reference_library());
    ASSERT_TRUE(lib.ok()) << lib.error().message;
    reference_ = std::move(lib).value();
  }

  RunResult Judge(const std::string& solution, Mode mode, SupervisorConfig config = {}, harness::ClockProbe* clocks = nullptr) {
    const runner::JudgedBuild built = build_->Judged(solution);
    EXPECT_EQ(build_->errors(), "");
    auto channel = JudgedChannel::Create();
    EXPECT_TRUE(channel.ok());
    JudgedProcess process(built, *channel);
    config.mode = mode;
    config.tolerance = {1e-5, 1e-5};
    if (config.call_timeout_ms == SupervisorConfig{}.call_timeout_ms) config.call_timeout_ms = 3000;
    if (config.tests.empty()) config.tests = {{{{"n", 1000}}, 1}, {{{"n", 4097}}, 2}};
    if (config.benchmarks.empty()) config.benchmarks = {{{{"n", 100000}}, 7}, {{{"n", 300000}}, 8}};
    events_.clear();
    Supervisor supervisor(*reference_, *channel, [this](const nlohmann::json& e) { events_.push_back(e); }, clocks);
    return supervisor.Run(config);
  }

  static ScaleBuild* build_;
  std::unique_ptr<harness::ReferenceLibrary> reference_;
  std::vector<nlohmann::json> events_;
};

ScaleBuild* SupervisorTest::build_ = nullptr;

TEST_F(SupervisorTest, CorrectSolutionPassesTests) {
  auto r = Judge("correct", Mode::kTest);
  EXPECT_EQ(r.verdict, Verdict::kPassed) << r.message;
  EXPECT_EQ(r.cases.size(), 2u);
  EXPECT_FALSE(r.score_ns.has_value());
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1]["of"], 2);
  EXPECT_NE(r.device.find("cpu"), std::string::npos);
}

TEST_F(SupervisorTest, BenchmarkReportsStatisticsAndGeomeanScore) {
  auto r = Judge("correct", Mode::kBenchmark);
  ASSERT_EQ(r.verdict, Verdict::kPassed) << r.message;
  ASSERT_EQ(r.cases.size(), 4u);
  const auto& b0 = r.cases[2];
  const auto& b1 = r.cases[3];
  ASSERT_TRUE(b0.timing && b1.timing);
  EXPECT_GE(b0.timing->samples, 3u);
  EXPECT_GT(b0.timing->mean_ns, 0);
  EXPECT_LE(b0.timing->min_ns, b0.timing->median_ns);
  ASSERT_TRUE(r.score_ns.has_value());
  EXPECT_NEAR(*r.score_ns, std::sqrt(b0.timing->mean_ns * b1.timing->mean_ns), 1e-6 * *r.score_ns);
}

TEST_F(SupervisorTest, BenchmarkReportsHowItWasTimed) {
  auto r = Judge("correct", Mode::kBenchmark);
  ASSERT_EQ(r.verdict, Verdict::kPassed) << r.message;
  const auto& t = *r.cases[2].timing;
  EXPECT_NEAR(t.rel_sem, t.stddev_ns / std::sqrt(static_cast<double>(t.samples)) / t.mean_ns, 1e-12);
  if (t.stop == StopReason::kConverged) {
    EXPECT_LE(t.rel_sem, SupervisorConfig{}.target_rel_error);
  }
  EXPECT_EQ(t.warmup_calls, 1u);
  EXPECT_FALSE(t.l2_flushed);   // the host backend has no cache flush
  EXPECT_GE(t.timer_floor_ns, 0);  // the harness timed empty calls at start-up (a few ns here)
  EXPECT_LT(t.timer_floor_ns, t.median_ns);
  EXPECT_FALSE(t.sm_clock.has_value());  // no clock probe given
  EXPECT_TRUE(events_.back().contains("median_ns"));
}

TEST_F(SupervisorTest, SamplingStopsAtTheBudgetOrAtMaxSamples) {
  SupervisorConfig c;
  c.case_budget_ms = 0;
  c.min_samples = 4;
  c.target_rel_error = -1;  // never converges
  auto r = Judge("correct", Mode::kBenchmark, c);
  ASSERT_EQ(r.verdict, Verdict::kPassed) << r.message;
  EXPECT_EQ(r.cases[2].timing->samples, 4u);
  EXPECT_EQ(r.cases[2].timing->stop, StopReason::kBudget);
  c.case_budget_ms = 1e9;
  c.max_samples = 6;
  r = Judge("correct", Mode::kBenchmark, c);
  ASSERT_EQ(r.verdict, Verdict::kPassed) << r.message;
  EXPECT_EQ(r.cases[2].timing->samples, 6u);
  EXPECT_EQ(r.cases[2].timing->stop, StopReason::kMaxSamples);
}

/// A clock that slows down and reports a power cap on its third reading.
class FakeClock final : public harness::ClockProbe {
 public:
  Result<harness::ClockReading> Read() override {
    ++reads;
    if (reads == 2) return MakeError(ErrorCode::kUnavailable, "driver busy");  // a missed reading is skipped
    if (reads == 3) return harness::ClockReading{1600, 0x4};
    return harness::ClockReading{1980, 0};
  }
  double max_sm_mhz() const override { return 1980; }
  int reads = 0;
};

TEST_F(SupervisorTest, ClockIsReadAfterEveryTimedCallAndThrottlingFlagged) {
  FakeClock clock;
  SupervisorConfig c;
  c.benchmarks = {{{{"n", 100000}}, 7}};
  c.min_samples = 5;
  c.max_samples = 5;
  auto r = Judge("correct", Mode::kBenchmark, c, &clock);
  ASSERT_EQ(r.verdict, Verdict::kPassed) << r.message;
  EXPECT_EQ(clock.reads, 5);  // not after the warm-up call
  const auto& t = *r.cases[2].timing;
  ASSERT_TRUE(t.sm_clock.has_value());
  EXPECT_EQ(t.sm_clock->samples, 4u);
  EXPECT_EQ(t.sm_clock->min_mhz, 1600);
  EXPECT_EQ(t.sm_clock->max_mhz, 1980);
  EXPECT_EQ(t.sm_clock->mean_mhz, (1600 + 3 * 1980) / 4.0);
  EXPECT_EQ(t.sm_clock->rated_max_mhz, 1980);
  EXPECT_TRUE(t.sm_clock->throttled);
  EXPECT_EQ(events_.back()["throttled"], true);
}

TEST_F(SupervisorTest, WrongAnswerNamesCaseAndFirstMismatch) {
  auto r = Judge("wrong", Mode::kTest);
  EXPECT_EQ(r.verdict, Verdict::kWrongAnswer);
  EXPECT_NE(r.message.find("test 1 (n=1000)"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("1 of 1000 elements differ"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("[999]"), std::string::npos) << r.message;
}

TEST_F(SupervisorTest, CrashIsARuntimeError) {
  auto r = Judge("crash", Mode::kTest);
  EXPECT_EQ(r.verdict, Verdict::kRuntimeError) << r.message;
}

TEST_F(SupervisorTest, HangHitsTheCallTimeLimit) {
  SupervisorConfig c;
  c.call_timeout_ms = 500;
  auto r = Judge("hang", Mode::kTest, c);
  EXPECT_EQ(r.verdict, Verdict::kTimeLimit) << r.message;
}

TEST_F(SupervisorTest, ReplayingACachedAnswerFailsInLeaderboardMode) {
  // Tests use distinct seeds per case, so the replay already fails on the second test.
  auto r = Judge("replay", Mode::kLeaderboard);
  EXPECT_EQ(r.verdict, Verdict::kWrongAnswer) << r.message;
  SupervisorConfig one_case;
  one_case.tests = {{{{"n", 5000}}, 3}};
  one_case.benchmarks = {{{{"n", 5000}}, 3}};
  one_case.secret_seed = 12345;
  auto lb = Judge("replay", Mode::kLeaderboard, one_case);
  EXPECT_EQ(lb.verdict, Verdict::kWrongAnswer) << lb.message;
}

TEST_F(SupervisorTest, ForgedCallDoneIsRejected) {
  auto r = Judge("forge", Mode::kBenchmark);
  EXPECT_NE(r.verdict, Verdict::kPassed);
  EXPECT_EQ(r.verdict, Verdict::kRejected) << r.message;
}

TEST_F(SupervisorTest, TimeBelowSpeedOfLightIsRejected) {
  SupervisorConfig c;
  c.benchmarks = {{{{"n", 1000}}, 7, /*sol_ns=*/1e9}};  // pretend the floor is one second
  auto r = Judge("correct", Mode::kBenchmark, c);
  EXPECT_EQ(r.verdict, Verdict::kRejected) << r.message;
  EXPECT_NE(r.message.find("speed of light"), std::string::npos) << r.message;
}

TEST(MixSeedTest, DistinctInputsGiveDistinctSeeds) {
  EXPECT_NE(MixSeed(1, 2), MixSeed(2, 1));
  EXPECT_NE(MixSeed(1, 2), MixSeed(1, 3));
  EXPECT_EQ(MixSeed(5, 6), MixSeed(5, 6));
}

}  // namespace
}  // namespace kjudge::runner
