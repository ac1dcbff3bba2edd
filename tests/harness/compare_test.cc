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

namespace kjudge::harness {
namespace {

// Large outputs are compared in parallel parts; what is reported must not depend on that.
TEST(CompareLargeTest, MismatchesAcrossPartsAreCountedAndTheFirstAreInIndexOrder) {
  const std::size_t n = (std::size_t{1} << 22) + 7;  // several parts, and a ragged last one
  std::vector<std::uint16_t> expected(n, 0x3c00), got(n, 0x3c00);  // fp16 1.0
  const std::size_t wrong[] = {n - 1, 3, 2'000'000, 1'048'577, 4'000'000, 17, 3'500'000};
  for (std::size_t i : wrong) got[i] = 0x4000;  // 2.0
  const Comparison c = CompareBuffers(DType::kF16, expected.data(), got.data(), n, {1e-3, 1e-3}, 5);
  EXPECT_EQ(c.count, n);
  EXPECT_EQ(c.mismatches, std::size(wrong));
  ASSERT_EQ(c.first.size(), 5u);
  const std::size_t in_order[] = {3, 17, 1'048'577, 2'000'000, 3'500'000};
  for (std::size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(c.first[k].index, in_order[k]);
    EXPECT_EQ(c.first[k].expected, 1.0);
    EXPECT_EQ(c.first[k].got, 2.0);
  }
  EXPECT_DOUBLE_EQ(c.max_abs_error, 1.0);
}

TEST(CompareLargeTest, EveryHalfValueConvertsLikeTheScalarDecoder) {
  // The lookup table must agree with HalfToDouble for all 65536 patterns (NaNs never match).
  std::vector<std::uint16_t> all(65536);
  for (std::uint32_t i = 0; i < 65536; ++i) all[i] = static_cast<std::uint16_t>(i);
  const Comparison c = CompareBuffers(DType::kF16, all.data(), all.data(), all.size(), {0, 0}, 0);
  std::size_t nans = 0;
  for (std::uint32_t i = 0; i < 65536; ++i) nans += std::isnan(HalfToDouble(static_cast<std::uint16_t>(i))) ? 1 : 0;
  EXPECT_EQ(nans, 2u * 1023u);
  EXPECT_EQ(c.mismatches, nans) << "only NaN patterns may differ from themselves";
}

}  // namespace
}  // namespace kjudge::harness
