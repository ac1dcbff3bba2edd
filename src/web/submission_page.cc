// One submission: its verdict first, then each run's per-case results with the timing behind the
// score, the compiler and run output, and the source where the reader may see it.
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

std::string Facts(const nlohmann::json& doc, std::int64_t now_ms) {
  std::string out = "<dl class=\"facts\">\n";
  const auto fact = [&](const char* name, const std::string& html) {
    out += std::string("<dt>") + name + "</dt><dd>" + html + "</dd>\n";
  };
  fact("competitor", parts::UserLink(doc));
  fact("leaderboard", parts::LeaderboardLink(doc));
  fact("file", "<code>" + parts::TextOrMissing(doc, "file_name") + "</code>");
  fact("language", parts::TextOrMissing(doc, "language"));
  fact("mode", parts::TextOrMissing(doc, "mode"));
  fact("submitted", parts::Time(doc, "created_ms", now_ms));
  fact("best score", parts::Duration(doc, "best_score_ns"));
  fact("best x SoL", parts::SolRatio(doc, "best_sol_ratio"));
  const std::string sha = doc::Text(doc, "sha256");
  if (!sha.empty()) fact("SHA-256", "<code>" + Escape(sha.substr(0, 16)) + "</code>");
  return out + "</dl>\n";
}

