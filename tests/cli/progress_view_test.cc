// What `kjudge submit` prints while following a submission and after it: plain lines for pipes,
// one rewritten line for terminals, and the final summary.
#include "progress_view.h"

#include <gtest/gtest.h>

#include <sstream>

#include "human_format.h"
#include "submission_summary.h"

namespace kjudge::cli {
namespace {

ProgressEvent Event(const std::string& name, nlohmann::json data = nlohmann::json::object()) {
  data["event"] = name;
  data["seq"] = 1;
  data["time_ms"] = 1764055860123;
  return ProgressEvent{name, std::move(data)};
}

std::vector<ProgressEvent> AJudging() {
  return {Event("queued", {{"gpu", "cpu"}, {"mode", "benchmark"}}),
          Event("leased", {{"runner", "local-runner"}, {"attempt", 1}, {"job_id", 3}}),
          Event("compiling", {{"language", "cpp"}}),
          Event("compiled"),
          Event("case", {{"kind", "test"}, {"index", 1}, {"of", 2}, {"passed", true}}),
          Event("case", {{"kind", "test"}, {"index", 2}, {"of", 2}, {"passed", true}}),
          Event("case", {{"kind", "benchmark"}, {"index", 1}, {"of", 1}, {"passed", true}, {"mean_ns", 12345.0}, {"samples", 40}}),
          Event("verdict", {{"verdict", "passed"}, {"message", "all 3 cases passed"}, {"score_ns", 12345.0}})};
}

TEST(ProgressViewTest, PlainOutputIsOneAsciiLinePerEvent) {
  std::ostringstream out;
  ProgressView view(out, "cpu benchmark", false);
  view.Note("queue: 1st in the cpu queue (0 jobs ahead)");
  for (const auto& e : AJudging()) view.Show(e);
  view.Finish();
  EXPECT_EQ(out.str(),
            "queue: 1st in the cpu queue (0 jobs ahead)\n"
            "[cpu benchmark] queued\n"
            "[cpu benchmark] picked up by local-runner\n"
            "[cpu benchmark] compiling\n"
            "[cpu benchmark] compiled\n"
            "[cpu benchmark] test 1/2 passed\n"
            "[cpu benchmark] test 2/2 passed\n"
            "[cpu benchmark] benchmark 1/1 passed 12.3 us (40 samples)\n"
            "[cpu benchmark] verdict: passed - all 3 cases passed\n");
  for (unsigned char c : out.str()) EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << "byte " << int(c);
}

TEST(ProgressViewTest, ATerminalGetsOneLineRewrittenInPlace) {
  std::ostringstream out;
  ProgressView view(out, "H100 test", true);
  view.Show(Event("compiling"));
  view.Show(Event("case", {{"kind", "test"}, {"index", 3}, {"of", 10}, {"passed", true}}));
  EXPECT_EQ(out.str(), "\r\x1b[K[H100 test] compiling\u2026\r\x1b[K[H100 test] test 3/10 \u2713");
  view.Note("connection lost; reconnecting");
  EXPECT_NE(out.str().find("\r\x1b[Kconnection lost; reconnecting\n[H100 test] test 3/10 \u2713"), std::string::npos)
      << "the note goes above the status line, which is drawn again: " << out.str();
  view.Finish();
  EXPECT_EQ(out.str().substr(out.str().size() - 4), "\r\x1b[K") << "finishing clears the line for the summary";
}

TEST(ProgressViewTest, TerminalBenchmarkLineShowsTheTimeAndFailuresTheirMessage) {
  EXPECT_EQ(DescribeEvent(Event("case", {{"kind", "benchmark"}, {"index", 2}, {"of", 4}, {"passed", true}, {"mean_ns", 12300.0}}), true),
            "benchmark 2/4 12.3 \u00b5s");
  EXPECT_EQ(DescribeEvent(Event("case", {{"kind", "test"}, {"index", 3}, {"of", 6}, {"passed", false}, {"message", "c[999]"}}), true),
            "test 3/6 \u2717: c[999]");
  EXPECT_EQ(DescribeEvent(Event("case", {{"kind", "test"}, {"index", 3}, {"of", 6}, {"passed", false}}), false), "test 3/6 FAILED");
}

TEST(ProgressViewTest, OtherEventsAreShownByNameAndFields) {
  EXPECT_EQ(DescribeEvent(Event("profiling", {{"tool", "ncu"}, {"pass", 2}, {"gpu", "H100"}}), false), "profiling pass=2 tool=ncu")
      << "bookkeeping (seq, time_ms, gpu, mode, job_id) is left out";
  EXPECT_EQ(DescribeEvent(Event("retrying", {{"verdict", "internal_error"}, {"message", "sandbox died"}}), false),
            "retrying after internal_error - sandbox died");
  EXPECT_EQ(DescribeEvent(Event("cancelled", {{"by", "erin"}, {"jobs", {4}}}), false), "cancelled by erin");
  EXPECT_EQ(DescribeEvent(Event("leased", {{"runner", "node3"}, {"attempt", 2}}), false), "picked up by node3 (attempt 2)");
  EXPECT_EQ(DescribeEvent(Event("queued", {{"summary", "3rd in the H100 queue"}}), false), "queued: 3rd in the H100 queue");
}

TEST(ProgressViewTest, TheLiveLineFitsTheTerminal) {
  std::ostringstream out;
  ProgressView view(out, "H100 test", true, 30);
  view.Show(Event("verdict", {{"verdict", "wrong_answer"}, {"message", std::string(200, 'x')}}));
  const std::string line = out.str().substr(4);  // after "\r\x1b[K"
  std::size_t chars = 0;
  for (unsigned char c : line) chars += (c & 0xC0) != 0x80;
  EXPECT_EQ(chars, 29u) << line;
  EXPECT_EQ(line.substr(line.size() - 3), "\u2026");
}

TEST(HumanFormatTest, DurationsInTheUnitThatFits) {
  EXPECT_EQ(FormatDuration(850, false), "850 ns");
  EXPECT_EQ(FormatDuration(1258.3, false), "1.26 us");
  EXPECT_EQ(FormatDuration(12300, true), "12.3 \u00b5s");
  EXPECT_EQ(FormatDuration(6.8e6, false), "6.80 ms");
  EXPECT_EQ(FormatDuration(999.9e6, false), "1.00 s");
  EXPECT_EQ(FormatDuration(-1, false), "-");
  EXPECT_EQ(FormatRatio(181.2), "181");
  EXPECT_EQ(FormatRatio(1.834), "1.83");
  EXPECT_EQ(Truncate("abcdef", 4, false), "a...");
  EXPECT_EQ(Truncate("abc", 4, false), "abc");
}

nlohmann::json APassedSubmission() {
  return nlohmann::json::parse(R"({
    "id": 7, "status": "passed", "mode": "benchmark",
    "runs": [{"verdict": "passed", "message": "all 3 cases passed", "score_ns": 6.8e6, "sol_ratio": 5404.1,
              "device": "cpu: host CPU", "runner": "local-runner", "compile_log": "", "run_log": "",
              "cases": [{"kind": "test", "index": 0, "params": {"n": 1}, "passed": true, "message": ""},
                        {"kind": "test", "index": 1, "params": {"n": 127}, "passed": true, "message": ""},
                        {"kind": "benchmark", "index": 0, "params": {"n": 1048576}, "passed": true, "sol_ns": 1258.3,
                         "timing": {"samples": 12, "mean_ns": 6.8e6}}]}]})");
}

TEST(SubmissionSummaryTest, PassedRunShowsTestsBenchmarksAndScore) {
  std::ostringstream out;
  PrintSummary(out, APassedSubmission(), false);
  EXPECT_EQ(out.str(),
            "result: passed\n"
            "all 3 cases passed\n"
            "tests: 2 passed\n"
            "benchmark  params                         time        SoL    x SoL  samples\n"
            "1          n=1048576                   6.80 ms    1.26 us     5404       12\n"
            "score: 6.80 ms (geometric mean of the benchmark times), 5404 x speed of light\n"
            "judged on cpu: host CPU by local-runner\n");
}

TEST(SubmissionSummaryTest, FailuresSayWhichCaseAndWhy) {
  auto sub = APassedSubmission();
  sub["status"] = "wrong_answer";
  auto& run = sub["runs"][0];
  run["message"] = "test 2 (n=127): c[126] = 0 (expected 1.5)";
  run["cases"][1]["passed"] = false;
  run["cases"][1]["message"] = "c[126] = 0 (expected 1.5)";
  run["cases"].erase(2);
  run.erase("score_ns");
  std::ostringstream out;
  PrintSummary(out, sub, false);
  EXPECT_EQ(out.str().rfind("result: wrong_answer\n", 0), 0u) << out.str();
  EXPECT_NE(out.str().find("tests: 1 passed, 1 failed\n  test 2 (n=127) FAILED: c[126] = 0 (expected 1.5)\n"), std::string::npos)
      << out.str();
  EXPECT_EQ(out.str().find("score:"), std::string::npos);
}

TEST(SubmissionSummaryTest, CompileErrorsShowTheEndOfTheCompilerOutput) {
  auto sub = APassedSubmission();
  sub["status"] = "compile_error";
  auto& run = sub["runs"][0];
  run["cases"] = nlohmann::json::array();
  run.erase("score_ns");
  std::string log;
  for (int i = 1; i <= 50; ++i) log += "line " + std::to_string(i) + "\n";
  run["compile_log"] = log;
  std::ostringstream out;
  PrintSummary(out, sub, false);
  EXPECT_NE(out.str().find("compiler output (last 40 of 50 lines):\n  line 11\n"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("line 10\n"), std::string::npos);
}

TEST(SubmissionSummaryTest, NoRunMeansTheJobsSayWhy) {
  std::ostringstream out;
  PrintSummary(out, nlohmann::json::parse(R"({"status": "failed", "runs": [], "jobs": [{"last_error": "lease expired 3 times"}]})"),
               false);
  EXPECT_EQ(out.str(), "result: failed\nlease expired 3 times\n");
}

}  // namespace
}  // namespace kjudge::cli
