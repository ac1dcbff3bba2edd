#include "kjudge/runner/run_result.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace kjudge::runner {
namespace {

TEST(RunResultTest, JsonRoundTrip) {
  RunResult r;
  r.verdict = Verdict::kPassed;
  r.mode = "benchmark";
  r.score_ns = 1234.5;
  CaseResult c;
  c.kind = "benchmark";
  c.params = {{"n", 42}};
  c.passed = true;
  c.timing = ComputeStats({1, 2, 3, 10}, {2, 3, 4, 11});
  r.cases.push_back(c);
  auto back = RunResultFromJson(ToJson(r));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->verdict, Verdict::kPassed);
  EXPECT_EQ(*back->score_ns, 1234.5);
  EXPECT_FALSE(back->sol_ratio.has_value());
  ASSERT_EQ(back->cases.size(), 1u);
  EXPECT_EQ(back->cases[0].params.at("n"), 42);
  EXPECT_EQ(back->cases[0].timing->median_ns, 2.5);
  EXPECT_EQ(back->cases[0].timing->mean_ns, 4);
}

TEST(RunResultTest, TimingMethodAndClockRoundTrip) {
  RunResult r;
  r.verdict = Verdict::kPassed;
  r.mode = "leaderboard";
  CaseResult c;
  c.kind = "benchmark";
  c.passed = true;
  c.timing = ComputeStats({100, 100, 100, 104}, {200, 200, 200, 200});
  c.timing->stop = StopReason::kBudget;
  c.timing->warmup_calls = 2;
  c.timing->l2_flushed = true;
  c.timing->timer_floor_ns = 6500;
  ClockStats clock;
  clock.samples = 4;
  clock.min_mhz = 1755;
  clock.mean_mhz = 1900;
  clock.max_mhz = 1980;
  clock.rated_max_mhz = 1980;
  clock.reasons = 0x4;  // software power cap
  clock.throttled = true;
  c.timing->sm_clock = clock;
  r.cases.push_back(c);
  const auto json = ToJson(r);
  const auto& t = json["cases"][0]["timing"];
  EXPECT_EQ(t["stop_reason"], "budget");
  EXPECT_EQ(t["sm_clock"]["reasons"], nlohmann::json::array({"sw_power_cap"}));
  auto back = RunResultFromJson(json);
  ASSERT_TRUE(back.ok()) << back.error().message;
  const auto& bt = *back->cases[0].timing;
  EXPECT_NEAR(bt.rel_sem, 1.0 / 101, 1e-9);  // stddev 2, four samples, mean 101
  EXPECT_EQ(bt.stop, StopReason::kBudget);
  EXPECT_EQ(bt.warmup_calls, 2u);
  EXPECT_TRUE(bt.l2_flushed);
  EXPECT_EQ(bt.timer_floor_ns, 6500);
  ASSERT_TRUE(bt.sm_clock.has_value());
  EXPECT_EQ(bt.sm_clock->min_mhz, 1755);
  EXPECT_EQ(bt.sm_clock->reasons, 0x4u);
  EXPECT_TRUE(bt.sm_clock->throttled);
}

TEST(RunResultTest, TimingWithoutTheNewFieldsStillParses) {
  // Results stored before the timing method was reported.
  auto back = RunResultFromJson(nlohmann::json::parse(
      R"({"verdict":"passed","mode":"benchmark","cases":[{"kind":"benchmark","index":0,"params":{},"passed":true,
          "timing":{"samples":3,"mean_ns":5,"median_ns":5,"stddev_ns":0,"min_ns":5,"max_ns":5}}]})"));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_FALSE(back->cases[0].timing->sm_clock.has_value());
  EXPECT_EQ(back->cases[0].timing->stop, StopReason::kConverged);
}

TEST(RunResultTest, MalformedJsonIsAnError) {
  EXPECT_FALSE(RunResultFromJson(nlohmann::json::parse(R"({"verdict":"passed"})")).ok());
  EXPECT_FALSE(RunResultFromJson(nlohmann::json::parse(R"({"verdict":"great","mode":"x","cases":[]})")).ok());
}

TEST(RunResultTest, ModesAndVerdictsParse) {
  EXPECT_EQ(*ParseMode("leaderboard"), Mode::kLeaderboard);
  EXPECT_FALSE(ParseMode("fast").ok());
  EXPECT_EQ(*ParseVerdict(VerdictName(Verdict::kRejected)), Verdict::kRejected);
}

}  // namespace
}  // namespace kjudge::runner
