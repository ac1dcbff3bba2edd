// Documents no page should trust: every string an attack, every field missing or of the wrong
// type. Pages must stay inert (no script, handler or javascript: URL gets through), well-formed,
// and must render rather than throw.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "documents.h"
#include "kjudge/web/pages.h"
#include "markup.h"

namespace kjudge::web {
namespace {

using testing::Describe;
using testing::MarkupProblems;

const std::vector<std::string> kPayloads = {
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "'><svg onload=alert(1)>",
    "</textarea></title></pre><script>alert(1)</script>",
    "\xFF\xFE<script>alert(1)</script>\x01",
};

/// `doc` with every string replaced by `payload`, and every object under a "params" key given a
/// payload key too (keys are written into pages as well).
nlohmann::json Hostile(const nlohmann::json& doc, const std::string& payload) {
  if (doc.is_string()) return payload;
  if (doc.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : doc) out.push_back(Hostile(item, payload));
    return out;
  }
  if (!doc.is_object()) return doc;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : doc.items()) {
    out[key] = Hostile(value, payload);
    if ((key == "params" || key == "tolerance") && out[key].is_object()) out[key][payload] = payload;
  }
  return out;
}

using Page = std::function<std::string(const PageContext&, const nlohmann::json&)>;

struct NamedPage {
  const char* name;
  Page render;
  nlohmann::json doc;
};

std::vector<NamedPage> AllPages() {
  return {{"home", HomePage, testing::HomeDoc()},
          {"problem", ProblemPage, testing::ProblemDoc()},
          {"leaderboard", LeaderboardPage, testing::LeaderboardDoc()},
          {"competition", CompetitionPage, testing::CompetitionDoc()},
          {"user", UserPage, testing::UserDoc()},
          {"submission", SubmissionPage, testing::SubmissionDoc()},
          {"compare", ComparePage, testing::CompareDoc()},
          {"login", [](const PageContext& c, const nlohmann::json& d) { return LoginPage(c, d.is_string() ? d.get<std::string>() : ""); },
           nlohmann::json("x")},
          {"error", [](const PageContext& c, const nlohmann::json& d) { return ErrorPage(c, 400, d.is_string() ? d.get<std::string>() : ""); },
           nlohmann::json("x")}};
}

void ExpectInert(const std::string& html, const std::string& where) {
  EXPECT_EQ(html.find("<script>alert"), std::string::npos) << where;
  EXPECT_EQ(html.find("<img"), std::string::npos) << where;
  EXPECT_EQ(html.find("<svg onload"), std::string::npos) << where;
  EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos) << where;
  const auto problems = MarkupProblems(html);
  EXPECT_TRUE(problems.empty()) << where << ":\n" << Describe(problems);
}

TEST(HostileDocumentTest, EveryStringFieldStaysText) {
  for (const std::string& payload : kPayloads) {
    PageContext context;
    context.viewer = payload;
    context.live_url = payload;
    context.now_ms = testing::kNowMs;
    for (const auto& page : AllPages()) {
      const nlohmann::json doc = page.doc.is_string() ? nlohmann::json(payload) : Hostile(page.doc, payload);
      const std::string where = std::string(page.name) + " with " + payload;
      std::string html;
      ASSERT_NO_THROW(html = page.render(context, doc)) << where;
      ExpectInert(html, where);
      EXPECT_EQ(html.find("This page could not be shown"), std::string::npos) << where;
    }
  }
}

TEST(HostileDocumentTest, PayloadsAreShownEscaped) {
  // Not vacuous: the hostile strings do reach the page, as text.
  const std::string payload = "<script>alert(1)</script>";
  const std::string shown = "&lt;script&gt;alert(1)&lt;/script&gt;";
  for (const auto& page : AllPages()) {
    const nlohmann::json doc = page.doc.is_string() ? nlohmann::json(payload) : Hostile(page.doc, payload);
    const std::string html = page.render(PageContext{}, doc);
    EXPECT_NE(html.find(shown), std::string::npos) << page.name;
  }
  // Names in links are encoded in the path and escaped in the text.
  const std::string board = LeaderboardPage(PageContext{}, Hostile(testing::LeaderboardDoc(), "\"><b>x</b>"));
  EXPECT_NE(board.find("href=\"/users/%22%3E%3Cb%3Ex%3C%2Fb%3E\""), std::string::npos);
  EXPECT_NE(board.find("data-user=\"&quot;&gt;&lt;b&gt;x&lt;/b&gt;\""), std::string::npos);
}

