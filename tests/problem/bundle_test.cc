#include "kjudge/problem/bundle.h"

#include <gtest/gtest.h>

#include "problem/problem_dir_fixture.h"

namespace kjudge::problem {
namespace {

namespace fs = std::filesystem;
using testing::HasDiagnostic;
using testing::kMiniSpec;
using testing::Pos;
using testing::Replace;

class BundleTest : public testing::ProblemDirTest {
 protected:
  std::string Hash(const std::string& dir) {
    auto b = LoadProblemBundle(root_ / dir);
    EXPECT_TRUE(b.ok()) << (b.ok() ? "" : b.error().message);
    return b.ok() ? b->content_hash : "";
  }
};

TEST_F(BundleTest, LoadsSpecAndEveryJudgingFile) {
  WriteMiniProblem("mini");
  Write("mini/solutions/correct/x.cpp", "// expect: passed — x\n");
  auto b = LoadProblemBundle(root_ / "mini");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->spec.name, "mini");
  EXPECT_EQ(b->dir, root_ / "mini");
  std::vector<std::string> paths;
  for (const auto& [p, c] : b->files) paths.push_back(p);
  EXPECT_EQ(paths, (std::vector<std::string>{"glue.cpp", "glue.cu", "problem.yaml", "reference.cpp", "template.cpp",
                                             "template.cu"}));
  EXPECT_EQ(b->files.at("glue.cu"), "// glue.cu\n");
  EXPECT_EQ(b->content_hash.size(), 64u);
  EXPECT_EQ(b->content_hash, BundleContentHash(b->files));
}

TEST_F(BundleTest, HashChangesWithJudgingFilesOnly) {
  WriteMiniProblem("mini");
  const std::string h0 = Hash("mini");
  EXPECT_EQ(Hash("mini"), h0);  // stable
  Write("mini/solutions/correct/x.cpp", "// expect: passed — x\n");
  Write("mini/README.md", "notes");
  EXPECT_EQ(Hash("mini"), h0);  // not judging files
  Write("mini/glue.cu", "// glue.cu changed\n");
  const std::string h1 = Hash("mini");
  EXPECT_NE(h1, h0);
  Write("mini/problem.yaml", Replace(kMiniSpec, "Adds things.", "Adds things, carefully."));
  const std::string h2 = Hash("mini");
  EXPECT_NE(h2, h1);
  Write("mini/reference.cpp", "// reference.cpp\n// more\n");
  EXPECT_NE(Hash("mini"), h2);
}

TEST_F(BundleTest, HashFramingIsUnambiguous) {
  EXPECT_NE(BundleContentHash({{"a", "bc"}}), BundleContentHash({{"ab", "c"}}));
  EXPECT_NE(BundleContentHash({{"a", "b"}, {"c", "d"}}), BundleContentHash({{"a", "b1:c\n1:d"}}));
  EXPECT_NE(BundleContentHash({}), BundleContentHash({{"", ""}}));
  EXPECT_EQ(BundleContentHash({{"x", "1"}, {"y", "2"}}), BundleContentHash({{"y", "2"}, {"x", "1"}}));
}

TEST_F(BundleTest, MissingFileIsReportedWhereTheSpecNamesIt) {
  WriteMiniProblem("mini");
  fs::remove(root_ / "mini/glue.cu");
  std::vector<Diagnostic> d;
  auto b = LoadProblemBundle(root_ / "mini", &d);
  ASSERT_FALSE(b.ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].file, (root_ / "mini/problem.yaml").string());
  EXPECT_EQ(d[0].at, Pos(kMiniSpec, "glue.cu"));
  EXPECT_NE(d[0].message.find("'glue.cu' does not exist"), std::string::npos);
  EXPECT_NE(b.error().message.find(":9:"), std::string::npos) << b.error().message;
}

TEST_F(BundleTest, SymlinksMustStayInside) {
  WriteMiniProblem("mini");
  Write("outside.cpp", "// secret\n");
  fs::remove(root_ / "mini/glue.cu");
  fs::create_symlink(root_ / "outside.cpp", root_ / "mini/glue.cu");
  std::vector<Diagnostic> d;
  ASSERT_FALSE(LoadProblemBundle(root_ / "mini", &d).ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("resolves outside the problem directory"), std::string::npos) << d[0].ToString();
  // A symlink that stays inside is fine; the bundle holds the target's content.
  fs::remove(root_ / "mini/glue.cu");
  Write("mini/src/real_glue.cu", "// real\n");
  fs::create_symlink("src/real_glue.cu", root_ / "mini/glue.cu");
  auto b = LoadProblemBundle(root_ / "mini");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->files.at("glue.cu"), "// real\n");
  // A dangling one is reported as such.
  fs::remove(root_ / "mini/src/real_glue.cu");
  d.clear();
  ASSERT_FALSE(LoadProblemBundle(root_ / "mini", &d).ok());
  EXPECT_NE(d[0].message.find("dangling"), std::string::npos) << d[0].ToString();
}

