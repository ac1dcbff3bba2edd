#include "kjudge/harness/gpu_clock.h"

#include <gtest/gtest.h>

namespace kjudge::harness {
namespace {

TEST(GpuClockTest, ReasonNamesFollowNvmlBits) {
  EXPECT_TRUE(ClockReasonNames(0).empty());
  EXPECT_EQ(ClockReasonNames(0x1), std::vector<std::string>{"gpu_idle"});
  EXPECT_EQ(ClockReasonNames(0x4 | 0x40), (std::vector<std::string>{"sw_power_cap", "hw_thermal_slowdown"}));
  EXPECT_EQ(ClockReasonNames(0x400), std::vector<std::string>{"0x400"});
}

TEST(GpuClockTest, ThrottleMaskLeavesOutIdleAndSettings) {
  EXPECT_EQ(kThrottleReasonMask & 0x1, 0u);    // idle
  EXPECT_EQ(kThrottleReasonMask & 0x2, 0u);    // application clocks
  EXPECT_EQ(kThrottleReasonMask & 0x10, 0u);   // sync boost
  EXPECT_EQ(kThrottleReasonMask & 0x100, 0u);  // display clock
  EXPECT_NE(kThrottleReasonMask & 0x4, 0u);    // software power cap
  EXPECT_NE(kThrottleReasonMask & 0x80, 0u);   // power brake
}

// Where the NVIDIA driver is installed the probe reads a clock; elsewhere (CI) it says why not,
// as an error the supervisor can pass over.
TEST(GpuClockTest, NvmlProbeOpensOrSaysWhyNot) {
  auto probe = OpenNvmlClockProbe(0);
  if (!probe.ok()) {
    EXPECT_TRUE(probe.error().code == ErrorCode::kNotFound || probe.error().code == ErrorCode::kUnavailable)
        << probe.error().message;
    GTEST_SKIP() << "no NVML GPU 0 here: " << probe.error().message;
  }
  auto reading = (*probe)->Read();
  ASSERT_TRUE(reading.ok()) << reading.error().message;
  EXPECT_GT(reading->sm_mhz, 0);
  EXPECT_GE((*probe)->max_sm_mhz(), 0);
}

TEST(GpuClockTest, UnknownMinorNumberIsNotFound) {
  auto probe = OpenNvmlClockProbe(4000);
  ASSERT_FALSE(probe.ok());
  EXPECT_TRUE(probe.error().code == ErrorCode::kNotFound || probe.error().code == ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace kjudge::harness
