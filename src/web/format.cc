#include "kjudge/web/format.h"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kjudge::web {

namespace {

/// The decimal exponent of `value` once rounded to `digits` significant digits, so that 999.6
/// (which rounds to 1.00e3) counts as 3, not 2.
int RoundedExponent(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, value);
  const char* e = std::strchr(buf, 'e');
  return e == nullptr ? 0 : std::atoi(e + 1);
}

bool Showable(double value) { return std::isfinite(value); }

}  // namespace

std::string FormatSignificant(double value, int digits) {
  if (!Showable(value)) return std::string(kMissing);
  if (value == 0) return "0";
  if (digits < 1) digits = 1;
  const int exponent = RoundedExponent(value, digits);
  const int decimals = exponent >= digits - 1 ? 0 : digits - 1 - exponent;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string FormatDuration(double ns) {
  if (!Showable(ns) || ns < 0) return std::string(kMissing);
  struct Unit {
    int exponent;  ///< of 10, in nanoseconds
    const char* name;
  };
  static constexpr std::array<Unit, 3> kUnits{{{9, "s"}, {6, "ms"}, {3, "µs"}}};
  const int exponent = ns == 0 ? 0 : RoundedExponent(ns, 3);
  for (const Unit& unit : kUnits) {
    if (exponent >= unit.exponent) return FormatSignificant(ns / std::pow(10.0, unit.exponent)) + " " + unit.name;
  }
  return FormatSignificant(ns) + " ns";
}

std::string FormatSolRatio(double ratio) {
  if (!Showable(ratio) || ratio <= 0) return std::string(kMissing);
  return FormatSignificant(ratio) + " x SoL";
}

std::string FormatSolPercent(double ratio) {
  if (!Showable(ratio) || ratio <= 0) return std::string(kMissing);
  return FormatSignificant(100 / ratio) + " %";
}

std::string FormatSignedPercent(double percent) {
  if (!Showable(percent)) return std::string(kMissing);
  char buf[512];
  std::snprintf(buf, sizeof buf, std::fabs(percent) >= 1 ? "%+.1f %%" : "%+.2f %%", percent);
  return buf;
}

std::string FormatSi(double value, std::string_view unit) {
  if (!Showable(value) || value < 0) return std::string(kMissing);
  static constexpr std::array<const char*, 7> kPrefixes{"", "k", "M", "G", "T", "P", "E"};
  const int exponent = value == 0 ? 0 : RoundedExponent(value, 3);
  std::size_t step = exponent <= 0 ? 0 : static_cast<std::size_t>(exponent / 3);
  if (step >= kPrefixes.size()) step = kPrefixes.size() - 1;
  return FormatSignificant(value / std::pow(1000.0, static_cast<double>(step))) + " " + kPrefixes[step] +
         std::string(unit);
}

namespace {

struct Civil {
  int year;
  unsigned month, day;
  long hours, minutes, seconds;
};

/// Years 1 to 9999: what four digits show and the calendar arithmetic handles without overflow.
bool Representable(std::int64_t unix_ms) { return unix_ms >= -62'135'596'800'000LL && unix_ms <= 253'402'300'799'999LL; }

Civil ToCivil(std::int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(unix_ms)};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> time{t - day};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
          static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
          static_cast<long>(time.seconds().count())};
}

}  // namespace

std::string FormatTimestamp(std::int64_t unix_ms) {
  if (!Representable(unix_ms)) return std::string(kMissing);
  const Civil c = ToCivil(unix_ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld UTC", c.year, c.month, c.day, c.hours, c.minutes);
  return buf;
}

std::string FormatIsoTimestamp(std::int64_t unix_ms) {
  if (!Representable(unix_ms)) return std::string(kMissing);
  const Civil c = ToCivil(unix_ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", c.year, c.month, c.day, c.hours, c.minutes,
                c.seconds);
  return buf;
}

std::string FormatRelative(std::int64_t then_ms, std::int64_t now_ms) {
  const bool future = then_ms > now_ms;
  const double seconds = std::fabs(static_cast<double>(now_ms) - static_cast<double>(then_ms)) / 1000;
  if (seconds < 60) return "just now";
  struct Step {
    double seconds;
    const char* one;
    const char* many;
  };
  static constexpr std::array<Step, 4> kSteps{{{365.25 * 86400, "year", "years"},
                                               {86400, "day", "days"},
                                               {3600, "h", "h"},
                                               {60, "min", "min"}}};
  for (const Step& step : kSteps) {
    if (seconds < step.seconds) continue;
    const auto count = static_cast<long long>(seconds / step.seconds);
    const std::string amount = std::to_string(count) + " " + (count == 1 ? step.one : step.many);
    return future ? "in " + amount : amount + " ago";
  }
  return "just now";
}

}  // namespace kjudge::web
