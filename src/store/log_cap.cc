#include "kjudge/store/log_cap.h"

#include <algorithm>

namespace kjudge::store {

namespace {

constexpr std::string_view kMarkerStart = "\n[... truncated ";
constexpr std::string_view kMarkerEnd = " bytes]";

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string CapLog(std::string_view log, std::size_t max_bytes) {
  if (log.size() <= max_bytes) return std::string(log);
  // Size the marker for the largest count it could show, so the result never exceeds max_bytes
  // whatever the final count is.
  const std::size_t marker_bound = kMarkerStart.size() + std::to_string(log.size()).size() + kMarkerEnd.size();
  std::size_t head = max_bytes > marker_bound ? max_bytes - marker_bound : 0;
  // Cut before a character, not inside one: pages show the log as UTF-8 text.
  while (head > 0 && IsContinuationByte(log[head])) --head;
  std::string out(log.substr(0, head));
  out += kMarkerStart;
  out += std::to_string(log.size() - head);
  out += kMarkerEnd;
  return out;
}

bool IsCappedLog(std::string_view log) {
  if (!log.ends_with(kMarkerEnd)) return false;
  std::string_view rest = log.substr(0, log.size() - kMarkerEnd.size());
  const std::size_t start = rest.rfind(kMarkerStart);
  if (start == std::string_view::npos) return false;
  std::string_view digits = rest.substr(start + kMarkerStart.size());
  return !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace kjudge::store
