// A problem's statement: what to compute, the files to start from, how fast it could possibly run
// on each GPU (speed of light per benchmark case), and how to submit from each client.
#include <string>
#include <vector>

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

/// A list of scalars ("cpp, cuda") or an object ("n=1024"), escaped; kMissing when empty.
std::string ListText(const nlohmann::json& v) {
  std::string out;
  if (v.is_array()) {
    for (const auto& item : v) {
      const std::string text = item.is_object() ? doc::ParamsText(item) : doc::ScalarText(item);
      if (text.empty()) continue;
      if (!out.empty()) out += ", ";
      out += text;
    }
  } else {
    out = doc::ParamsText(v);
  }
  return out.empty() ? std::string(kMissing) : Escape(out);
}

std::string Facts(const nlohmann::json& doc, std::int64_t now_ms) {
  std::string out = "<dl class=\"facts\">\n";
  const auto fact = [&](const char* name, const std::string& html) {
    out += std::string("<dt>") + name + "</dt><dd>" + html + "</dd>\n";
  };
  fact("languages", ListText(doc::Get(doc, "languages")));
  fact("GPUs", ListText(doc::Get(doc, "gpus")));
  fact("test cases", parts::Int(doc, "tests"));
  fact("benchmark cases", parts::Int(doc, "benchmarks"));
  fact("ranked by", parts::TextOrMissing(doc, "ranking_by"));
  fact("tolerance", ListText(doc::Get(doc, "tolerance")));
  fact("time limits (s)", ListText(doc::Get(doc, "timeouts_s")));
  const nlohmann::json& version = doc::Get(doc, "version");
  if (version.is_object()) {
    std::string hash = doc::Text(version, "content_hash").substr(0, 12);
    fact("version", parts::Int(version, "id") + (hash.empty() ? "" : " <code>" + Escape(hash) + "</code>"));
  }
  fact("updated", parts::Time(doc, "updated_ms", now_ms));
  return out + "</dl>\n";
}

std::string Templates(const nlohmann::json& doc) {
  const nlohmann::json& templates = doc::Items(doc, "templates");
  std::string out = "<h2>Templates</h2>\n";
  if (templates.empty()) return out + "<p class=\"muted\">This problem has no template files.</p>\n";
  out += "<ul class=\"templates\">\n";
  for (const auto& t : templates) {
    std::string file = doc::Text(t, "file_name");
    if (file.empty()) file = doc::Text(t, "language");
    const std::string href = parts::SafeHref(doc::Text(t, "url"));
    const std::string label = Escape(file.empty() ? std::string("template") : file);
    out += "<li>" + (href.empty() ? label : "<a href=\"" + href + "\" download>" + label + "</a>") + " <span class=\"muted\">(" +
           parts::TextOrMissing(t, "language") + ")</span></li>\n";
  }
  return out + "</ul>\n";
}

/// The speed-of-light entry of benchmark case `index` in one GPU's list, or null.
const nlohmann::json* SolCase(const nlohmann::json& gpu, std::int64_t index) {
  for (const auto& c : doc::Items(gpu, "cases")) {
    if (doc::Integer(c, "index") == index) return &c;
  }
  return nullptr;
}

std::string SpeedOfLight(const nlohmann::json& doc) {
  const nlohmann::json& cases = doc::Items(doc, "benchmark_cases");
  const nlohmann::json& gpus = doc::Items(doc, "speed_of_light");
  std::string out = "<h2>Speed of light</h2>\n";
  const std::string statistic = doc::Text(doc, "statistic");
  if (!statistic.empty()) out += "<p class=\"statistic\">" + Escape(statistic) + "</p>\n";
  if (cases.empty()) return out + "<p class=\"muted\">This problem has no benchmark cases.</p>\n";
  out += "<p class=\"muted\">The least time each benchmark case could take on each GPU, from its operation and byte "
         "counts and the GPU's peak rates; scores are reported as time / speed of light.</p>\n";
  out += "<div class=\"table-wrap\"><table id=\"sol\">\n<thead><tr><th class=\"num\">case</th><th>params</th>"
         "<th class=\"num\">weight</th><th class=\"num\">flops</th><th class=\"num\">bytes</th><th>dtype</th>";
  for (const auto& g : gpus) out += "<th class=\"num\">" + parts::TextOrMissing(g, "gpu") + " SoL</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& c : cases) {
    const auto index = doc::Integer(c, "index");
    const auto flops = doc::Number(c, "flops"), bytes = doc::Number(c, "bytes");
    out += "<tr>" + NumCell(parts::Int(c, "index")) + Cell("<code>" + Escape(doc::ParamsText(doc::Get(c, "params"))) + "</code>") +
           NumCell(parts::Int(c, "weight")) + NumCell(flops ? Escape(FormatSi(*flops, "")) : std::string(kMissing)) +
           NumCell(bytes ? Escape(FormatSi(*bytes, "B")) : std::string(kMissing)) + Cell(parts::TextOrMissing(c, "dtype"));
    for (const auto& g : gpus) {
      const nlohmann::json* sol = index ? SolCase(g, *index) : nullptr;
      if (sol == nullptr) {
        out += NumCell(std::string(kMissing));
        continue;
      }
      const std::string bound = doc::Text(*sol, "bound");
      out += NumCell(parts::Duration(*sol, "sol_ns") +
                     (bound.empty() ? "" : " <span class=\"badge bound-" + Escape(bound) + "\">" + Escape(bound) + "</span>"));
    }
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  for (const auto& g : gpus) {
    const std::string error = doc::Text(g, "error");
    if (!error.empty()) out += "<p class=\"notice\">" + parts::TextOrMissing(g, "gpu") + ": " + Escape(error) + "</p>\n";
  }
  return out;
}

