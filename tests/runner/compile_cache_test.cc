#include "kjudge/runner/compile_cache.h"
#include "kjudge/runner/library_symbols.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "judge_fixture.h"

namespace kjudge::runner {
namespace {

namespace fs = std::filesystem;

using kjudge::testing::RunDirect;

class CompileCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("kjudge-cc-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    problem_ = kjudge::testing::ScaleProblem();
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Solution(const std::string& name) {
    std::ifstream in(problem_.dir / "solutions" / (name + ".cpp"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path root_;
  ProblemFiles problem_;
};

TEST_F(CompileCacheTest, HarnessIsCompiledOnceAndSubmissionsLinkAgainstIt) {
  CompileCache cache(root_, RunDirect);
  auto tool = Toolchain::Create(Language::kCpp, "host").value();
  auto a = cache.BuildJudged(problem_, tool, Solution("correct"), root_ / "job1");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(fs::exists(a->binary));
  auto b = cache.BuildJudged(problem_, tool, Solution("wrong"), root_ / "job2");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(cache.harness_builds(), 2u);  // the harness executable and the glue, once each
  // A new cache object over the same directory reuses what is on disk.
  CompileCache again(root_, RunDirect);
  ASSERT_TRUE(again.BuildJudged(problem_, tool, Solution("correct"), root_ / "job3").ok());
  EXPECT_EQ(again.harness_builds(), 0u);
  auto lib = cache.ReferenceLibrary(problem_);
  ASSERT_TRUE(lib.ok()) << lib.error().message;
  EXPECT_TRUE(fs::exists(*lib));
}

TEST_F(CompileCacheTest, CompileErrorReturnsTheCompilerLog) {
  CompileCache cache(root_, RunDirect);
  auto tool = Toolchain::Create(Language::kCpp, "host").value();
  auto r = cache.BuildJudged(problem_, tool, "#include <cstdint>\nvoid scale(const float* x, float* y, std::int64_t n) {\n  y[0] = undefined_name;\n}\n",
                             root_ / "job");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("undefined_name"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("submission.cpp:3"), std::string::npos) << r.error().message;
}

TEST_F(CompileCacheTest, MissingEntryPointIsALinkError) {
  CompileCache cache(root_, RunDirect);
  auto tool = Toolchain::Create(Language::kCpp, "host").value();
  auto r = cache.BuildJudged(problem_, tool, "int unrelated() { return 1; }\n", root_ / "job");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("link failed"), std::string::npos) << r.error().message;
}

TEST_F(CompileCacheTest, ExportingACLibraryOrRuntimeNameIsRefused) {
  // Interposition: a submission that defines the clock (or the CUDA runtime's timer) for the
  // whole process. Its library is refused at build time, naming the symbol.
  CompileCache cache(root_, RunDirect);
  auto tool = Toolchain::Create(Language::kCpp, "host").value();
  const std::string source = Solution("correct") +
                             "\n#include <time.h>\nextern \"C\" __attribute__((visibility(\"default\"))) int "
                             "clock_gettime(clockid_t, struct timespec* t) { t->tv_sec = 0; t->tv_nsec = 0; return 0; }\n";
  auto r = cache.BuildJudged(problem_, tool, source, root_ / "job");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("clock_gettime"), std::string::npos) << r.error().message;
  // The same helper with internal linkage is fine.
  auto ok = cache.BuildJudged(problem_, tool, Solution("correct") + "\nstatic int clock_helper() { return 0; }\n", root_ / "job2");
  EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error().message);
}

TEST(LibrarySymbolsTest, ANonElfFileIsRefused) {
  const auto path = std::filesystem::temp_directory_path() / ("kjudge-not-elf-" + std::to_string(getpid()));
  std::ofstream(path) << "#!/bin/sh\necho not a library\n";
  auto r = ExportedSymbols(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no ELF header"), std::string::npos) << r.error().message;
  std::filesystem::remove(path);
}

TEST(LibrarySymbolsTest, OnlyTheEntryPointAndCxxNamesMayBeExported) {
  EXPECT_TRUE(CheckSubmissionExports({"kj_call", "_ZNSt6vectorIiSaIiEE9push_backERKi", "_init", "_fini"}).ok());
  for (const char* name : {"cudaEventElapsedTime", "send", "cuptiActivityFlushAll", "_ZN6kjudge7harness4wire4SendEv"}) {
    auto st = CheckSubmissionExports({"kj_call", name});
    EXPECT_FALSE(st.ok()) << name;
  }
}

TEST_F(CompileCacheTest, LanguageWithoutGlueIsRefused) {
  CompileCache cache(root_, RunDirect);
  auto tool = Toolchain::Create(Language::kCuda, "sm_90a");
  if (!tool.ok()) GTEST_SKIP() << "CUDA not installed";
  auto r = cache.BuildJudged(problem_, *tool, "", root_ / "job");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("does not accept cuda"), std::string::npos);
}

TEST(TrimLogTest, CutsLongLogsWithANote) {
  EXPECT_EQ(TrimLog("short", 10), "short");
  auto t = TrimLog(std::string(100, 'x'), 10);
  EXPECT_EQ(t.substr(0, 10), std::string(10, 'x'));
  EXPECT_NE(t.find("90 more bytes"), std::string::npos);
}

}  // namespace
}  // namespace kjudge::runner
