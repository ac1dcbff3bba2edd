#include "problem/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

namespace kjudge::problem::detail {

namespace {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Quote(std::string_view s) {
  constexpr std::size_t kShown = 40;  // enough to recognise a value, short enough for one line
  std::string out = "'";
  for (char c : s.substr(0, kShown)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  if (s.size() > kShown) out += "...";
  return out + "'";
}

// YAML 1.2 core-schema spellings of values that are not finite numbers or are booleans; a
// friendlier message than "expected a number" for the common mistakes.
bool LooksSpecial(std::string_view s) {
  static const std::set<std::string_view> kSpecial = {".inf", "-.inf", "+.inf", ".nan", ".Inf", ".NaN", ".INF",
                                                      ".NAN", "true", "false", "yes", "no", "on", "off"};
  return kSpecial.count(s) > 0;
}

}  // namespace

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  return std::string(a) + "." + std::string(b);
}

std::string IndexPath(std::string_view a, std::size_t index) {
  return std::string(a) + "[" + std::to_string(index) + "]";
}

SourceLocation YamlReader::Where(const YAML::Node& node, SourceLocation fallback) const {
  const YAML::Mark m = node.Mark();
  if (m.line < 0 || m.column < 0) return fallback;
  return {m.line + 1, m.column + 1};
}

SourceLocation YamlReader::ContentStart(const YAML::Node& node) const {
  SourceLocation at = Where(node);
  const YAML::Mark m = node.Mark();
  if (m.pos < 0 || static_cast<std::size_t>(m.pos) >= text_.size()) return at;
  const char c = text_[static_cast<std::size_t>(m.pos)];
  if (c == '"' || c == '\'') {
    ++at.column;
  } else if (c == '|' || c == '>') {
    std::size_t nl = text_.find('\n', static_cast<std::size_t>(m.pos));
    if (nl == std::string_view::npos) return at;
    std::size_t p = nl + 1;
    while (p < text_.size() && text_[p] == ' ') ++p;
    at = {at.line + 1, static_cast<int>(p - nl)};
  }
  return at;
}

void YamlReader::Error(SourceLocation at, std::string message) {
  diagnostics_.push_back({file_, at, std::move(message)});
}

bool YamlReader::IsPlainScalar(const YAML::Node& node) {
  // yaml-cpp tags plain scalars "?" (type to be resolved from the text) and quoted ones "!".
  return node.IsScalar() && node.Tag() != "!";
}

std::string YamlReader::Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: return "nothing";
    case YAML::NodeType::Scalar:
      return IsPlainScalar(node) ? Quote(node.Scalar()) : "the quoted string " + Quote(node.Scalar());
  }
  return "something else";
}

std::optional<std::vector<YamlReader::Entry>> YamlReader::Map(const YAML::Node& node, std::string_view path,
                                                              std::span<const std::string_view> allowed) {
  if (!node.IsMap()) {
    Error(node, (path.empty() ? std::string("the file") : std::string(path)) + ": expected a map of keys, got " +
                    Describe(node));
    return std::nullopt;
  }
  std::vector<Entry> entries;
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      Error(key, JoinPath(path, "<key>") + ": a key must be a plain name, got " + Describe(key));
      continue;
    }
    const std::string name = key.Scalar();
    const std::string where = JoinPath(path, name);
    if (!seen.insert(name).second) {
      Error(key, where + ": duplicate key");
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string message = where + ": unknown key";
      std::string_view best;
      std::size_t best_distance = 3;  // suggest only near misses (typos)
      for (std::string_view a : allowed) {
        const std::size_t d = EditDistance(name, a);
        if (d < best_distance) {
          best_distance = d;
          best = a;
        }
      }
      if (!best.empty()) {
        message += " (did you mean '" + std::string(best) + "'?)";
      } else {
        message += " (expected one of:";
        for (std::string_view a : allowed) message += " " + std::string(a);
        message += ")";
      }
      Error(key, message);
      continue;
    }
    entries.push_back({name, key, value});
  }
  return entries;
}

