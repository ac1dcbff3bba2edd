// A competitor: where they stand on each leaderboard and what they submitted.
#include <string>

#include "document.h"
#include "kjudge/web/html.h"
#include "kjudge/web/pages.h"
#include "page_parts.h"

namespace kjudge::web {

namespace {

using parts::Cell;
using parts::NumCell;

std::string Entries(const nlohmann::json& doc, std::int64_t now_ms) {
  const nlohmann::json& entries = doc::Items(doc, "entries");
  std::string out = "<h2>Leaderboard entries</h2>\n";
  if (entries.empty()) return out + "<p class=\"muted\">No ranked runs yet.</p>\n";
  out += "<div class=\"table-wrap\"><table id=\"entries\">\n<thead><tr><th>leaderboard</th><th class=\"num\">rank</th>"
         "<th class=\"num\">score</th><th class=\"num\">x SoL</th><th class=\"num\">% SoL</th><th>submitted</th>"
         "<th>submission</th></tr></thead>\n<tbody>\n";
  for (const auto& e : entries) {
    const std::string rank = parts::Int(e, "rank");
    const std::string rank_of = doc::Integer(e, "of") ? rank + " / " + parts::Int(e, "of") : rank;
    out += "<tr>" + Cell(parts::LeaderboardLink(e)) + NumCell(rank_of) + NumCell(parts::Duration(e, "score_ns")) +
           NumCell(parts::SolRatio(e)) + NumCell(parts::SolPercent(e)) + Cell(parts::Time(e, "submitted_ms", now_ms)) +
           Cell(parts::SubmissionLink(e)) + "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string History(const nlohmann::json& doc, std::int64_t now_ms) {
  const nlohmann::json& history = doc::Items(doc, "history");
  std::string out = "<h2>Submissions</h2>\n";
  if (history.empty()) return out + "<p class=\"muted\">No submissions to show.</p>\n";
  out += "<div class=\"table-wrap\"><table id=\"history\">\n<thead><tr><th>submission</th><th>submitted</th>"
         "<th>leaderboard</th><th>mode</th><th>status</th><th class=\"num\">score</th><th class=\"num\">x SoL</th>"
         "</tr></thead>\n<tbody>\n";
  for (const auto& h : history) {
    out += "<tr>" + Cell(parts::SubmissionLink(h)) + Cell(parts::Time(h, "created_ms", now_ms)) +
           Cell(parts::LeaderboardLink(h)) + Cell(parts::TextOrMissing(h, "mode")) +
           Cell(parts::VerdictBadge(doc::Text(h, "status"))) + NumCell(parts::Duration(h, "score_ns")) +
           NumCell(parts::SolRatio(h)) + "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

}  // namespace

std::string UserPage(const PageContext& context, const nlohmann::json& doc) {
  return parts::Guarded(context, "Competitor", [&] {
    const std::string user = doc::Text(doc, "user");
    std::string name = doc::DisplayName(doc);
    if (name.empty()) name = "Competitor";
    std::string body = "<h1>" + Escape(name) + "</h1>\n<p class=\"subtitle\">";
    if (!user.empty() && user != name) body += "<code>" + Escape(user) + "</code> \xC2\xB7 ";
    body += "joined " + parts::Time(doc, "created_ms", context.now_ms) + "</p>\n";
    body += Entries(doc, context.now_ms);
    body += History(doc, context.now_ms);
    return parts::Rendered{name, std::move(body)};
  });
}

}  // namespace kjudge::web
