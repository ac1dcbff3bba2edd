// The CUDA and HIP paths compile here even though nothing runs: for every problem, the harness,
// the backend and the problem's glue are built with nvcc (sm_90a) and hipcc (gfx942, or gfx90a
// where the installed hipcc predates gfx942) and linked with one correct sample solution (the
// naive one where there is one): that is what CI can check of the harness and every problem's
// glue without a GPU, at ~20 s a build. Every sample solution is built, run and checked on a GPU
// by scripts/gpu-check.sh (docs/gpu-check.md). Skipped, with the reason, where a compiler is
// missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "judge_fixture.h"
#include "kjudge/problem/bundle.h"

namespace kjudge::runner {
namespace {

namespace fs = std::filesystem;

Result<Toolchain> HipToolchain() {
  // hipcc 5.2 (Debian 12) knows gfx90a but not gfx942.
  auto probe = kjudge::testing::RunProcess({"/usr/bin/hipcc", "--offload-arch=gfx942", "-x", "hip", "-c", "/dev/null", "-o", "/dev/null"});
  return Toolchain::Create(Language::kHip, probe.exit_code == 0 ? "gfx942" : "gfx90a");
}

void BuildAll(Language language, const Result<Toolchain>& toolchain) {
  if (!toolchain.ok()) GTEST_SKIP() << toolchain.error().message;
  const std::string ext(SourceExtension(language));
  const fs::path root = fs::path(KJUDGE_SOURCE_DIR) / "problems";
  const fs::path cache_dir = fs::temp_directory_path() / ("kjudge-gpu-compile-" + std::to_string(getpid()) + ext.substr(1));
  CompileCache cache(cache_dir, kjudge::testing::RunDirect);
  int built = 0;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!fs::exists(dir.path() / "problem.yaml")) continue;
    auto bundle = problem::LoadProblemBundle(dir.path());
    ASSERT_TRUE(bundle.ok()) << dir.path() << ": " << bundle.error().message;
    if (!bundle->spec.HasLanguage(language)) continue;
    ProblemFiles files;
    files.content_hash = bundle->content_hash;
    files.dir = dir.path();
    files.reference = bundle->spec.files.reference.path;
    for (const auto& [lang, ref] : bundle->spec.files.glue) files.glue[std::string(problem::LanguageName(lang))] = ref.path;
    const fs::path correct = dir.path() / "solutions" / "correct";
    if (!fs::is_directory(correct)) continue;
    fs::path chosen;
    for (const auto& solution : fs::directory_iterator(correct)) {
      if (solution.path().extension() != ext) continue;
      const bool naive = solution.path().stem() == "naive";
      if (chosen.empty() || naive || (chosen.stem() != "naive" && solution.path() < chosen)) chosen = solution.path();
    }
    if (chosen.empty()) continue;
    std::ifstream in(chosen);
    std::string source((std::istreambuf_iterator<char>(in)), {});
    auto judged = cache.BuildJudged(files, *toolchain, source, cache_dir / "job" / dir.path().filename());
    EXPECT_TRUE(judged.ok()) << chosen << ":\n" << (judged.ok() ? "" : judged.error().message);
    ++built;
  }
  EXPECT_GT(built, 0) << "no correct " << ext << " solution found under problems/";
  fs::remove_all(cache_dir);
}

TEST(GpuCompileTest, EveryCorrectCudaSolutionBuildsForSm90a) {
  BuildAll(Language::kCuda, Toolchain::Create(Language::kCuda, "sm_90a"));
}

TEST(GpuCompileTest, EveryCorrectHipSolutionBuilds) { BuildAll(Language::kHip, HipToolchain()); }

}  // namespace
}  // namespace kjudge::runner
