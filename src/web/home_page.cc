// The front page: what is running, every leaderboard's leader, and the latest runs.
#include <array>
#include <string>

#include "document.h"
#include "kjudge/web/format.h"
#include "kjudge/web/html.h"
#include "kjudge/web/pages.h"
#include "page_parts.h"

namespace kjudge::web {

namespace {

using parts::Cell;
using parts::NumCell;

std::string Competitions(const nlohmann::json& doc, std::int64_t now_ms) {
  const nlohmann::json& all = doc::Items(doc, "competitions");
  std::string out = "<h2>Competitions</h2>\n";
  if (all.empty()) return out + "<p class=\"muted\">No competitions yet.</p>\n";
  struct Group {
    const char* status;
    const char* heading;
  };
  static constexpr std::array<Group, 3> kGroups{{{"running", "Running"}, {"upcoming", "Upcoming"}, {"ended", "Ended"}}};
  for (const Group& group : kGroups) {
    std::string rows;
    for (const auto& c : all) {
      if (doc::Text(c, "status") != group.status) continue;
      const std::string name = doc::Text(c, "name");
      const std::string title = doc::Text(c, "title");
      const std::string label = Escape(title.empty() ? name : title);
      rows += "<tr>" + Cell(name.empty() ? label : "<a href=\"/competitions/" + UrlComponent(name) + "\">" + label + "</a>") +
              Cell(parts::Time(c, "start_ms", now_ms)) + Cell(parts::Time(c, "deadline_ms", now_ms)) +
              NumCell(parts::Int(c, "parts")) + "</tr>\n";
    }
    if (rows.empty()) continue;
    out += std::string("<h3>") + group.heading + "</h3>\n<div class=\"table-wrap\"><table class=\"competitions\">\n"
           "<thead><tr><th>competition</th><th>starts</th><th>deadline</th><th class=\"num\">parts</th></tr></thead>\n"
           "<tbody>\n" + rows + "</tbody></table></div>\n";
  }
  return out;
}

std::string Leaderboards(const nlohmann::json& doc, std::int64_t now_ms) {
  const nlohmann::json& boards = doc::Items(doc, "leaderboards");
  std::string out = "<h2>Leaderboards</h2>\n";
  if (boards.empty()) return out + "<p class=\"muted\">No public leaderboards yet.</p>\n";
  out += "<div class=\"table-wrap\"><table id=\"leaderboards\">\n<thead><tr><th>problem</th><th>GPU</th><th>state</th>"
         "<th>deadline</th><th class=\"num\">entries</th><th>leader</th><th class=\"num\">score</th>"
         "<th class=\"num\">x SoL</th><th></th></tr></thead>\n<tbody>\n";
  for (const auto& b : boards) {
    const std::string problem = doc::Text(b, "problem"), gpu = doc::Text(b, "gpu");
    const nlohmann::json& leader = doc::Get(b, "leader");
    out += "<tr>" + Cell(parts::ProblemLink(problem, doc::Text(b, "title"))) + Cell(parts::TextOrMissing(b, "gpu")) +
           Cell(parts::TextOrMissing(b, "state")) + Cell(parts::Time(b, "deadline_ms", now_ms)) +
           NumCell(parts::Int(b, "entries")) + Cell(parts::UserLink(leader)) +
           NumCell(parts::Duration(leader, "score_ns")) + NumCell(parts::SolRatio(leader)) +
           Cell(problem.empty() || gpu.empty()
                    ? std::string()
                    : "<a href=\"" + parts::LeaderboardPath(problem, gpu) + "\">standings</a>") +
           "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string Recent(const nlohmann::json& doc, std::int64_t now_ms) {
  const nlohmann::json& recent = doc::Items(doc, "recent");
  std::string out = "<h2>Recent runs</h2>\n";
  if (recent.empty()) return out + "<p class=\"muted\">No runs yet.</p>\n";
  out += "<div class=\"table-wrap\"><table id=\"recent\">\n<thead><tr><th>finished</th><th>competitor</th>"
         "<th>leaderboard</th><th>verdict</th><th class=\"num\">score</th><th class=\"num\">x SoL</th>"
         "<th>submission</th></tr></thead>\n<tbody>\n";
  for (const auto& r : recent) {
    out += "<tr>" + Cell(parts::Time(r, "finished_ms", now_ms)) + Cell(parts::UserLink(r)) +
           Cell(parts::LeaderboardLink(r)) + Cell(parts::VerdictBadge(doc::Text(r, "verdict"))) +
           NumCell(parts::Duration(r, "score_ns")) + NumCell(parts::SolRatio(r)) + Cell(parts::SubmissionLink(r)) +
           "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

}  // namespace

std::string HomePage(const PageContext& context, const nlohmann::json& doc) {
  return parts::Guarded(context, "kjudge", [&] {
    const std::int64_t now_ms = doc::Integer(doc, "now_ms").value_or(context.now_ms);
    std::string body = "<h1>GPU kernel competitions</h1>\n";
    body += Competitions(doc, now_ms);
    body += Leaderboards(doc, now_ms);
    body += Recent(doc, now_ms);
    return parts::Rendered{"", std::move(body)};
  });
}

}  // namespace kjudge::web
