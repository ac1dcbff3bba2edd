// One leaderboard: the ranking rule, the chart of best scores over time, the standings (paged),
// the runs made after the deadline (shown, not ranked), and a form to compare two runs.
#include <algorithm>
#include <string>

#include "document.h"
#include "kjudge/web/format.h"
#include "kjudge/web/html.h"
#include "kjudge/web/pages.h"
#include "kjudge/web/svg_chart.h"
#include "page_parts.h"

namespace kjudge::web {

namespace {

using parts::Cell;
using parts::NumCell;

// Pagination shows every page up to this many, else a window around the current one.
constexpr std::int64_t kAllPageLinks = 15;
constexpr std::int64_t kPageWindow = 3;

std::string Header(const nlohmann::json& doc, std::int64_t now_ms) {
  const std::string problem = doc::Text(doc, "problem");
  std::string out = "<p class=\"subtitle\">Problem " + parts::ProblemLink(problem) + " on " +
                    parts::TextOrMissing(doc, "gpu") + " \xC2\xB7 <span class=\"badge\">" +
                    parts::TextOrMissing(doc, "state") + "</span>";
  if (doc::Integer(doc, "deadline_ms")) out += " \xC2\xB7 deadline " + parts::Time(doc, "deadline_ms", now_ms);
  out += doc::Flag(doc, "accepts_submissions") ? " \xC2\xB7 accepting submissions" : " \xC2\xB7 not accepting submissions";
  out += "</p>\n";
  if (doc::Flag(doc, "frozen")) {
    out += "<p class=\"notice\">The deadline has passed: the standings count only runs submitted before it. Later runs "
           "are listed below, unranked.</p>\n";
  }
  const std::string ranking = doc::Text(doc, "ranking");
  if (!ranking.empty()) out += "<p class=\"ranking\">" + Escape(ranking) + "</p>\n";
  return out;
}

std::string Standings(const nlohmann::json& doc, std::int64_t now_ms) {
  const nlohmann::json& entries = doc::Items(doc, "entries");
  std::string out = "<h2>Standings</h2>\n";
  if (const auto total = doc::Integer(doc, "total_entries")) {
    out += "<p class=\"muted\">" + std::to_string(*total) + (*total == 1 ? " competitor" : " competitors") + "</p>\n";
  }
  if (entries.empty()) return out + "<p class=\"muted\">No ranked runs yet.</p>\n";
  out += "<div class=\"table-wrap\"><table id=\"standings\">\n<thead><tr><th class=\"num\">rank</th><th>competitor</th>"
         "<th class=\"num\">score</th><th class=\"num\">x SoL</th><th class=\"num\">% SoL</th>"
         "<th class=\"num\">submissions</th><th>last improvement</th><th>submission</th><th class=\"num\">run</th>"
         "</tr></thead>\n<tbody>\n";
  for (const auto& e : entries) {
    out += "<tr data-user=\"" + Escape(doc::Text(e, "user")) + "\"><td class=\"num rank\">" + parts::Int(e, "rank") +
           "</td>" + Cell(parts::UserLink(e)) + NumCell(parts::Duration(e, "score_ns")) + NumCell(parts::SolRatio(e)) +
           NumCell(parts::SolPercent(e)) + NumCell(parts::Int(e, "submissions")) +
           Cell(parts::Time(e, "improved_ms", now_ms)) + Cell(parts::SubmissionLink(e)) + NumCell(parts::Int(e, "run_id")) +
           "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string Pagination(const nlohmann::json& doc) {
  const std::int64_t pages = doc::Integer(doc, "pages").value_or(1);
  if (pages <= 1) return "";
  const std::int64_t page = std::clamp<std::int64_t>(doc::Integer(doc, "page").value_or(1), 1, pages);
  const auto link = [&](std::int64_t n, const std::string& label) {
    if (n == page) return "<span class=\"current\">" + label + "</span>";
    return "<a href=\"?page=" + std::to_string(n) + "\">" + label + "</a>";
  };
  std::string out = "<nav class=\"pages\" aria-label=\"pages\">";
  if (page > 1) out += link(page - 1, "\xE2\x86\x90 previous") + " ";
  for (std::int64_t n = 1; n <= pages; ++n) {
    const bool shown = pages <= kAllPageLinks || n == 1 || n == pages || (n >= page - kPageWindow && n <= page + kPageWindow);
    if (shown) {
      out += link(n, std::to_string(n)) + " ";
    } else if (n == page - kPageWindow - 1 || n == page + kPageWindow + 1) {
      out += "<span>\xE2\x80\xA6</span> ";
    }
  }
  if (page < pages) out += link(page + 1, "next \xE2\x86\x92");
  return out + "</nav>\n";
}

std::string PostDeadline(const nlohmann::json& doc, std::int64_t now_ms) {
  const nlohmann::json& runs = doc::Items(doc, "post_deadline");
  if (runs.empty()) return "";
  std::string out = "<h2>Unranked post-deadline runs</h2>\n<p class=\"muted\">Each competitor's best run submitted after "
                    "the deadline, with the rank it would have had.</p>\n";
  out += "<div class=\"table-wrap\"><table id=\"post-deadline\">\n<thead><tr><th>competitor</th><th class=\"num\">score</th>"
         "<th class=\"num\">x SoL</th><th class=\"num\">would rank</th><th>submitted</th><th>submission</th>"
         "<th class=\"num\">run</th></tr></thead>\n<tbody>\n";
  for (const auto& r : runs) {
    out += "<tr data-user=\"" + Escape(doc::Text(r, "user")) + "\">" + Cell(parts::UserLink(r)) +
           NumCell(parts::Duration(r, "score_ns")) + NumCell(parts::SolRatio(r)) + NumCell(parts::Int(r, "would_rank")) +
           Cell(parts::Time(r, "submitted_ms", now_ms)) + Cell(parts::SubmissionLink(r)) + NumCell(parts::Int(r, "run_id")) +
           "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string CompareForm() {
  return "<h2>Compare two runs</h2>\n<form class=\"compare-form\" method=\"get\" action=\"/compare\">\n"
         "<label>run A <input type=\"number\" name=\"a\" min=\"1\" required></label>\n"
         "<label>run B <input type=\"number\" name=\"b\" min=\"1\" required></label>\n"
         "<button type=\"submit\">Compare</button>\n</form>\n";
}

}  // namespace

std::string LeaderboardPage(const PageContext& context, const nlohmann::json& doc) {
  return parts::Guarded(context, "Leaderboard", [&] {
    std::string title = doc::Text(doc, "title");
    if (title.empty()) title = doc::Text(doc, "problem");
    const std::string gpu = doc::Text(doc, "gpu");
    const std::string heading = title + (gpu.empty() ? "" : " on " + gpu);
    std::string body = "<h1>" + Escape(heading) + "</h1>\n";
    body += Header(doc, context.now_ms);
    body += "<h2>Best score over time</h2>\n" + ScoreChartSvg(doc::Get(doc::Get(doc, "chart"), "series")) + "\n";
    body += Standings(doc, context.now_ms);
    body += Pagination(doc);
    body += PostDeadline(doc, context.now_ms);
    body += CompareForm();
    return parts::Rendered{heading.empty() ? std::string("Leaderboard") : heading, std::move(body)};
  });
}

}  // namespace kjudge::web
