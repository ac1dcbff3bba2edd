#include "kjudge/problem/iso8601.h"

#include <gtest/gtest.h>

namespace kjudge::problem {
namespace {

std::int64_t At(std::string_view text) {
  auto t = ParseIso8601(text);
  EXPECT_TRUE(t.ok()) << text << ": " << (t.ok() ? "" : t.error().message);
  return t.ok() ? *t : -1;
}

TEST(Iso8601Test, AcceptedForms) {
  EXPECT_EQ(At("1970-01-01"), 0);
  EXPECT_EQ(At("2026-06-30"), 1782777600);
  EXPECT_EQ(At("2026-06-30T23:59:59Z"), 1782777600 + 86399);
  EXPECT_EQ(At("2026-06-30 23:59"), 1782777600 + 86340);
  EXPECT_EQ(At("2026-06-30T23:59:59.750Z"), 1782777600 + 86399);
  EXPECT_EQ(At("2026-06-30T02:00:00+02:00"), 1782777600);
  EXPECT_EQ(At("2026-06-29T22:00:00-0200"), 1782777600);
  EXPECT_EQ(At("2024-02-29"), At("2024-03-01") - 86400);
}

TEST(Iso8601Test, RejectedForms) {
  for (std::string_view bad : {"", "2026", "2026-6-30", "2026-13-01", "2026-02-29", "2026-06-31", "2026-06-30T24:00",
                               "2026-06-30T12", "2026-06-30T12:00:00Q", "1969-12-31", "2026-06-30T12:00+2", "tomorrow"}) {
    EXPECT_FALSE(ParseIso8601(bad).ok()) << bad;
  }
}

TEST(Iso8601Test, FormatRoundTrips) {
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{951782400}, std::int64_t{1782777600 + 86399},
                         std::int64_t{4102444800}}) {
    EXPECT_EQ(At(FormatIso8601(t)), t);
  }
}

}  // namespace
}  // namespace kjudge::problem
