#include "kjudge/core/clock.h"

#include <gtest/gtest.h>

namespace kjudge {
namespace {

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock c(1000);
  EXPECT_EQ(c.NowMs(), 1000);
  c.AdvanceMs(250);
  EXPECT_EQ(c.NowMs(), 1250);
}

TEST(ClockTest, Iso8601) {
  EXPECT_EQ(FormatIso8601Ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Ms(1764055860123), "2025-11-25T07:31:00.123Z");
}

TEST(ClockTest, SystemClockIsRecent) { EXPECT_GT(SystemClock().NowMs(), 1'700'000'000'000); }

}  // namespace
}  // namespace kjudge
