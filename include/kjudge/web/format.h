// How pages write numbers and times for people: durations with a unit chosen to keep three
// significant digits ("12.3 µs"), speed-of-light ratios ("3.21 x SoL", "31.2 %"), instants in UTC
// ("2026-12-01 22:41 UTC") and ages ("3 min ago"). A value that cannot be shown (negative where
// only non-negative makes sense, NaN, infinite) comes out as kMissing, the same dash pages use for null.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kjudge::web {

/// What pages show for an absent (null) or unshowable value.
inline constexpr std::string_view kMissing = "\u2014";

/// `value` rounded to `digits` significant digits, in plain decimal notation: 812, 12.3, 1.23,
/// 0.0123. Digits left of the point are never dropped (123456 stays 123456).
std::string FormatSignificant(double value, int digits = 3);

/// A duration in nanoseconds: "812 ns", "12.3 µs", "4.56 ms", "1.23 s".
std::string FormatDuration(double ns);

/// A speed-of-light ratio (time / speed of light; 1.0 is at the speed of light): "3.21 x SoL".
std::string FormatSolRatio(double ratio);

/// The same ratio as the percentage of the speed of light reached (100 / ratio): "31.2 %".
std::string FormatSolPercent(double ratio);

/// A percentage with its sign, for differences: "+12.5 %", "-0.42 %".
std::string FormatSignedPercent(double percent);

/// A count with an SI prefix and `unit`: FormatSi(4.19e6, "B") is "4.19 MB".
std::string FormatSi(double value, std::string_view unit);

/// A Unix time in milliseconds, to the minute in UTC: "2026-12-01 22:41 UTC".
std::string FormatTimestamp(std::int64_t unix_ms);

/// A Unix time in milliseconds as RFC 3339 in UTC ("2026-12-01T22:41:05Z"), for <time datetime>.
std::string FormatIsoTimestamp(std::int64_t unix_ms);

/// How long before `now_ms` the instant `then_ms` was: "just now", "3 min ago", "5 h ago",
/// "2 days ago", "1 year ago"; an instant after now reads "in 3 min".
std::string FormatRelative(std::int64_t then_ms, std::int64_t now_ms);

}  // namespace kjudge::web
