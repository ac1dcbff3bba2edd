// Two runs of one leaderboard side by side: per case, which is faster and whether the difference
// is larger than the measurement noise.
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

std::string Side(const char* label, const nlohmann::json& run) {
  return std::string("<li><strong>") + label + "</strong>: run " + parts::Int(run, "run_id") + " of " +
         parts::SubmissionLink(run) + " by " + parts::UserLink(run) + ", " + parts::Duration(run, "score_ns") + ", " +
         parts::SolRatio(run) + "</li>\n";
}

std::string Verdict(std::string_view verdict) {
  if (verdict == "a_faster") return "<span class=\"verdict faster\">A faster</span>";
  if (verdict == "b_faster") return "<span class=\"verdict slower\">B faster</span>";
  if (verdict == "within_noise") return "<span class=\"verdict muted\">within noise</span>";
  return verdict.empty() ? std::string(kMissing) : Escape(verdict);
}

std::string Percent(const nlohmann::json& j, std::string_view key, bool plus_minus) {
  const auto v = doc::Number(j, key);
  if (!v) return std::string(kMissing);
  return plus_minus ? "\xC2\xB1 " + Escape(FormatSignificant(*v, 2)) + " %" : Escape(FormatSignedPercent(*v));
}

}  // namespace

std::string ComparePage(const PageContext& context, const nlohmann::json& doc) {
  return parts::Guarded(context, "Compare runs", [&] {
    const nlohmann::json& a = doc::Get(doc, "a");
    const nlohmann::json& b = doc::Get(doc, "b");
    std::string body = "<h1>Compare runs</h1>\n<p class=\"subtitle\">" + parts::LeaderboardLink(doc) + "</p>\n<ul class=\"sides\">\n" +
                       Side("A", a) + Side("B", b) + "</ul>\n";
    const nlohmann::json& score = doc::Get(doc, "score");
    if (score.is_object()) {
      body += "<p class=\"score\">Score: A " + parts::Duration(score, "a_ns") + ", B " + parts::Duration(score, "b_ns") +
              " (B relative to A: " + Percent(score, "diff_pct", false) + ")</p>\n";
    }
    const nlohmann::json& cases = doc::Items(doc, "cases");
    if (cases.empty()) {
      body += "<p class=\"muted\">No benchmark cases to compare.</p>\n";
    } else {
      body += "<div class=\"table-wrap\"><table id=\"compare\">\n<thead><tr><th class=\"num\">case</th><th>params</th>"
              "<th class=\"num\">SoL</th><th class=\"num\">A</th><th class=\"num\">B</th><th class=\"num\">diff</th>"
              "<th class=\"num\">noise</th><th>verdict</th></tr></thead>\n<tbody>\n";
      for (const auto& c : cases) {
        body += "<tr>" + NumCell(parts::Int(c, "index")) +
                Cell("<code>" + Escape(doc::ParamsText(doc::Get(c, "params"))) + "</code>") +
                NumCell(parts::Duration(c, "sol_ns")) + NumCell(parts::Duration(c, "a_ns")) +
                NumCell(parts::Duration(c, "b_ns")) + NumCell(Percent(c, "diff_pct", false)) +
                NumCell(Percent(c, "noise_pct", true)) + Cell(Verdict(doc::Text(c, "verdict"))) + "</tr>\n";
      }
      body += "</tbody></table></div>\n";
      body += "<p class=\"muted\">diff is B relative to A, (B / A - 1) x 100; noise is the 95% band of that difference "
              "from both runs' standard errors.</p>\n";
    }
    return parts::Rendered{"Compare runs", std::move(body)};
  });
}

}  // namespace kjudge::web
