#include "kjudge/problem/sol_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "problem/spec_fixture.h"

namespace kjudge::problem {
namespace {

TEST(SolModelTest, MemoryBoundVectorAddOnH100) {
  // 16M fp16 elements: read A and B, write C = 3 * 2 bytes each, over 3.35 TB/s.
  auto sol = SpeedOfLight(*FindGpu("H100"), 16777216.0, 3.0 * 16777216 * 2, ComputeType::kFp16);
  ASSERT_TRUE(sol.ok()) << sol.error().message;
  EXPECT_NEAR(sol->seconds, 100663296.0 / 3.35e12, 1e-15);
  EXPECT_NEAR(sol->seconds * 1e6, 30.05, 0.01);  // microseconds
  EXPECT_TRUE(sol->memory_bound());
  EXPECT_NEAR(sol->compute_seconds, 16777216.0 / 989.4e12, 1e-18);
}

TEST(SolModelTest, ComputeBoundGemm) {
  // 4096^3 fp16 GEMM: 2*m*n*k flops against 989.4 TFLOP/s, far above its 3 * 4096^2 * 2 bytes.
  const double n = 4096;
  auto sol = SpeedOfLight(*FindGpu("H100_SXM"), 2 * n * n * n, 3 * n * n * 2, ComputeType::kFp16);
  ASSERT_TRUE(sol.ok());
  EXPECT_FALSE(sol->memory_bound());
  EXPECT_NEAR(sol->seconds * 1e6, 138.9, 0.1);
  // The same GEMM on an MI300X (1307.4 TFLOP/s fp16) has a lower floor.
  auto amd = SpeedOfLight(*FindGpu("MI300X"), 2 * n * n * n, 3 * n * n * 2, ComputeType::kFp16);
  ASSERT_TRUE(amd.ok());
  EXPECT_LT(amd->seconds, sol->seconds);
}

TEST(SolModelTest, MissingDataTypeIsAnErrorOnlyWithFlops) {
  auto fp8 = SpeedOfLight(*FindGpu("A100"), 1e9, 1e6, ComputeType::kFp8);
  ASSERT_FALSE(fp8.ok());
  EXPECT_NE(fp8.error().message.find("A100_SXM has no fp8 rate"), std::string::npos);
  auto copy = SpeedOfLight(*FindGpu("A100"), 0, 1e6, ComputeType::kFp8);
  ASSERT_TRUE(copy.ok());
  EXPECT_DOUBLE_EQ(copy->seconds, 1e6 / 2.039e12);
}

TEST(SolModelTest, RejectsImpossibleCounts) {
  EXPECT_FALSE(SpeedOfLight(*FindGpu("H100"), -1, 10, ComputeType::kFp32).ok());
  EXPECT_FALSE(SpeedOfLight(*FindGpu("H100"), 1, NAN, ComputeType::kFp32).ok());
  EXPECT_FALSE(SpeedOfLight(*FindGpu("H100"), INFINITY, 1, ComputeType::kFp32).ok());
}

TEST(SolModelTest, EveryBenchmarkOfASpecOnEveryGpu) {
  auto spec = ParseProblemSpec(testing::kMiniSpec, "p.yaml");
  ASSERT_TRUE(spec.ok());
  for (const std::string& gpu : spec->gpus) {
    auto sols = BenchmarkSpeedOfLight(*spec, gpu);
    ASSERT_TRUE(sols.ok()) << gpu;
    ASSERT_EQ(sols->size(), spec->benchmarks.size());
    auto one = CaseSpeedOfLight(*FindGpu(gpu), spec->benchmarks[0]);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ((*sols)[0].seconds, one->seconds);
    EXPECT_GT(one->seconds, 0);
  }
  // The host's nominal figures are deliberately generous: its floor is below even the H100's.
  EXPECT_LT((*BenchmarkSpeedOfLight(*spec, "cpu"))[0].seconds, (*BenchmarkSpeedOfLight(*spec, "H100"))[0].seconds);
  EXPECT_FALSE(BenchmarkSpeedOfLight(*spec, "V100").ok());
}

}  // namespace
}  // namespace kjudge::problem
