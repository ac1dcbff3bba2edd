#include "kjudge/problem/file_directives.h"

#include <gtest/gtest.h>

namespace kjudge::problem {
namespace {

FileDirectives Parse(std::string_view source) {
  auto d = ParseFileDirectives(source, "sol.cu");
  EXPECT_TRUE(d.ok()) << d.error().message;
  return d.ok() ? *d : FileDirectives{};
}

std::string ErrorOf(std::string_view source) {
  auto d = ParseFileDirectives(source, "sol.cu");
  return d.ok() ? "" : d.error().message;
}

TEST(FileDirectivesTest, PopcornLinesInEitherCommentStyle) {
  auto d = Parse("//!POPCORN leaderboard vectoradd\n//!POPCORN gpu H100\n#include <cuda.h>\n");
  EXPECT_EQ(d.problem.value, "vectoradd");
  EXPECT_EQ(d.problem.line, 1);
  EXPECT_EQ(d.gpu(), "H100");
  EXPECT_EQ(d.gpus_line, 2);
  EXPECT_FALSE(d.mode.given());

  auto py = Parse("import torch\n#!POPCORN leaderboard softmax\n#!POPCORN gpus A100\n");
  EXPECT_EQ(py.problem.value, "softmax");
  EXPECT_EQ(py.gpu(), "A100");
}

TEST(FileDirectivesTest, SeveralGpusKeepAllButTheFirstIsUsed) {
  auto d = Parse("//!POPCORN gpus H100 A100 L4\r\n");
  ASSERT_EQ(d.gpus.size(), 3u);
  EXPECT_EQ(d.gpu(), "H100");
  EXPECT_EQ(d.gpus.back(), "L4") << "a CRLF file does not leak '\\r' into the last value";
}

TEST(FileDirectivesTest, KjudgeLinesSetProblemGpuAndMode) {
  auto d = Parse("//!KJUDGE problem vectoradd\n#!KJUDGE GPU cpu\n//!KJUDGE mode benchmark\n");
  EXPECT_EQ(d.problem.value, "vectoradd");
  EXPECT_EQ(d.gpu(), "cpu");
  EXPECT_EQ(d.mode.value, "benchmark");
  EXPECT_EQ(d.mode.line, 3);
}

TEST(FileDirectivesTest, KjudgeBeatsPopcornAndTheLastLineWinsWithinAFamily) {
  auto d = Parse(
      "//!KJUDGE problem local_name\n"
      "//!POPCORN leaderboard gpumode_name\n"
      "//!POPCORN gpu H100\n"
      "//!POPCORN gpu B200\n");
  EXPECT_EQ(d.problem.value, "local_name") << "ours wins even when written first";
  EXPECT_EQ(d.problem.line, 1);
  EXPECT_EQ(d.gpu(), "B200") << "as popcorn-cli: the last gpu line counts";
  auto k = Parse("//!KJUDGE gpu cpu\n//!POPCORN gpu H100\n");
  EXPECT_EQ(k.gpu(), "cpu");
}

TEST(FileDirectivesTest, OrdinaryLinesAndLookalikesAreIgnored) {
  auto d = Parse(
      "// POPCORN leaderboard no\n"
      "#include <cstdint>\n"
      "int x = 1; //!KJUDGE problem not_first_word\n"
      "//!POPCORNS leaderboard no\n"
      "//!popcorn leaderboard no\n"
      "  //!POPCORN leaderboard indented\n"
      "\t#!KJUDGE problem indented\n");
  EXPECT_FALSE(d.problem.given());
  EXPECT_TRUE(d.gpus.empty());
  EXPECT_TRUE(Parse("").gpus.empty());
}

TEST(FileDirectivesTest, PopcornIsLenientAboutWhatItDoesNotUse) {
  auto d = Parse("//!POPCORN leaderboard\n//!POPCORN timeout 30\n//!POPCORN\n//!POPCORN gpu H100\n");
  EXPECT_FALSE(d.problem.given()) << "a popcorn line without a value is skipped, as popcorn-cli does";
  EXPECT_EQ(d.gpu(), "H100");
}

TEST(FileDirectivesTest, PopcornLinesReadAsPopcornCliReadsThem) {
  auto d = Parse("//!POPCORN leaderboard grayscale extra words\n//!POPCORN gpu H100\n//!POPCORN gpu\n");
  EXPECT_EQ(d.problem.value, "grayscale") << "the first value counts, the rest is ignored";
  EXPECT_TRUE(d.gpus.empty()) << "a bare gpu line clears the list, as in popcorn-cli";
  EXPECT_EQ(d.gpus_line, 0);
}

TEST(FileDirectivesTest, HashDirectivesBecomeCommentsAndKeepTheirMeaning) {
  const std::string source =
      "#!POPCORN leaderboard vectoradd\r\n"
      "#!KJUDGE mode benchmark\r\n"
      "#include <cuda.h>\r\n"
      "  #!POPCORN gpu not_a_directive\n"
      "//!POPCORN gpu H100\n"
      "#!POPCORN";
  const std::string out = NeutralizeHashDirectives(source);
  EXPECT_EQ(out,
            "//!POPCORN leaderboard vectoradd\r\n"
            "//!KJUDGE mode benchmark\r\n"
            "#include <cuda.h>\r\n"
            "  #!POPCORN gpu not_a_directive\n"
            "//!POPCORN gpu H100\n"
            "//!POPCORN");
  auto before = Parse(source);
  auto after = Parse(out);
  EXPECT_EQ(after.problem.value, before.problem.value);
  EXPECT_EQ(after.mode.value, "benchmark");
  EXPECT_EQ(after.gpu(), before.gpu());
  EXPECT_EQ(NeutralizeHashDirectives("int main() {}\n"), "int main() {}\n");
}

TEST(FileDirectivesTest, KjudgeMistakesNameTheLine) {
  EXPECT_EQ(ErrorOf("x\n//!KJUDGE problme vectoradd\n"), "sol.cu:2: unknown key 'problme' in '//!KJUDGE' (problem, gpu or mode)");
  EXPECT_EQ(ErrorOf("//!KJUDGE mode fast\n"), "sol.cu:1: unknown mode 'fast' (test, benchmark, leaderboard or profile)");
  EXPECT_EQ(ErrorOf("\n\n#!KJUDGE gpu\n"), "sol.cu:3: '#!KJUDGE gpu' needs a value");
  EXPECT_EQ(ErrorOf("//!KJUDGE\n"), "sol.cu:1: '//!KJUDGE' needs a key and a value (problem, gpu or mode)");
  EXPECT_EQ(ErrorOf("//!KJUDGE problem a b\n"), "sol.cu:1: '//!KJUDGE problem' takes one value, got 2");
}

}  // namespace
}  // namespace kjudge::problem
