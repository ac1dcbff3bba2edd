#include "kjudge/runner/toolchain.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace kjudge::runner {
namespace {

bool Has(const std::vector<std::string>& argv, const std::string& flag) {
  return std::find(argv.begin(), argv.end(), flag) != argv.end();
}

TEST(ToolchainTest, LanguageFromFileName) {
  EXPECT_EQ(*LanguageOfFile("kernel.cu"), Language::kCuda);
  EXPECT_EQ(*LanguageOfFile("k.hip"), Language::kHip);
  EXPECT_EQ(*LanguageOfFile("sol.cpp"), Language::kCpp);
  EXPECT_FALSE(LanguageOfFile("sol.py").ok());
  EXPECT_FALSE(LanguageOfFile("noext").ok());
}

TEST(ToolchainTest, HostCompileAndLinkCommands) {
  auto t = Toolchain::Create(Language::kCpp, "host");
  ASSERT_TRUE(t.ok()) << t.error().message;
  auto cc = t->CompileCommand("a.cpp", "a.o", {"/inc"});
  EXPECT_TRUE(Has(cc, "-O3"));
  EXPECT_TRUE(Has(cc, "-I/inc"));
  EXPECT_TRUE(Has(cc, "-c"));
  EXPECT_EQ(t->identity().size(), 64u);
}

TEST(ToolchainTest, TargetsMustFitTheLanguage) {
  EXPECT_FALSE(Toolchain::Create(Language::kCpp, "sm_90a").ok());
  EXPECT_FALSE(Toolchain::Create(Language::kCuda, "gfx942").ok());
  EXPECT_FALSE(Toolchain::Create(Language::kHip, "sm_90a").ok());
}

TEST(ToolchainTest, MissingCompilerIsAClearError) {
  CompilerPaths paths;
  paths.cxx = "/nonexistent/g++";
  auto t = Toolchain::Create(Language::kCpp, "host", paths);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("/nonexistent/g++"), std::string::npos);
}

TEST(ToolchainTest, CudaCommandsCarryTheArchitecture) {
  auto t = Toolchain::Create(Language::kCuda, "sm_90a");
  if (!t.ok()) GTEST_SKIP() << "CUDA not installed: " << t.error().message;
  auto cc = t->CompileCommand("k.cu", "k.o", {});
  EXPECT_TRUE(Has(cc, "-gencode=arch=compute_90a,code=sm_90a"));
  auto link = t->SharedLinkCommand({"k.o"}, "submission.so");
  EXPECT_TRUE(Has(link, "-lcublas"));
  EXPECT_TRUE(Has(link, "-shared"));
  EXPECT_TRUE(Has(link, "-gencode=arch=compute_90a,code=sm_90a"));
}

}  // namespace
}  // namespace kjudge::runner
