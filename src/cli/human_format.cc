#include "human_format.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace kjudge::cli {

namespace {

std::string ThreeDigits(double v) {
  char buf[32];
  if (v < 9.995) {
    std::snprintf(buf, sizeof buf, "%.2f", v);
  } else if (v < 99.95) {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  }
  return buf;
}

}  // namespace

std::string FormatDuration(double ns, bool unicode) {
  if (!std::isfinite(ns) || ns < 0) return "-";
  if (ns < 999.5) return ThreeDigits(ns) + " ns";
  if (ns < 999.5e3) return ThreeDigits(ns / 1e3) + (unicode ? " \u00b5s" : " us");
  if (ns < 999.5e6) return ThreeDigits(ns / 1e6) + " ms";
  return ThreeDigits(ns / 1e9) + " s";
}

std::string FormatRatio(double ratio) {
  if (!std::isfinite(ratio)) return "-";
  return ThreeDigits(ratio);
}

std::string FormatLocalTime(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  if (localtime_r(&t, &local) == nullptr) return "-";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
  return buf;
}

std::string Truncate(std::string_view text, int columns, bool unicode) {
  if (columns <= 0) return "";
  // Count code points: a UTF-8 continuation byte (10xxxxxx) does not start a character.
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  if (chars <= static_cast<std::size_t>(columns)) return std::string(text);
  const std::string_view ellipsis = unicode ? "\u2026" : "...";
  const std::size_t keep = static_cast<std::size_t>(columns) - (unicode ? 1 : std::min<std::size_t>(3, columns));
  std::size_t i = 0, seen = 0;
  while (i < text.size()) {
    const bool starts = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts && seen == keep) break;
    seen += starts;
    ++i;
  }
  return std::string(text.substr(0, i)) + std::string(ellipsis.substr(0, unicode ? ellipsis.size() : std::min<std::size_t>(3, columns)));
}

}  // namespace kjudge::cli