TEST(HostileDocumentTest, TemplateUrlsWithOtherSchemesAreNotLinked) {
  auto doc = testing::ProblemDoc();
  doc["templates"][0]["url"] = "javascript:alert(1)";
  doc["templates"][1]["url"] = "//evil.example/x.cu";
  const std::string html = ProblemPage(PageContext{}, doc);
  ExpectInert(html, "problem");
  EXPECT_EQ(html.find("evil.example"), std::string::npos);
  EXPECT_NE(html.find("template.cu"), std::string::npos);  // shown, just not as a link
}

/// `doc` with every value replaced by what `make` returns for it (recursively, innermost first).
nlohmann::json Scramble(const nlohmann::json& doc, const std::function<nlohmann::json(const nlohmann::json&)>& make) {
  if (doc.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : doc.items()) out[key] = Scramble(value, make);
    return make(out);
  }
  if (doc.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : doc) out.push_back(Scramble(item, make));
    return make(out);
  }
  return make(doc);
}

TEST(HostileDocumentTest, MissingAndMistypedFieldsNeverThrow) {
  const std::vector<std::pair<const char*, std::function<nlohmann::json(const nlohmann::json&)>>> scramblers = {
      {"nulls", [](const nlohmann::json& v) { return v.is_structured() ? v : nlohmann::json(); }},
      {"scalars as objects", [](const nlohmann::json& v) { return v.is_primitive() ? nlohmann::json{{"x", v}} : v; }},
      {"arrays as strings", [](const nlohmann::json& v) { return v.is_array() ? nlohmann::json("list") : v; }},
      {"objects as numbers", [](const nlohmann::json& v) { return v.is_object() && !v.contains("id") ? nlohmann::json(7) : v; }},
      {"numbers as strings", [](const nlohmann::json& v) { return v.is_number() ? nlohmann::json("12") : v; }},
      {"huge numbers", [](const nlohmann::json& v) { return v.is_number() ? nlohmann::json(1e308) : v; }},
      {"negative numbers", [](const nlohmann::json& v) { return v.is_number() ? nlohmann::json(-9223372036854775807LL) : v; }},
      {"unsigned numbers", [](const nlohmann::json& v) { return v.is_number() ? nlohmann::json(18446744073709551615ULL) : v; }},
  };
  const std::vector<nlohmann::json> bare = {nlohmann::json(), nlohmann::json::object(), nlohmann::json::array(),
                                            nlohmann::json(42), nlohmann::json("doc"), nlohmann::json(true)};
  for (const auto& page : AllPages()) {
    std::vector<std::pair<std::string, nlohmann::json>> docs;
    for (const auto& b : bare) docs.emplace_back("bare " + b.dump(), b);
    for (const auto& [name, make] : scramblers) docs.emplace_back(name, Scramble(page.doc, make));
    for (const auto& [name, doc] : docs) {
      const std::string where = std::string(page.name) + " / " + name;
      std::string html;
      ASSERT_NO_THROW(html = page.render(PageContext{}, doc)) << where;
      EXPECT_TRUE(html.ends_with("</html>\n")) << where;
      const auto problems = MarkupProblems(html);
      EXPECT_TRUE(problems.empty()) << where << ":\n" << Describe(problems);
    }
  }
}

TEST(MarkupCheckTest, CatchesWhatThePageTestsRelyOn) {
  // The checker itself must fail on each thing it is trusted to find.
  EXPECT_FALSE(MarkupProblems("<b><i>x</b></i>").empty());
  EXPECT_FALSE(MarkupProblems("<p>unclosed").empty());
  EXPECT_FALSE(MarkupProblems("<script>alert(1)</script>").empty());
  EXPECT_FALSE(MarkupProblems("<a href=\"#\" onclick=\"x()\">a</a>").empty());
  EXPECT_FALSE(MarkupProblems("<a href=\" JavaScript:alert(1)\">a</a>").empty());
  EXPECT_FALSE(MarkupProblems("<a href=\"&#106;avascript:alert(1)\">a</a>").empty());
  EXPECT_FALSE(MarkupProblems("<p style=\"color:red\">a</p>").empty());
  EXPECT_FALSE(MarkupProblems("<p>1 < 2</p>").empty());
  EXPECT_FALSE(MarkupProblems("<img src=x onerror=alert(1)>").empty());
  EXPECT_TRUE(MarkupProblems("<p class=\"a\">x<br><svg><circle r=\"1\"/></svg></p>"
                             "<script src=\"/static/live.js\" defer></script>").empty());
}

}  // namespace
}  // namespace kjudge::web
