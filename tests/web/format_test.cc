// How numbers and times read on pages.
#include "kjudge/web/format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace kjudge::web {
namespace {

const std::string kDash(kMissing);

TEST(FormatTest, DurationsKeepThreeSignificantDigits) {
  EXPECT_EQ(FormatDuration(812), "812 ns");
  EXPECT_EQ(FormatDuration(12'345), "12.3 µs");
  EXPECT_EQ(FormatDuration(4.56e6), "4.56 ms");
  EXPECT_EQ(FormatDuration(1.234e9), "1.23 s");
  EXPECT_EQ(FormatDuration(999), "999 ns");
  EXPECT_EQ(FormatDuration(999.6), "1.00 µs");  // rounding moves it to the next unit
  EXPECT_EQ(FormatDuration(999'999), "1.00 ms");
  EXPECT_EQ(FormatDuration(1000), "1.00 µs");
  EXPECT_EQ(FormatDuration(12), "12.0 ns");
  EXPECT_EQ(FormatDuration(0.5), "0.500 ns");
  EXPECT_EQ(FormatDuration(0), "0 ns");
  EXPECT_EQ(FormatDuration(1.5e12), "1500 s");
}

TEST(FormatTest, UnshowableValuesAreADash) {
  EXPECT_EQ(FormatDuration(-1), kDash);
  EXPECT_EQ(FormatDuration(std::nan("")), kDash);
  EXPECT_EQ(FormatDuration(std::numeric_limits<double>::infinity()), kDash);
  EXPECT_EQ(FormatSolRatio(0), kDash);
  EXPECT_EQ(FormatSolRatio(-2), kDash);
  EXPECT_EQ(FormatSolPercent(0), kDash);
  EXPECT_EQ(FormatSignificant(std::nan("")), kDash);
  EXPECT_EQ(FormatSi(-1, "B"), kDash);
}

TEST(FormatTest, SpeedOfLight) {
  EXPECT_EQ(FormatSolRatio(3.2149), "3.21 x SoL");
  EXPECT_EQ(FormatSolRatio(1), "1.00 x SoL");
  EXPECT_EQ(FormatSolRatio(12.34), "12.3 x SoL");
  EXPECT_EQ(FormatSolRatio(1234.4), "1234 x SoL");
  EXPECT_EQ(FormatSolPercent(3.21), "31.2 %");
  EXPECT_EQ(FormatSolPercent(1), "100 %");
  EXPECT_EQ(FormatSolPercent(150), "0.667 %");
}

TEST(FormatTest, SignificantAndSi) {
  EXPECT_EQ(FormatSignificant(9.996), "10.0");
  EXPECT_EQ(FormatSignificant(0.012345), "0.0123");
  EXPECT_EQ(FormatSignificant(123456), "123456");
  EXPECT_EQ(FormatSignificant(-1.5), "-1.50");
  EXPECT_EQ(FormatSignificant(1755, 4), "1755");
  EXPECT_EQ(FormatSi(4.19e6, "B"), "4.19 MB");
  EXPECT_EQ(FormatSi(1024, "B"), "1.02 kB");
  EXPECT_EQ(FormatSi(999.9, "B"), "1.00 kB");
  EXPECT_EQ(FormatSi(512, "B"), "512 B");
  EXPECT_EQ(FormatSi(0, "B"), "0 B");
  EXPECT_EQ(FormatSi(2.1e12, ""), "2.10 T");
  EXPECT_EQ(FormatSignedPercent(12.46), "+12.5 %");
  EXPECT_EQ(FormatSignedPercent(-0.423), "-0.42 %");
  EXPECT_EQ(FormatSignedPercent(-30), "-30.0 %");
}

TEST(FormatTest, TimestampsAreUtcToTheMinute) {
  EXPECT_EQ(FormatTimestamp(1'796'164'867'000), "2026-12-01 22:41 UTC");
  EXPECT_EQ(FormatIsoTimestamp(1'796'164'867'000), "2026-12-01T22:41:07Z");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01 00:00 UTC");
  EXPECT_EQ(FormatTimestamp(-60'000), "1969-12-31 23:59 UTC");
  EXPECT_EQ(FormatTimestamp(951'782'400'000), "2000-02-29 00:00 UTC");  // a leap day
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<std::int64_t>::max()), kDash);
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<std::int64_t>::min()), kDash);
}

TEST(FormatTest, RelativeTimes) {
  const std::int64_t now = 1'796'164'867'000;
  EXPECT_EQ(FormatRelative(now - 30'000, now), "just now");
  EXPECT_EQ(FormatRelative(now - 3 * 60'000, now), "3 min ago");
  EXPECT_EQ(FormatRelative(now - 2 * 3'600'000 - 5, now), "2 h ago");
  EXPECT_EQ(FormatRelative(now - 86'400'000, now), "1 day ago");
  EXPECT_EQ(FormatRelative(now - 3 * 86'400'000, now), "3 days ago");
  EXPECT_EQ(FormatRelative(now - 800LL * 86'400'000, now), "2 years ago");
  EXPECT_EQ(FormatRelative(now + 5 * 60'000, now), "in 5 min");
  EXPECT_EQ(FormatRelative(now, now), "just now");
}

}  // namespace
}  // namespace kjudge::web
