#include "kjudge/runner/supervisor.h"

#include <gtest/gtest.h>
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

  RunResult Judge(const std::string& solution, Mode mode, SupervisorConfig config = {}) {
    const std::string binary = build_->Judged(solution);
    EXPECT_EQ(build_->errors(), "");
    auto channel = JudgedChannel::Create();
    EXPECT_TRUE(channel.ok());
    JudgedProcess process(binary, *channel);
    config.mode = mode;
    config.tolerance = {1e-5, 1e-5};
    if (config.call_timeout_ms == SupervisorConfig{}.call_timeout_ms) config.call_timeout_ms = 3000;
    if (config.tests.empty()) config.tests = {{{{"n", 1000}}, 1}, {{{"n", 4097}}, 2}};
    if (config.benchmarks.empty()) config.benchmarks = {{{{"n", 100000}}, 7}, {{{"n", 300000}}, 8}};
    events_.clear();
    Supervisor supervisor(*reference_, *channel, [this](const nlohmann::json& e) { events_.push_back(e); });
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
