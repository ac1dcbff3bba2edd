// Pieces that several pages write the same way: links to competitors, leaderboards, problems and
// submissions; table cells for durations, ratios and times; verdict badges; and the boundary that
// turns a document the page cannot read into an error paragraph instead of an exception.
// Every function escapes what it takes from the document.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "kjudge/web/layout.h"

namespace kjudge::web::parts {

/// A link to /users/{user} showing the display name; kMissing when `who` names no user.
std::string UserLink(const nlohmann::json& who);

/// The path /leaderboards/{problem}/{gpu} (components encoded, not yet escaped).
std::string LeaderboardPath(std::string_view problem, std::string_view gpu);

/// A link to the leaderboard named by `j`'s problem and gpu, showing "problem / gpu".
std::string LeaderboardLink(const nlohmann::json& j);

/// A link to /problems/{problem} showing `label` (the name when empty).
std::string ProblemLink(std::string_view problem, std::string_view label = {});

/// A link "#id" to /submissions/{j[key]}; kMissing without an id.
std::string SubmissionLink(const nlohmann::json& j, std::string_view key = "submission_id");

/// j[key] as a duration ("12.3 µs"), escaped, or kMissing.
std::string Duration(const nlohmann::json& j, std::string_view key);

/// j[key] as "3.21 x SoL", or kMissing.
std::string SolRatio(const nlohmann::json& j, std::string_view key = "sol_ratio");

/// j[key] as the percentage of the speed of light ("31.2 %"), or kMissing.
std::string SolPercent(const nlohmann::json& j, std::string_view key = "sol_ratio");

/// j[key] as an integer, or kMissing.
std::string Int(const nlohmann::json& j, std::string_view key);

/// j[key] as escaped text, or kMissing when empty or absent.
std::string TextOrMissing(const nlohmann::json& j, std::string_view key);

/// j[key] (Unix ms) as <time> in UTC with its age in the title, or kMissing.
std::string Time(const nlohmann::json& j, std::string_view key, std::int64_t now_ms);

/// A verdict or status word in a span whose class names it (verdict-passed, ...), for colour.
std::string VerdictBadge(std::string_view verdict, bool big = false);

/// `url` escaped for an href when it is a same-site path ("/...") or an http(s) URL; "" for any
/// other scheme (javascript:, data:), which callers then show as plain text.
std::string SafeHref(std::string_view url);

/// <td class="num">html</td>: a right-aligned cell of already escaped HTML.
std::string NumCell(const std::string& html);

/// <td>html</td>.
std::string Cell(const std::string& html);

/// A page's title and body HTML, before the layout.
struct Rendered {
  std::string title;
  std::string body;
};

/// The page `render` makes, in the layout; if it throws (a document it cannot read), a page
/// titled `fallback_title` with an error paragraph instead.
std::string Guarded(const PageContext& context, std::string_view fallback_title,
                    const std::function<Rendered()>& render);

}  // namespace kjudge::web::parts
