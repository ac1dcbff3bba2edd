// Size caps for stored logs. A compiler or a hostile submission can print without end; what is
// stored (and later served to pages) stays bounded, and the reader can tell it was cut.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kjudge::store {

/// 64 KiB per log: far more than a useful compiler error, small enough to serve in a page.
inline constexpr std::size_t kMaxLogBytes = 64 * 1024;

/// `log` unchanged when it fits in `max_bytes`; otherwise its head, cut at a UTF-8 character
/// boundary, followed by "\n[... truncated N bytes]" (N counts the bytes dropped), the whole at
/// most `max_bytes` long. `max_bytes` should leave room for the marker (~40 bytes).
std::string CapLog(std::string_view log, std::size_t max_bytes = kMaxLogBytes);

/// Whether `log` ends with the truncation marker CapLog appends.
bool IsCappedLog(std::string_view log);

}  // namespace kjudge::store