std::string HowToSubmit(const nlohmann::json& doc) {
  const std::string name = doc::Text(doc, "name");
  const nlohmann::json& boards = doc::Items(doc, "leaderboards");
  std::string gpu = boards.empty() ? std::string() : doc::Text(boards[0], "gpu");
  if (gpu.empty()) {
    const nlohmann::json& gpus = doc::Items(doc, "gpus");
    if (!gpus.empty()) gpu = doc::ScalarText(gpus[0]);
  }
  if (gpu.empty()) gpu = "GPU";
  const nlohmann::json& templates = doc::Items(doc, "templates");
  std::string file = templates.empty() ? std::string() : doc::Text(templates[0], "file_name");
  if (file.empty()) file = "solution.cu";
  const std::string n = Escape(name.empty() ? std::string("PROBLEM") : name), g = Escape(gpu), f = Escape(file);

  std::string out = "<h2>How to submit</h2>\n";
  out += "<p>Start from a template, then submit the file from any client; a leaderboard-mode run is ranked.</p>\n";
  out += "<h3>popcorn-cli</h3>\n<pre><code>popcorn-cli submit --gpu " + g + " --leaderboard " + n +
         " --mode leaderboard " + f + "</code></pre>\n";
  out += "<h3>kjudge CLI</h3>\n<pre><code>kjudge submit " + f + " --problem " + n + " --gpu " + g +
         " --mode leaderboard</code></pre>\n";
  out += "<h3>Discord</h3>\n<p>Use the <code>/leaderboard submit</code> slash command with leaderboard <code>" + n +
         "</code>, gpu <code>" + g + "</code> and your file attached:</p>\n<pre><code>/leaderboard submit leaderboard:" +
         n + " gpu:" + g + " file:" + f + "</code></pre>\n";
  return out;
}

std::string Leaderboards(const nlohmann::json& doc, std::int64_t now_ms) {
  const nlohmann::json& boards = doc::Items(doc, "leaderboards");
  std::string out = "<h2>Leaderboards</h2>\n";
  if (boards.empty()) return out + "<p class=\"muted\">No leaderboards are open for this problem.</p>\n";
  out += "<ul class=\"leaderboards\">\n";
  for (const auto& b : boards) {
    nlohmann::json named = b;
    if (doc::Text(named, "problem").empty() && named.is_object()) named["problem"] = doc::Text(doc, "name");
    out += "<li>" + parts::LeaderboardLink(named) + " <span class=\"muted\">" + parts::TextOrMissing(b, "state");
    if (doc::Integer(b, "deadline_ms")) out += ", deadline " + parts::Time(b, "deadline_ms", now_ms);
    out += "</span></li>\n";
  }
  return out + "</ul>\n";
}

}  // namespace

std::string ProblemPage(const PageContext& context, const nlohmann::json& doc) {
  return parts::Guarded(context, "Problem", [&] {
    const std::string name = doc::Text(doc, "name");
    std::string title = doc::Text(doc, "title");
    if (title.empty()) title = name.empty() ? std::string("Problem") : name;
    std::string body = "<h1>" + Escape(title) + "</h1>\n";
    if (!name.empty() && name != title) body += "<p class=\"subtitle\"><code>" + Escape(name) + "</code></p>\n";
    body += Facts(doc, context.now_ms);
    const std::string description = doc::Text(doc, "description");
    if (!description.empty()) body += "<section class=\"description\">\n" + RenderMarkdown(description) + "</section>\n";
    body += Templates(doc);
    body += SpeedOfLight(doc);
    body += Leaderboards(doc, context.now_ms);
    body += HowToSubmit(doc);
    return parts::Rendered{title, std::move(body)};
  });
}

}  // namespace kjudge::web
