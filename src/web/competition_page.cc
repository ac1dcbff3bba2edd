// A competition: its schedule, how points are given, its parts (leaderboards with weights), and
// the overall standings with each competitor's points on every part.
#include <cstdio>
#include <string>

#include "document.h"
#include "kjudge/web/format.h"
#include "kjudge/web/html.h"
#include "kjudge/web/markdown.h"
#include "kjudge/web/pages.h"
#include "page_parts.h"

namespace kjudge::web {

namespace {

using parts::Cell;
using parts::NumCell;

/// Points with at most two decimals, trailing zeros dropped: "100", "87.5", "3.14".
std::string Points(const nlohmann::json& j, std::string_view key) {
  const auto v = doc::Number(j, key);
  if (!v) return std::string(kMissing);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", *v);
  std::string out = buf;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out == "-0" ? "0" : out;
}

std::string Schedule(const nlohmann::json& doc, std::int64_t now_ms) {
  std::string out = "<dl class=\"facts\">\n";
  out += "<dt>status</dt><dd>" + parts::VerdictBadge(doc::Text(doc, "status")) + "</dd>\n";
  out += "<dt>starts</dt><dd>" + parts::Time(doc, "start_ms", now_ms) + "</dd>\n";
  out += "<dt>deadline</dt><dd>" + parts::Time(doc, "deadline_ms", now_ms);
  if (const auto deadline = doc::Integer(doc, "deadline_ms")) out += " (" + Escape(FormatRelative(*deadline, now_ms)) + ")";
  out += "</dd>\n";
  out += "<dt>points rule</dt><dd>" + parts::TextOrMissing(doc, "points_rule") + "</dd>\n";
  out += "<dt>sources</dt><dd>" +
         std::string(doc::Flag(doc, "submissions_published") ? "published once the competition has ended"
                                                             : "not published") +
         "</dd>\n</dl>\n";
  if (doc::Flag(doc, "frozen")) {
    out += "<p class=\"notice\">The deadline has passed: standings count only runs submitted before it.</p>\n";
  }
  const std::string rule = doc::Text(doc, "points_rule_text");
  if (!rule.empty()) out += "<p class=\"ranking\">" + Escape(rule) + "</p>\n";
  return out;
}

std::string Parts(const nlohmann::json& doc) {
  const nlohmann::json& all = doc::Items(doc, "parts");
  std::string out = "<h2>Parts</h2>\n";
  if (all.empty()) return out + "<p class=\"muted\">This competition has no parts yet.</p>\n";
  out += "<div class=\"table-wrap\"><table id=\"parts\">\n<thead><tr><th>leaderboard</th><th class=\"num\">weight</th>"
         "<th class=\"num\">max points</th><th class=\"num\">entries</th></tr></thead>\n<tbody>\n";
  for (const auto& p : all) {
    out += "<tr>" + Cell(parts::LeaderboardLink(p)) + NumCell(Points(p, "weight")) + NumCell(Points(p, "max_points")) +
           NumCell(parts::Int(p, "entries")) + "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

/// The competitor's result on part (problem, gpu), or null when they have none.
const nlohmann::json* PartOf(const nlohmann::json& standing, const std::string& problem, const std::string& gpu) {
  for (const auto& p : doc::Items(standing, "parts")) {
    if (doc::Text(p, "problem") == problem && doc::Text(p, "gpu") == gpu) return &p;
  }
  return nullptr;
}

std::string Standings(const nlohmann::json& doc) {
  const nlohmann::json& standings = doc::Items(doc, "standings");
  const nlohmann::json& all_parts = doc::Items(doc, "parts");
  std::string out = "<h2>Standings</h2>\n";
  if (standings.empty()) return out + "<p class=\"muted\">No one has points yet.</p>\n";
  out += "<div class=\"table-wrap\"><table id=\"standings\">\n<thead><tr><th class=\"num\">rank</th><th>competitor</th>"
         "<th class=\"num\">points</th>";
  for (const auto& p : all_parts) {
    out += "<th class=\"num\">" + Escape(doc::Text(p, "problem")) + " / " + Escape(doc::Text(p, "gpu")) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& s : standings) {
    out += "<tr data-user=\"" + Escape(doc::Text(s, "user")) + "\"><td class=\"num rank\">" + parts::Int(s, "rank") +
           "</td>" + Cell(parts::UserLink(s)) + NumCell("<strong>" + Points(s, "points") + "</strong>");
    for (const auto& p : all_parts) {
      const nlohmann::json* mine = PartOf(s, doc::Text(p, "problem"), doc::Text(p, "gpu"));
      if (mine == nullptr) {
        out += "<td class=\"num\"></td>";
        continue;
      }
      std::string cell = Points(*mine, "points");
      if (doc::Integer(*mine, "rank")) cell += " <span class=\"muted\">(#" + parts::Int(*mine, "rank") + ")</span>";
      out += NumCell(cell);
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

}  // namespace

std::string CompetitionPage(const PageContext& context, const nlohmann::json& doc) {
  return parts::Guarded(context, "Competition", [&] {
    std::string title = doc::Text(doc, "title");
    if (title.empty()) title = doc::Text(doc, "name");
    if (title.empty()) title = "Competition";
    std::string body = "<h1>" + Escape(title) + "</h1>\n";
    const std::string description = doc::Text(doc, "description");
    if (!description.empty()) body += "<section class=\"description\">\n" + RenderMarkdown(description) + "</section>\n";
    body += Schedule(doc, context.now_ms);
    body += Parts(doc);
    body += Standings(doc);
    return parts::Rendered{title, std::move(body)};
  });
}

}  // namespace kjudge::web
