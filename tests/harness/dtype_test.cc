#include "kjudge/harness/dtype.h"

#include <gtest/gtest.h>

#include <cmath>

namespace kjudge::harness {
namespace {

TEST(DTypeTest, HalfConversionsAreExact) {
  EXPECT_EQ(HalfToDouble(0x3c00), 1.0);
  EXPECT_EQ(HalfToDouble(0xc000), -2.0);
  EXPECT_EQ(HalfToDouble(0x7bff), 65504.0);
  EXPECT_EQ(HalfToDouble(0x0001), std::ldexp(1.0, -24));  // smallest subnormal
  EXPECT_TRUE(std::isinf(HalfToDouble(0x7c00)));
  EXPECT_TRUE(std::isnan(HalfToDouble(0x7e00)));
}

TEST(DTypeTest, BFloat16AndFp8) {
  EXPECT_EQ(BFloat16ToDouble(0x3f80), 1.0);
  EXPECT_EQ(BFloat16ToDouble(0xc040), -3.0);
  EXPECT_EQ(Fp8E4M3ToDouble(0x38), 1.0);
  EXPECT_EQ(Fp8E4M3ToDouble(0x7e), 448.0);  // largest finite e4m3fn
  EXPECT_TRUE(std::isnan(Fp8E4M3ToDouble(0x7f)));
  EXPECT_EQ(Fp8E4M3ToDouble(0x01), std::ldexp(1.0, -9));
}

TEST(DTypeTest, NamesRoundTrip) {
  for (auto t : {DType::kF32, DType::kF16, DType::kBF16, DType::kFP8E4M3, DType::kI32, DType::kU8}) {
    EXPECT_EQ(ParseDType(DTypeName(t)), t);
  }
  EXPECT_FALSE(ParseDType("float128").has_value());
}

}  // namespace
}  // namespace kjudge::harness
