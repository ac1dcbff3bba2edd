#include "query_params.h"

#include <algorithm>
#include <charconv>

namespace kjudge::http {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Percent-decoding; a malformed escape is kept as it is.
std::string Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

QueryParams::QueryParams(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return;
  std::string_view query = target.substr(q + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      pairs_.emplace_back(Decode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : Decode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

std::optional<std::string> QueryParams::Get(std::string_view name) const {
  for (const auto& [k, v] : pairs_) {
    if (k == name) return v.empty() ? std::nullopt : std::optional<std::string>(v);
  }
  return std::nullopt;
}

Result<std::int64_t> QueryParams::Int(std::string_view name, std::int64_t fallback, std::int64_t min,
                                      std::int64_t max) const {
  const auto text = Get(name);
  if (!text) return fallback;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size() || value < min || value > max) {
    return MakeError(ErrorCode::kInvalidArgument, "query parameter '" + std::string(name) + "' must be a whole number from " +
                                                      std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Status QueryParams::OnlyKnown(std::initializer_list<std::string_view> known) const {
  for (const auto& [k, v] : pairs_) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      std::string names;
      for (auto n : known) names += (names.empty() ? "" : ", ") + std::string(n);
      return MakeError(ErrorCode::kInvalidArgument,
                       "unknown query parameter '" + k + "'" + (names.empty() ? " (this route takes none)" : " (known: " + names + ")"));
    }
  }
  return Ok();
}

}  // namespace kjudge::http
