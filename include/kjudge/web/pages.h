// Every HTML page of the server, each rendered from exactly the JSON document its /api/v1 mirror
// returns (docs/web.md), inside Layout. A page renders whatever document it is given: missing or
// null fields show as a dash, and a document it cannot read at all yields an error paragraph,
// never an exception. Every string from the document is escaped; numbers are formatted (format.h).
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "kjudge/web/layout.h"

namespace kjudge::web {

/// `/`: competitions by status, every public leaderboard with its leader, recent runs.
std::string HomePage(const PageContext& context, const nlohmann::json& doc);

/// `/problems/{name}`: description, templates, speed of light per case and GPU, how to submit.
std::string ProblemPage(const PageContext& context, const nlohmann::json& doc);

/// `/leaderboards/{problem}/{gpu}`: standings (table#standings), the chart, post-deadline runs.
std::string LeaderboardPage(const PageContext& context, const nlohmann::json& doc);

/// `/competitions/{name}`: schedule, points rule, parts, overall standings (table#standings).
std::string CompetitionPage(const PageContext& context, const nlohmann::json& doc);

/// `/users/{name}`: a competitor's entries (table#entries) and history (table#history).
std::string UserPage(const PageContext& context, const nlohmann::json& doc);

/// `/submissions/{id}`: verdict, per-case results of each run (table#cases), logs, the source
/// when `source_visible`.
std::string SubmissionPage(const PageContext& context, const nlohmann::json& doc);

/// `/compare?a=RUN&b=RUN`: two runs side by side per case (table#compare).
std::string ComparePage(const PageContext& context, const nlohmann::json& doc);

/// `/login`: the sign-in form (POST /login, field `token`), with `error` shown when not empty.
std::string LoginPage(const PageContext& context, std::string_view error);

/// Any failure: the HTTP `status` and `message`.
std::string ErrorPage(const PageContext& context, int status, std::string_view message);

}  // namespace kjudge::web