void YamlReader::RequireKeys(const std::vector<Entry>& entries, std::string_view path,
                             std::span<const std::string_view> required, SourceLocation where) {
  for (std::string_view r : required) {
    const bool present =
        std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == r; });
    if (!present) Error(where, JoinPath(path, r) + ": required key is missing");
  }
}

std::optional<std::vector<YAML::Node>> YamlReader::Sequence(const YAML::Node& node, std::string_view path) {
  if (!node.IsSequence()) {
    Error(node, std::string(path) + ": expected a list, got " + Describe(node));
    return std::nullopt;
  }
  std::vector<YAML::Node> items;
  for (auto it = node.begin(); it != node.end(); ++it) items.push_back(*it);
  return items;
}

std::optional<std::string> YamlReader::String(const YAML::Node& node, std::string_view path) {
  if (!node.IsScalar()) {
    Error(node, std::string(path) + ": expected a string, got " + Describe(node));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<double> YamlReader::Number(const YAML::Node& node, std::string_view path, double min, double max) {
  if (!IsPlainScalar(node)) {
    Error(node, std::string(path) + ": expected a number, got " + Describe(node));
    return std::nullopt;
  }
  std::string_view s = node.Scalar();
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ptr != s.data() + s.size() || LooksSpecial(node.Scalar()) ||
      (r.ec != std::errc() && r.ec != std::errc::result_out_of_range)) {
    Error(node, std::string(path) + ": expected a number, got " + Describe(node));
    return std::nullopt;
  }
  if (r.ec == std::errc::result_out_of_range || !std::isfinite(v) || v < min || v > max) {
    char range[96];
    std::snprintf(range, sizeof range, "[%g, %g]", min, max);
    Error(node, std::string(path) + ": " + Quote(node.Scalar()) + " is out of range " + range);
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> YamlReader::Integer(const YAML::Node& node, std::string_view path, std::int64_t min,
                                                std::int64_t max) {
  if (!IsPlainScalar(node)) {
    Error(node, std::string(path) + ": expected an integer, got " + Describe(node));
    return std::nullopt;
  }
  std::string_view s = node.Scalar();
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ptr != s.data() + s.size() || (r.ec != std::errc() && r.ec != std::errc::result_out_of_range)) {
    std::string message = std::string(path) + ": expected an integer, got " + Describe(node);
    double as_double = 0;
    const auto rd = std::from_chars(s.data(), s.data() + s.size(), as_double);
    if (!s.empty() && rd.ec == std::errc() && rd.ptr == s.data() + s.size()) {
      message += " (write integers in plain digits, e.g. 1048576 rather than 1e6 or 1.0)";
    }
    Error(node, message);
    return std::nullopt;
  }
  if (r.ec == std::errc::result_out_of_range || v < min || v > max) {
    Error(node, std::string(path) + ": " + Quote(node.Scalar()) + " is out of range [" + std::to_string(min) + ", " +
                    std::to_string(max) + "]");
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint64_t> YamlReader::Unsigned(const YAML::Node& node, std::string_view path) {
  if (!IsPlainScalar(node)) {
    Error(node, std::string(path) + ": expected a non-negative integer, got " + Describe(node));
    return std::nullopt;
  }
  std::string_view s = node.Scalar();
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  std::uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec == std::errc::result_out_of_range || (!s.empty() && s[0] == '-' && s.size() > 1 &&
                                                  s.find_first_not_of("0123456789", 1) == std::string_view::npos)) {
    Error(node, std::string(path) + ": " + Quote(node.Scalar()) + " is out of range [0, 2^64)");
    return std::nullopt;
  }
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
    Error(node, std::string(path) + ": expected a non-negative integer, got " + Describe(node));
    return std::nullopt;
  }
  return v;
}

}  // namespace kjudge::problem::detail