std::string Jobs(const nlohmann::json& doc) {
  const nlohmann::json& jobs = doc::Items(doc, "jobs");
  if (jobs.empty()) return "";
  std::string out = "<h2>Jobs</h2>\n<div class=\"table-wrap\"><table id=\"jobs\">\n<thead><tr><th class=\"num\">job</th>"
                    "<th>GPU</th><th>mode</th><th>status</th><th class=\"num\">attempts</th><th>last error</th></tr></thead>"
                    "\n<tbody>\n";
  for (const auto& j : jobs) {
    out += "<tr>" + NumCell(parts::Int(j, "id")) + Cell(parts::TextOrMissing(j, "gpu")) +
           Cell(parts::TextOrMissing(j, "mode")) + Cell(parts::VerdictBadge(doc::Text(j, "status"))) +
           NumCell(parts::Int(j, "attempts")) + Cell(Escape(doc::Text(j, "last_error"))) + "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

/// The SM clock of a timed case: "1410-1755 MHz", flagged when the GPU throttled.
std::string Clock(const nlohmann::json& timing) {
  const nlohmann::json& clock = doc::Get(timing, "sm_clock");
  if (!clock.is_object()) return std::string(kMissing);
  const auto lo = doc::Number(clock, "min_mhz"), hi = doc::Number(clock, "max_mhz");
  std::string out = lo && hi ? Escape(FormatSignificant(*lo, 4) + "\xE2\x80\x93" + FormatSignificant(*hi, 4) + " MHz")
                             : std::string(kMissing);
  if (doc::Flag(clock, "throttled")) {
    std::string reasons;
    for (const auto& r : doc::Items(clock, "reasons")) {
      if (!reasons.empty()) reasons += ", ";
      reasons += doc::ScalarText(r);
    }
    out += " <span class=\"throttled\" title=\"" + Escape(reasons) + "\">throttled</span>";
  }
  return out;
}

std::string CaseRow(const nlohmann::json& c) {
  const nlohmann::json& timing = doc::Get(c, "timing");
  const nlohmann::json& passed = doc::Get(c, "passed");
  std::string verdict = std::string(kMissing);
  if (passed.is_boolean()) {
    verdict = passed.get<bool>() ? "<span class=\"pass\">\xE2\x9C\x93 passed</span>" : "<span class=\"fail\">\xE2\x9C\x97 failed</span>";
  }
  const std::string message = doc::Text(c, "message");
  if (!message.empty()) verdict += "<br><span class=\"muted\">" + Escape(message) + "</span>";
  std::string mean = parts::Duration(timing, "mean_ns");
  if (doc::Number(timing, "stddev_ns")) mean += " \xC2\xB1 " + parts::Duration(timing, "stddev_ns");
  const auto median = doc::Number(timing, "median_ns"), sol = doc::Number(c, "sol_ns");
  const std::string ratio = median && sol && *sol > 0 ? Escape(FormatSolRatio(*median / *sol)) : std::string(kMissing);
  return "<tr>" + Cell(parts::TextOrMissing(c, "kind")) + NumCell(parts::Int(c, "index")) +
         Cell("<code>" + Escape(doc::ParamsText(doc::Get(c, "params"))) + "</code>") + Cell(verdict) +
         NumCell(parts::Duration(timing, "median_ns")) + NumCell(mean) + NumCell(parts::Int(timing, "samples")) +
         NumCell(sol && *sol > 0 ? parts::Duration(c, "sol_ns") : std::string(kMissing)) + NumCell(ratio) + Cell(Clock(timing)) + "</tr>\n";
}

std::string Log(const char* heading, const std::string& text) {
  if (text.empty()) return "";
  return std::string("<h3>") + heading + "</h3>\n<pre class=\"log\">" + Escape(text) + "</pre>\n";
}

/// One run; `table_id` is "cases" for the first run so the page has one table#cases.
std::string Run(const nlohmann::json& run, const std::string& table_id, std::int64_t now_ms) {
  std::string out = "<section class=\"run\">\n<h2>Run " + parts::Int(run, "id") + " " +
                    parts::VerdictBadge(doc::Text(run, "verdict")) + "</h2>\n";
  const std::string message = doc::Text(run, "message");
  if (!message.empty()) out += "<p class=\"message\">" + Escape(message) + "</p>\n";
  out += "<dl class=\"facts\">\n<dt>score</dt><dd>" + parts::Duration(run, "score_ns") + "</dd>\n<dt>x SoL</dt><dd>" +
         parts::SolRatio(run) + " (" + parts::SolPercent(run) + " of the speed of light)</dd>\n<dt>device</dt><dd>" +
         parts::TextOrMissing(run, "device") + "</dd>\n<dt>runner</dt><dd>" + parts::TextOrMissing(run, "runner") +
         "</dd>\n<dt>finished</dt><dd>" + parts::Time(run, "finished_ms", now_ms) + "</dd>\n</dl>\n";
  const nlohmann::json& cases = doc::Items(run, "cases");
  if (cases.empty()) {
    out += "<p class=\"muted\">No case results.</p>\n";
  } else {
    out += "<div class=\"table-wrap\"><table class=\"cases\" id=\"" + table_id + "\">\n<thead><tr><th>kind</th>"
           "<th class=\"num\">case</th><th>params</th><th>result</th><th class=\"num\">median</th>"
           "<th class=\"num\">mean \xC2\xB1 stddev</th><th class=\"num\">samples</th><th class=\"num\">SoL</th>"
           "<th class=\"num\">x SoL</th><th>SM clock</th></tr></thead>\n<tbody>\n";
    for (const auto& c : cases) out += CaseRow(c);
    out += "</tbody></table></div>\n";
  }
  out += Log("Compile log", doc::Text(run, "compile_log"));
  out += Log("Run log", doc::Text(run, "run_log"));
  return out + "</section>\n";
}

std::string Source(const nlohmann::json& doc) {
  std::string out = "<h2>Source</h2>\n";
  if (doc::Flag(doc, "source_visible") && doc::Get(doc, "source").is_string()) {
    return out + "<pre class=\"source\"><code>" + Escape(doc::Text(doc, "source")) + "</code></pre>\n";
  }
  return out + "<p class=\"muted\">The source is visible to its author and to staff. Everyone else can read it once a "
               "competition holding this leaderboard has ended and its organizers have published the submissions.</p>\n";
}

}  // namespace

std::string SubmissionPage(const PageContext& context, const nlohmann::json& doc) {
  return parts::Guarded(context, "Submission", [&] {
    const auto id = doc::Integer(doc, "id");
    const std::string title = id ? "Submission #" + std::to_string(*id) : std::string("Submission");
    std::string body = "<h1>" + Escape(title) + "</h1>\n<p class=\"status\">" +
                       parts::VerdictBadge(doc::Text(doc, "status"), true) + "</p>\n";
    const std::string queue = doc::Text(doc::Get(doc, "queue"), "summary");
    if (!queue.empty()) body += "<p class=\"notice\">" + Escape(queue) + "</p>\n";
    body += Facts(doc, context.now_ms);
    body += Jobs(doc);
    const nlohmann::json& runs = doc::Items(doc, "runs");
    for (std::size_t i = 0; i < runs.size(); ++i) {
      body += Run(runs[i], i == 0 ? "cases" : "cases-" + std::to_string(i + 1), context.now_ms);
    }
    body += Source(doc);
    return parts::Rendered{title, std::move(body)};
  });
}

}  // namespace kjudge::web
