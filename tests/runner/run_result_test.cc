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