TEST_F(BundleTest, TraversalInTheSpecIsRejectedBeforeTouchingFiles) {
  WriteMiniProblem("mini");
  Write("mini/problem.yaml", Replace(kMiniSpec, "reference: reference.cpp", "reference: ../../etc/passwd"));
  std::vector<Diagnostic> d;
  ASSERT_FALSE(LoadProblemBundle(root_ / "mini", &d).ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0].message.find("leaves the problem directory"), std::string::npos);
}

TEST_F(BundleTest, OversizedAndOddFiles) {
  WriteMiniProblem("mini");
  Write("mini/glue.cu", std::string(kMaxBundleFileBytes + 1, 'x'));
  fs::remove(root_ / "mini/template.cu");
  fs::create_directory(root_ / "mini/template.cu");
  std::vector<Diagnostic> d;
  ASSERT_FALSE(LoadProblemBundle(root_ / "mini", &d).ok());
  ASSERT_EQ(d.size(), 2u);
  EXPECT_TRUE(HasDiagnostic({{"p.yaml", d[0].at, d[0].message}}, Pos(kMiniSpec, "glue.cu"), "is larger than"));
  EXPECT_NE(d[1].message.find("is not a regular file"), std::string::npos);
  EXPECT_FALSE(LoadProblemBundle(root_ / "nowhere").ok());
}

TEST_F(BundleTest, BundleFromStoredFiles) {
  WriteMiniProblem("mini");
  auto b = LoadProblemBundle(root_ / "mini");
  ASSERT_TRUE(b.ok());
  auto again = BundleFromFiles(b->files, "store:mini@1");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->content_hash, b->content_hash);
  EXPECT_EQ(again->spec.name, "mini");
  auto missing = b->files;
  missing.erase("template.cpp");
  auto m = BundleFromFiles(missing, "store:mini@1");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("'template.cpp' is missing from the bundle"), std::string::npos);
  auto extra = b->files;
  extra["solutions/x.cpp"] = "";
  EXPECT_FALSE(BundleFromFiles(extra, "store:mini@1").ok());
  EXPECT_FALSE(BundleFromFiles({}, "store:mini@1").ok());
}

TEST_F(BundleTest, TreeFindsNestedProblemsAndSkipsTheRest) {
  WriteMiniProblem("a", "alpha");
  WriteMiniProblem("set/b", "beta");
  WriteMiniProblem("a/solutions/not_a_problem", "gamma");  // inside a problem: not searched
  WriteMiniProblem(".hidden/c", "delta");
  Write("docs/readme.md", "x");
  auto tree = LoadProblemTree(root_);
  ASSERT_TRUE(tree.ok()) << tree.error().message;
  ASSERT_EQ(tree->size(), 2u);
  EXPECT_EQ((*tree)[0].spec.name, "alpha");
  EXPECT_EQ((*tree)[1].spec.name, "beta");
  // A root that is itself a problem is one problem.
  auto single = LoadProblemTree(root_ / "set/b");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->size(), 1u);
}

TEST_F(BundleTest, DuplicateNamesInATreeAreErrors) {
  WriteMiniProblem("a", "same");
  WriteMiniProblem("b", "same");
  std::vector<Diagnostic> d;
  auto tree = LoadProblemTree(root_, &d);
  ASSERT_FALSE(tree.ok());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].file, (root_ / "b/problem.yaml").string());
  EXPECT_EQ(d[0].at, (SourceLocation{1, 7}));
  EXPECT_NE(d[0].message.find("duplicate problem name 'same' (also in " + (root_ / "a/problem.yaml").string()),
            std::string::npos);
}

TEST_F(BundleTest, TreeCollectsEveryProblemsErrors) {
  WriteMiniProblem("a", "alpha");
  WriteMiniProblem("b", "beta");
  Write("a/problem.yaml", Replace(kMiniSpec, "title:", "titel:"));
  fs::remove(root_ / "b/reference.cpp");
  std::vector<Diagnostic> d;
  EXPECT_FALSE(LoadProblemTree(root_, &d).ok());
  EXPECT_EQ(d.size(), 3u);  // unknown key, missing title, missing reference
}

TEST(BundleRealTreeTest, ProblemsDirectoryLoads) {
  std::vector<Diagnostic> d;
  auto tree = LoadProblemTree(fs::path(KJUDGE_SOURCE_DIR) / "problems", &d);
  ASSERT_TRUE(tree.ok()) << tree.error().message;
  ASSERT_GE(tree->size(), 1u);
  bool vectoradd = false;
  for (const auto& b : *tree) vectoradd = vectoradd || b.spec.name == "vectoradd";
  EXPECT_TRUE(vectoradd);
}

}  // namespace
}  // namespace kjudge::problem
