// ISO-8601 timestamps as problem specs write deadlines: "2026-06-30", "2026-06-30T23:59:59Z",
// "2026-06-30 18:00+02:00". A date alone is midnight UTC at its start; a time without a zone is
// UTC. Fractions of a second are accepted and dropped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kjudge/core/result.h"

namespace kjudge::problem {

/// Seconds since the Unix epoch, or kInvalidArgument saying what is wrong with `text`.
Result<std::int64_t> ParseIso8601(std::string_view text);

/// "2026-06-30T23:59:59Z".
std::string FormatIso8601(std::int64_t unix_s);

}  // namespace kjudge::problem
