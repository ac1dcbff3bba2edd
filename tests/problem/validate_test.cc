#include "kjudge/problem/validate.h"

#include <gtest/gtest.h>

#include "problem/problem_dir_fixture.h"

namespace kjudge::problem {
namespace {

namespace fs = std::filesystem;

std::string All(const ValidationReport& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += d + "\n";
  return s;
}

TEST(ValidateRealTreeTest, ProblemsDirectoryHasNoDiagnostics) {
  const auto report = ValidateTree({fs::path(KJUDGE_SOURCE_DIR) / "problems"});
  EXPECT_TRUE(report.ok()) << All(report);
  EXPECT_GE(report.problems_checked, 2u);
}

class ValidateTest : public testing::ProblemDirTest {};

TEST_F(ValidateTest, CountsProblemsAndAcceptsEveryKindOfPath) {
  WriteMiniProblem("a", "alpha");
  WriteMiniProblem("b", "beta");
  Write("b/solutions/correct/ok.cpp", "// expect: passed — fine\n");
  auto r = ValidateTree({root_ / "a", root_ / "b/problem.yaml", root_});  // a and b named twice: checked once
  EXPECT_TRUE(r.ok()) << All(r);
  EXPECT_EQ(r.problems_checked, 2u);
}

TEST_F(ValidateTest, MissingPathsAndEmptyTrees) {
  fs::create_directories(root_ / "empty");
  Write("notes.txt", "x");
  auto r = ValidateTree({root_ / "nope", root_ / "empty", root_ / "notes.txt"});
  EXPECT_EQ(r.problems_checked, 0u);
  ASSERT_EQ(r.diagnostics.size(), 3u) << All(r);
  EXPECT_EQ(r.diagnostics[0], (root_ / "nope").string() + ": no such file or directory");
  EXPECT_EQ(r.diagnostics[1], (root_ / "empty").string() + ": no problem.yaml found here");
  EXPECT_NE(r.diagnostics[2].find("not a problem"), std::string::npos);
}

TEST_F(ValidateTest, SpecErrorsComeWithFileLineAndColumn) {
  WriteMiniProblem("a");
  Write("a/problem.yaml", testing::Replace(testing::kMiniSpec, "[cpu, H100]", "[cpu, H1000]"));
  auto r = ValidateTree({root_});
  ASSERT_EQ(r.diagnostics.size(), 1u) << All(r);
  EXPECT_EQ(r.diagnostics[0].rfind((root_ / "a/problem.yaml").string() + ":6:13: gpus[1]: unknown GPU 'H1000'", 0), 0u)
      << r.diagnostics[0];
  EXPECT_EQ(r.problems_checked, 1u);
}

TEST_F(ValidateTest, DuplicateNamesAcrossPaths) {
  WriteMiniProblem("x/a", "same");
  WriteMiniProblem("y/b", "same");
  auto r = ValidateTree({root_ / "x", root_ / "y"});
  ASSERT_EQ(r.diagnostics.size(), 1u) << All(r);
  EXPECT_NE(r.diagnostics[0].find("duplicate problem name 'same'"), std::string::npos);
}

TEST_F(ValidateTest, SampleSolutionsMustDeclareTheirVerdict) {
  WriteMiniProblem("a");
  Write("a/solutions/correct/no_header.cpp", "#include <cstdint>\n");
  Write("a/solutions/correct/fails.cpp", "// expect: wrong_answer — misplaced\n");
  Write("a/solutions/wrong/passes.cpp", "// expect: passed — misplaced too\n");
  Write("a/solutions/cheat/ok.cu", "// expect: wrong_answer, test: passed — skips big sizes\n");
  Write("a/solutions/cheat/lang.hip", "// expect: wrong_answer — hip is not a language of this problem\n");
  Write("a/solutions/elsewhere/x.cpp", "// expect: passed — not in a category\n");
  Write("a/solutions/correct/README.md", "not a solution\n");
  auto r = ValidateTree({root_ / "a"});
  const std::string all = All(r);
  EXPECT_EQ(r.diagnostics.size(), 5u) << all;
  EXPECT_NE(all.find("no_header.cpp:1:1: expected a first line like"), std::string::npos) << all;
  EXPECT_NE(all.find("fails.cpp:1:1: a solution under solutions/correct must be expected to pass"), std::string::npos);
  EXPECT_NE(all.find("passes.cpp:1:1: a solution under solutions/wrong must be expected to fail"), std::string::npos);
  EXPECT_NE(all.find("lang.hip: a hip solution, but hip is not in the problem's languages"), std::string::npos);
  EXPECT_NE(all.find("x.cpp: solutions go under"), std::string::npos);
}

}  // namespace
}  // namespace kjudge::problem
