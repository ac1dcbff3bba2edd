// Tolerant reads of a page's JSON document. A page renders whatever document it is given: a
// missing key, a null or a value of another type reads as absent instead of throwing, which
// nlohmann's own value() and operator[] would do.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kjudge::web::doc {

/// j[key] when j is an object holding key, else a null.
const nlohmann::json& Get(const nlohmann::json& j, std::string_view key);

/// j[key] when it is an array, else an empty array: what loops over lists use.
const nlohmann::json& Items(const nlohmann::json& j, std::string_view key);

/// j[key] as text: a string as is, a number or bool as JSON writes it, anything else "".
std::string Text(const nlohmann::json& j, std::string_view key);

/// A scalar as text (see Text): for values that are not under a key, like array elements.
std::string ScalarText(const nlohmann::json& value);

/// j[key] when it is a finite number.
std::optional<double> Number(const nlohmann::json& j, std::string_view key);

/// j[key] when it is an integer (or a float with an integral value in range).
std::optional<std::int64_t> Integer(const nlohmann::json& j, std::string_view key);

/// j[key] is the boolean true.
bool Flag(const nlohmann::json& j, std::string_view key);

/// What pages show for a competitor: `display_name`, or `user` when it is empty (docs/web.md).
std::string DisplayName(const nlohmann::json& who);

/// An object of parameters as "k=3, n=1024" (keys in nlohmann::json's order, sorted; nested values as JSON);
/// a non-object as ScalarText.
std::string ParamsText(const nlohmann::json& params);

}  // namespace kjudge::web::doc
