#include "kjudge/problem/solution_header.h"

#include <gtest/gtest.h>

namespace kjudge::problem {
namespace {

TEST(SolutionHeaderTest, OneVerdictForEveryMode) {
  auto h = ParseSolutionHeader("// expect: passed — naive loop\n#include <cstdint>\n");
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->verdict, "passed");
  EXPECT_EQ(h->description, "naive loop");
  EXPECT_EQ(h->VerdictFor("leaderboard"), "passed");
}

TEST(SolutionHeaderTest, PerModeOverrides) {
  auto h = ParseSolutionHeader("// expect: wrong_answer, test: passed, benchmark: passed -- replays a cache");
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->VerdictFor("test"), "passed");
  EXPECT_EQ(h->VerdictFor("benchmark"), "passed");
  EXPECT_EQ(h->VerdictFor("leaderboard"), "wrong_answer");
  EXPECT_EQ(h->description, "replays a cache");
}

TEST(SolutionHeaderTest, Malformed) {
  EXPECT_FALSE(ParseSolutionHeader("").ok());
  EXPECT_FALSE(ParseSolutionHeader("#include <x>\n// expect: passed — x").ok());
  EXPECT_FALSE(ParseSolutionHeader("// expect: passed").ok());            // no description
  EXPECT_FALSE(ParseSolutionHeader("// expect: passed — ").ok());         // empty description
  EXPECT_FALSE(ParseSolutionHeader("// expect: great — x").ok());         // unknown verdict
  EXPECT_FALSE(ParseSolutionHeader("// expect: passed, warmup: passed — x").ok());  // unknown mode
  EXPECT_FALSE(ParseSolutionHeader("// expect: passed, test — x").ok());
  EXPECT_FALSE(ParseSolutionHeader("// expect: passed, test: passed, test: rejected — x").ok());
}

}  // namespace
}  // namespace kjudge::problem
