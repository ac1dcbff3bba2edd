#include "document.h"

#include <cmath>
#include <limits>

namespace kjudge::web::doc {

namespace {

const nlohmann::json& Null() {
  static const nlohmann::json kNull;
  return kNull;
}

const nlohmann::json& EmptyArray() {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  return kEmpty;
}

}  // namespace

const nlohmann::json& Get(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return Null();
  const auto it = j.find(std::string(key));
  return it == j.end() ? Null() : *it;
}

const nlohmann::json& Items(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json& v = Get(j, key);
  return v.is_array() ? v : EmptyArray();
}

std::string ScalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return "";
}

std::string Text(const nlohmann::json& j, std::string_view key) { return ScalarText(Get(j, key)); }

std::optional<double> Number(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json& v = Get(j, key);
  if (!v.is_number()) return std::nullopt;
  const double d = v.get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

std::optional<std::int64_t> Integer(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json& v = Get(j, key);
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<std::int64_t>();
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // 2^63 is exactly representable; anything at or above it is not an int64.
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2233720368547758e18) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

bool Flag(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json& v = Get(j, key);
  return v.is_boolean() && v.get<bool>();
}

std::string DisplayName(const nlohmann::json& who) {
  std::string name = Text(who, "display_name");
  return name.empty() ? Text(who, "user") : name;
}

std::string ParamsText(const nlohmann::json& params) {
  if (!params.is_object()) return ScalarText(params);
  std::string out;
  for (const auto& [key, value] : params.items()) {
    if (!out.empty()) out += ", ";
    out += key;
    out += '=';
    // replace: a string with invalid UTF-8 inside must not make dump() throw.
    out += value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return out;
}

}  // namespace kjudge::web::doc
