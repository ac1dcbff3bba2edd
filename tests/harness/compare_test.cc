#include "kjudge/harness/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace kjudge::harness {
namespace {

TEST(CompareTest, WithinToleranceMatches) {
  std::vector<float> e = {1.0f, 100.0f, -3.0f}, g = {1.0005f, 100.05f, -3.0f};
  auto c = CompareBuffers(DType::kF32, e.data(), g.data(), e.size(), {1e-3, 1e-3});
  EXPECT_TRUE(c.ok()) << c.Summary("out");
}

TEST(CompareTest, ReportsFirstMismatchesWithIndices) {
  std::vector<float> e(100, 1.0f), g(100, 1.0f);
  g[17] = 2.5f;
  g[90] = -1.0f;
  auto c = CompareBuffers(DType::kF32, e.data(), g.data(), e.size(), {1e-3, 1e-3});
  EXPECT_EQ(c.mismatches, 2u);
  ASSERT_EQ(c.first.size(), 2u);
  EXPECT_EQ(c.first[0].index, 17u);
  EXPECT_EQ(c.first[0].got, 2.5);
  const std::string s = c.Summary("c");
  EXPECT_NE(s.find("2 of 100"), std::string::npos) << s;
  EXPECT_NE(s.find("[17] expected 1 got 2.5"), std::string::npos) << s;
}

TEST(CompareTest, NaNNeverMatchesAndInfMustMatchExactly) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  std::vector<float> e = {nan, inf, 1.0f}, g = {nan, 1e30f, inf};
  auto c = CompareBuffers(DType::kF32, e.data(), g.data(), e.size(), {1.0, 1.0});
  EXPECT_EQ(c.mismatches, 3u);
}

TEST(CompareTest, IntegersAreExact) {
  std::vector<int> e = {1, 2, 3}, g = {1, 2, 4};
  auto c = CompareBuffers(DType::kI32, e.data(), g.data(), e.size(), {0.5, 10});
  EXPECT_EQ(c.mismatches, 1u);
}

TEST(CompareTest, HalfPrecisionBuffers) {
  std::vector<std::uint16_t> e = {0x3c00, 0x4000}, g = {0x3c01, 0x4000};  // 1.0 vs 1.000977
  EXPECT_TRUE(CompareBuffers(DType::kF16, e.data(), g.data(), 2, {1e-2, 1e-3}).ok());
  EXPECT_FALSE(CompareBuffers(DType::kF16, e.data(), g.data(), 2, {1e-5, 1e-5}).ok());
}

}  // namespace
}  // namespace kjudge::harness
