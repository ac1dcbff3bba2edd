// `kjudge submit` following real judgings live, as a CI job sees it (stdout is a pipe, so one
// plain line per event): the real server with an in-process cpu runner, the real sandbox, the
// sample solutions of problems/vectoradd.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/cli_fixture.h"
#include "e2e/server_fixture.h"

namespace kjudge {
namespace {

using testing::CliHome;
using testing::Lines;

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Index of the first line at or after `from` that starts with `prefix`, or -1.
int Find(const std::vector<std::string>& lines, const std::string& prefix, int from = 0) {
  for (int i = std::max(from, 0); i < static_cast<int>(lines.size()); ++i) {
    if (lines[i].rfind(prefix, 0) == 0) return i;
  }
  return -1;
}

class SubmitStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KJ_REQUIRE_SANDBOX();
    server_ = std::make_unique<testing::ServerProcess>(std::vector<std::string>{
        "--problems", std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd", "--local-runner", "cpu"});
    ASSERT_TRUE(server_->started()) << server_->error();
    token_ = server_->AddUser("dana");
  }

  testing::ProcessResult Submit(const std::string& file, std::vector<std::string> extra) const {
    std::vector<std::string> args = {"submit", file, "--server", server_->url(), "--token", token_, "--timeout", "300"};
    args.insert(args.end(), extra.begin(), extra.end());
    return home_.Run(args, {}, std::chrono::seconds(330));
  }

  std::unique_ptr<testing::ServerProcess> server_;
  std::string token_;
  CliHome home_;
};

TEST_F(SubmitStreamTest, ACorrectSolutionIsFollowedToItsScoreAndExitsZero) {
  const std::string file = std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd/solutions/correct/naive.cpp";
  auto r = Submit(file, {"--problem", "vectoradd", "--gpu", "cpu", "--mode", "benchmark"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(Contains(r.out, "\x1b")) << "no escape codes when stdout is not a terminal";
  EXPECT_FALSE(Contains(r.out, "\r"));
  const auto lines = Lines(r.out);
  // In order: what was accepted, each step of the judging, then the summary.
  int at = Find(lines, "submission ");
  ASSERT_EQ(at, 0) << r.out;
  EXPECT_TRUE(Contains(lines[0], ": vectoradd on cpu, benchmark mode (naive.cpp)")) << lines[0];
  for (const std::string step : {"[cpu benchmark] queued", "[cpu benchmark] picked up by ", "[cpu benchmark] compiling",
                                 "[cpu benchmark] compiled"}) {
    const int next = Find(lines, step, at + 1);
    EXPECT_GT(next, at) << "'" << step << "' after line " << at << " in:\n" << r.out;
    at = std::max(at, next);
  }
  for (int i = 1; i <= 6; ++i) {
    const int next = Find(lines, "[cpu benchmark] test " + std::to_string(i) + "/6 passed", at + 1);
    EXPECT_GT(next, at) << "test " << i << " in:\n" << r.out;
    at = std::max(at, next);
  }
  for (int i = 1; i <= 3; ++i) {
    const int next = Find(lines, "[cpu benchmark] benchmark " + std::to_string(i) + "/3 passed ", at + 1);
    ASSERT_GT(next, at) << "benchmark " << i << " in:\n" << r.out;
    EXPECT_TRUE(Contains(lines[next], " ms (") || Contains(lines[next], " us (")) << "its time: " << lines[next];
    at = next;
  }
  const int verdict = Find(lines, "[cpu benchmark] verdict: passed", at + 1);
  EXPECT_GT(verdict, at) << r.out;
  const int result = Find(lines, "result: passed", verdict + 1);
  ASSERT_GT(result, verdict) << r.out;
  EXPECT_GE(Find(lines, "tests: 6 passed", result), 0) << r.out;
  EXPECT_GE(Find(lines, "benchmark  params", result), 0) << r.out;
  const int score = Find(lines, "score: ", result);
  ASSERT_GE(score, 0) << r.out;
  EXPECT_TRUE(Contains(lines[score], "x speed of light")) << lines[score];
}

TEST_F(SubmitStreamTest, AWrongSolutionShowsTheFailingCaseAndExitsOne) {
  const std::string file = std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd/solutions/wrong/off_by_one.cpp";
  auto r = Submit(file, {"--problem", "vectoradd", "--gpu", "cpu"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto lines = Lines(r.out);
  const int verdict = Find(lines, "[cpu test] verdict: wrong_answer");
  ASSERT_GE(verdict, 0) << r.out;
  EXPECT_GE(Find(lines, "result: wrong_answer", verdict), 0) << r.out;
  EXPECT_GE(Find(lines, "  test 1 (n=1", verdict), 0) << "the off-by-one misses the only element of n=1:\n" << r.out;
}

TEST_F(SubmitStreamTest, DirectivesPickTheTargetAndJsonPrintsOnlyTheResult) {
  home_.Write("mine.cpp", "//!POPCORN leaderboard vectoradd\n//!KJUDGE gpu cpu\n" +
                              testing::Source("problems/vectoradd/solutions/correct/naive.cpp"));
  auto r = Submit("mine.cpp", {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto sub = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(sub.is_object()) << "stdout is the final submission and nothing else:\n" << r.out;
  EXPECT_EQ(sub["status"], "passed");
  EXPECT_EQ(sub["mode"], "test");
  EXPECT_EQ(sub["file_name"], "mine.cpp");
  EXPECT_EQ(r.err, "") << "no progress on a stderr that is not a terminal either";
}

}  // namespace
}  // namespace kjudge
