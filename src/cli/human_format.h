// Numbers and times as people read them in the CLI's output: "850 ns", "12.3 µs", "4.56 ms",
// "3rd", "2024-11-25 10:31". Terminals get the micro sign; plain output (pipes, CI logs) stays
// ASCII ("us").
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kjudge::cli {

/// `ns` nanoseconds with three significant digits in the unit that fits (ns, µs/us, ms, s).
std::string FormatDuration(double ns, bool unicode);

/// A ratio such as "x SoL": "1.83", "42.1", "1250".
std::string FormatRatio(double ratio);

/// Unix milliseconds as local "YYYY-MM-DD HH:MM".
std::string FormatLocalTime(std::int64_t unix_ms);

/// `text` cut to at most `columns` characters (UTF-8 code points), ending in "…"/"..." when cut.
std::string Truncate(std::string_view text, int columns, bool unicode);

}  // namespace kjudge::cli
