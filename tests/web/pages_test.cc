// Each page from a realistic document: the values it must show, formatted, in the right places.
#include "kjudge/web/pages.h"

#include <gtest/gtest.h>

#include <functional>

#include "documents.h"
#include "markup.h"

namespace kjudge::web {
namespace {

using testing::Count;
using testing::Describe;
using testing::MarkupProblems;

PageContext Anonymous() {
  PageContext context;
  context.now_ms = testing::kNowMs;
  return context;
}

/// The text of the element that starts at `open` (e.g. "<table id=\"standings\"") up to its `close`.
std::string Element(const std::string& html, const std::string& open, const std::string& close = "</table>") {
  const auto start = html.find(open);
  if (start == std::string::npos) return "";
  const auto end = html.find(close, start);
  return html.substr(start, end == std::string::npos ? std::string::npos : end + close.size() - start);
}

/// The body rows of a table.
std::size_t Rows(const std::string& table) {
  const auto body = table.find("<tbody>");
  return body == std::string::npos ? 0 : Count(table.substr(body), "<tr");
}

void ExpectWellFormed(const std::string& html, const std::string& page) {
  const auto problems = MarkupProblems(html);
  EXPECT_TRUE(problems.empty()) << page << ":\n" << Describe(problems);
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>")) << page;
  EXPECT_TRUE(html.ends_with("</html>\n")) << page;
  EXPECT_EQ(html.find("This page could not be shown"), std::string::npos) << page;
}

bool Has(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

TEST(HomePageTest, ShowsCompetitionsLeaderboardsAndRecentRuns) {
  const std::string html = HomePage(Anonymous(), testing::HomeDoc());
  ExpectWellFormed(html, "home");
  EXPECT_TRUE(Has(html, "<a href=\"/competitions/winter-2026\">Winter Kernel Cup</a>"));
  EXPECT_TRUE(Has(html, "<a href=\"/competitions/autumn-2026\">autumn-2026</a>"));  // no title: the name
  const auto running = html.find("<h3>Running</h3>"), upcoming = html.find("<h3>Upcoming</h3>"),
             ended = html.find("<h3>Ended</h3>");
  ASSERT_NE(running, std::string::npos);
  EXPECT_LT(running, upcoming);
  EXPECT_LT(upcoming, ended);
  EXPECT_LT(running, html.find("Winter Kernel Cup"));
  EXPECT_GT(html.find("Spring Cup"), upcoming);

  const std::string boards = Element(html, "<table id=\"leaderboards\"");
  EXPECT_EQ(Rows(boards), 2u);
  EXPECT_TRUE(Has(boards, "<a href=\"/users/bob\">Bob B.</a>"));
  EXPECT_TRUE(Has(boards, "12.3 µs"));
  EXPECT_TRUE(Has(boards, "3.21 x SoL"));
  EXPECT_TRUE(Has(boards, "href=\"/leaderboards/vectoradd/H100\""));
  EXPECT_TRUE(Has(boards, "href=\"/leaderboards/matmul/MI300X\""));
  EXPECT_TRUE(Has(boards, "<a href=\"/problems/vectoradd\">Vector add</a>"));
  EXPECT_TRUE(Has(boards, "\u2014"));  // matmul has no leader

  const std::string recent = Element(html, "<table id=\"recent\"");
  EXPECT_EQ(Rows(recent), 2u);
  EXPECT_TRUE(Has(recent, "href=\"/submissions/42\""));
  EXPECT_TRUE(Has(recent, "<a href=\"/users/alice\">Alice</a>"));
  EXPECT_TRUE(Has(recent, "<a href=\"/users/bob\">bob</a>"));  // empty display name: the login name
  EXPECT_TRUE(Has(recent, "4.56 ms"));
  EXPECT_TRUE(Has(recent, "verdict-wrong_answer"));
  EXPECT_TRUE(Has(recent, "title=\"3 min ago\">2026-12-01 22:38 UTC</time>"));
}

TEST(HomePageTest, EmptyHomeSaysSo) {
  const std::string html = HomePage(Anonymous(), nlohmann::json::parse(R"({"competitions": [], "leaderboards": [],
                                                                           "recent": []})"));
  ExpectWellFormed(html, "empty home");
  EXPECT_TRUE(Has(html, "No competitions yet."));
  EXPECT_TRUE(Has(html, "No runs yet."));
}

TEST(ProblemPageTest, ShowsStatementTemplatesSpeedOfLightAndHowToSubmit) {
  const std::string html = ProblemPage(Anonymous(), testing::ProblemDoc());
  ExpectWellFormed(html, "problem");
  EXPECT_TRUE(Has(html, "<title>Vector add \xC2\xB7 kjudge</title>"));
  EXPECT_TRUE(Has(html, "<h1>Vector add</h1>"));
  EXPECT_TRUE(Has(html, "<strong>c = a + b</strong>"));  // Markdown
  EXPECT_FALSE(Has(html, "<script>alert"));
  EXPECT_FALSE(Has(html, "javascript:"));
  EXPECT_TRUE(Has(html, "<a href=\"/api/v1/problems/vectoradd/templates/cuda\" download>template.cu</a>"));
  EXPECT_TRUE(Has(html, "atol=1e-08, rtol=1e-05"));
  EXPECT_TRUE(Has(html, "cuda, hip, cpp"));

  const std::string sol = Element(html, "<table id=\"sol\"");
  EXPECT_EQ(Rows(sol), 2u);
  EXPECT_TRUE(Has(sol, ">H100 SoL</th>"));
  EXPECT_TRUE(Has(sol, ">MI300X SoL</th>"));
  EXPECT_TRUE(Has(sol, "<code>n=1048576, seed=7</code>"));
  EXPECT_TRUE(Has(sol, "3.75 µs <span class=\"badge bound-memory\">memory</span>"));
  EXPECT_TRUE(Has(sol, "60.0 µs"));
  EXPECT_TRUE(Has(sol, "12.6 MB"));
  EXPECT_TRUE(Has(sol, "fp32"));
  EXPECT_TRUE(Has(html, "MI300X: MI300X has no fp32 rate"));
  EXPECT_TRUE(Has(html, "the score is the geometric mean of the medians."));

  EXPECT_TRUE(Has(html, "popcorn-cli submit --gpu H100 --leaderboard vectoradd --mode leaderboard template.cu"));
  EXPECT_TRUE(Has(html, "kjudge submit template.cu --problem vectoradd --gpu H100 --mode leaderboard"));
  EXPECT_TRUE(Has(html, "<code>/leaderboard submit</code>"));
  EXPECT_TRUE(Has(html, "href=\"/leaderboards/vectoradd/H100\""));
  EXPECT_TRUE(Has(html, "href=\"/leaderboards/vectoradd/MI300X\""));
}

TEST(LeaderboardPageTest, ShowsStandingsWithFormattedScores) {
  const std::string html = LeaderboardPage(Anonymous(), testing::LeaderboardDoc());
  ExpectWellFormed(html, "leaderboard");
  EXPECT_TRUE(Has(html, "<h1>Vector add on H100</h1>"));
  EXPECT_TRUE(Has(html, "Ranked by the geometric mean of the benchmark medians, fastest first."));
  EXPECT_TRUE(Has(html, "class=\"notice\">The deadline has passed"));
  EXPECT_TRUE(Has(html, "<svg class=\"chart\""));

  const std::string table = Element(html, "<table id=\"standings\"");
  ASSERT_FALSE(table.empty());
  EXPECT_EQ(Rows(table), 3u);
  EXPECT_EQ(Count(table, "<tr data-user=\""), 3u);
  const auto bob = table.find("<tr data-user=\"bob\">"), alice = table.find("<tr data-user=\"alice\">"),
             carol = table.find("<tr data-user=\"carol\">");
  ASSERT_NE(bob, std::string::npos);
  EXPECT_LT(bob, alice);
  EXPECT_LT(alice, carol);
  const std::string bob_row = table.substr(bob, alice - bob);
  EXPECT_TRUE(Has(bob_row, "<a href=\"/users/bob\">Bob B.</a>"));
  EXPECT_TRUE(Has(bob_row, "12.3 µs"));
  EXPECT_TRUE(Has(bob_row, "3.21 x SoL"));
  EXPECT_TRUE(Has(bob_row, "31.1 %"));
  EXPECT_TRUE(Has(bob_row, "<a href=\"/submissions/17\">#17</a>"));
  EXPECT_TRUE(Has(bob_row, ">4</td>"));
  EXPECT_TRUE(Has(bob_row, "2026-11-30 14:46 UTC"));
  EXPECT_TRUE(Has(table, "<a href=\"/users/alice\">alice</a>"));
  EXPECT_TRUE(Has(table, "4.56 ms"));
  EXPECT_TRUE(Has(table, "1.23 s"));
  const std::string carol_row = table.substr(carol);
  EXPECT_EQ(Count(carol_row, "\u2014"), 2u);  // no sol_ratio: x SoL and % SoL

  EXPECT_TRUE(Has(html, "<a href=\"?page=1\">"));
  EXPECT_TRUE(Has(html, "<span class=\"current\">2</span>"));
  EXPECT_TRUE(Has(html, "<a href=\"?page=3\">3</a>"));

  const std::string late = Element(html, "<table id=\"post-deadline\"");
  EXPECT_TRUE(Has(html, "Unranked post-deadline runs"));
  EXPECT_EQ(Rows(late), 1u);
  EXPECT_TRUE(Has(late, "<tr data-user=\"dave\">"));
  EXPECT_TRUE(Has(late, "812 ns"));
  EXPECT_TRUE(Has(late, "<td class=\"num\">1</td>"));  // would rank first

  EXPECT_TRUE(Has(html, "action=\"/compare\""));
  EXPECT_TRUE(Has(html, "name=\"a\""));
  EXPECT_TRUE(Has(html, "name=\"b\""));
}

TEST(LeaderboardPageTest, OnePageAndNoLateRunsShowNeither) {
  auto doc = testing::LeaderboardDoc();
  doc["pages"] = 1;
  doc["page"] = 1;
  doc["frozen"] = false;
  doc["post_deadline"] = nlohmann::json::array();
  const std::string html = LeaderboardPage(Anonymous(), doc);
  ExpectWellFormed(html, "leaderboard");
  EXPECT_FALSE(Has(html, "?page="));
  EXPECT_FALSE(Has(html, "post-deadline"));
  EXPECT_FALSE(Has(html, "The deadline has passed"));
}

TEST(LeaderboardPageTest, ManyPagesShowAWindow) {
  auto doc = testing::LeaderboardDoc();
  doc["pages"] = 40;
  doc["page"] = 20;
  const std::string html = LeaderboardPage(Anonymous(), doc);
  ExpectWellFormed(html, "leaderboard");
  EXPECT_TRUE(Has(html, "href=\"?page=1\">1</a>"));
  EXPECT_TRUE(Has(html, "href=\"?page=17\">17</a>"));
  EXPECT_TRUE(Has(html, "href=\"?page=40\">40</a>"));
  EXPECT_FALSE(Has(html, "href=\"?page=10\">"));
}

TEST(LeaderboardPageTest, LiveUrlComesFromTheContext) {
  PageContext context = Anonymous();
  context.live_url = "/api/v1/leaderboards/vectoradd/H100/stream";
  const std::string html = LeaderboardPage(context, testing::LeaderboardDoc());
  EXPECT_TRUE(Has(html, "data-live-url=\"/api/v1/leaderboards/vectoradd/H100/stream\""));
  EXPECT_TRUE(Has(html, "<script src=\"/static/live.js\" defer></script>"));
}

TEST(CompetitionPageTest, ShowsScheduleRulePartsAndStandings) {
  const std::string html = CompetitionPage(Anonymous(), testing::CompetitionDoc());
  ExpectWellFormed(html, "competition");
  EXPECT_TRUE(Has(html, "<h1>Winter Kernel Cup</h1>"));
  EXPECT_TRUE(Has(html, "<em>two</em>"));
  EXPECT_TRUE(Has(html, "The fastest gets the part&#39;s max points"));
  EXPECT_TRUE(Has(html, "verdict-running"));
  const std::string parts = Element(html, "<table id=\"parts\"");
  EXPECT_EQ(Rows(parts), 2u);
  EXPECT_TRUE(Has(parts, "href=\"/leaderboards/matmul/H100\""));
  EXPECT_TRUE(Has(parts, "<td class=\"num\">200</td>"));

  const std::string table = Element(html, "<table id=\"standings\"");
  EXPECT_EQ(Rows(table), 2u);
  EXPECT_TRUE(Has(table, "<th class=\"num\">vectoradd / H100</th>"));
  EXPECT_TRUE(Has(table, "<strong>287.5</strong>"));
  EXPECT_TRUE(Has(table, "187.5 <span class=\"muted\">(#1)</span>"));
  const std::string alice = table.substr(table.find("<tr data-user=\"alice\">"));
  EXPECT_TRUE(Has(alice, "50 <span class=\"muted\">(#2)</span>"));
  EXPECT_TRUE(Has(alice, "<td class=\"num\"></td>"));  // no result on matmul: an empty cell
}

TEST(UserPageTest, ShowsEntriesAndHistory) {
  const std::string html = UserPage(Anonymous(), testing::UserDoc());
  ExpectWellFormed(html, "user");
  EXPECT_TRUE(Has(html, "<h1>Alice A.</h1>"));
  EXPECT_TRUE(Has(html, "<code>alice</code>"));
  const std::string entries = Element(html, "<table id=\"entries\"");
  EXPECT_EQ(Rows(entries), 1u);
  EXPECT_TRUE(Has(entries, ">2 / 10</td>"));
  EXPECT_TRUE(Has(entries, "4.56 ms"));
  EXPECT_TRUE(Has(entries, "10.5 x SoL"));
  EXPECT_TRUE(Has(entries, "href=\"/leaderboards/vectoradd/H100\""));
  EXPECT_TRUE(Has(entries, "href=\"/submissions/18\""));
  const std::string history = Element(html, "<table id=\"history\"");
  EXPECT_EQ(Rows(history), 2u);
  EXPECT_TRUE(Has(history, "verdict-compile_error\">compile error</span>"));
  EXPECT_TRUE(Has(history, "href=\"/submissions/16\""));
  EXPECT_TRUE(Has(history, ">test</td>"));
}

TEST(SubmissionPageTest, ShowsVerdictCasesLogsAndSource) {
  const std::string html = SubmissionPage(Anonymous(), testing::SubmissionDoc());
  ExpectWellFormed(html, "submission");
  EXPECT_TRUE(Has(html, "<h1>Submission #18</h1>"));
  EXPECT_TRUE(Has(html, "<span class=\"verdict verdict-passed big\">passed</span>"));
  EXPECT_TRUE(Has(html, "<a href=\"/users/alice\">alice</a>"));
  EXPECT_TRUE(Has(html, "<code>solution.cu</code>"));
  EXPECT_TRUE(Has(html, "all 3 cases passed"));
  EXPECT_FALSE(Has(html, "data-live-url"));  // the caller decides

  const std::string cases = Element(html, "<table class=\"cases\" id=\"cases\"");
  ASSERT_FALSE(cases.empty());
  EXPECT_EQ(Rows(cases), 3u);
  EXPECT_TRUE(Has(cases, "12.3 µs"));                   // median
  EXPECT_TRUE(Has(cases, "12.4 µs \xC2\xB1 150 ns"));   // mean ± stddev
  EXPECT_TRUE(Has(cases, ">120</td>"));                 // samples
  EXPECT_TRUE(Has(cases, "3.75 µs"));                   // speed of light
  EXPECT_TRUE(Has(cases, "3.29 x SoL"));                // 12345 / 3751.2
  EXPECT_TRUE(Has(cases, "1410\xE2\x80\x93" "1755 MHz"));
  EXPECT_TRUE(Has(cases, "<span class=\"throttled\" title=\"sw_thermal\">throttled</span>"));
  EXPECT_TRUE(Has(cases, "mismatch at index 12: got 1.5, want 2.5"));
  EXPECT_TRUE(Has(cases, "class=\"fail\""));
  EXPECT_FALSE(Has(cases, ">0 ns<"));                   // a test case has no speed of light

  EXPECT_TRUE(Has(html, "<pre class=\"log\">nvcc warning: &lt;unused variable&gt;</pre>"));
  EXPECT_TRUE(Has(html, "<pre class=\"log\">ran 3 cases</pre>"));
  EXPECT_TRUE(Has(html, "<pre class=\"source\"><code>#include &lt;cuda.h&gt;"));
  EXPECT_TRUE(Has(html, "if (a &lt; b &amp;&amp; c)"));
}

TEST(SubmissionPageTest, HiddenSourceSaysWhenItBecomesVisible) {
  auto doc = testing::SubmissionDoc();
  doc["source_visible"] = false;
  doc.erase("source");
  const std::string html = SubmissionPage(Anonymous(), doc);
  ExpectWellFormed(html, "submission");
  EXPECT_FALSE(Has(html, "class=\"source\""));
  EXPECT_TRUE(Has(html, "once a competition holding this leaderboard has ended"));
}

TEST(SubmissionPageTest, EveryRunGetsItsOwnTable) {
  auto doc = testing::SubmissionDoc();
  doc["runs"].push_back(doc["runs"][0]);
  doc["runs"][1]["id"] = 32;
  doc["runs"][1]["verdict"] = "time_limit";
  doc["status"] = "queued";
  doc["queue"] = {{"summary", "3rd in the H100 queue (2 jobs ahead)"}};
  const std::string html = SubmissionPage(Anonymous(), doc);
  ExpectWellFormed(html, "submission");
  EXPECT_EQ(Count(html, "id=\"cases\""), 1u);
  EXPECT_TRUE(Has(html, "id=\"cases-2\""));
  EXPECT_TRUE(Has(html, "verdict-time_limit"));
  EXPECT_TRUE(Has(html, "3rd in the H100 queue (2 jobs ahead)"));
}

TEST(ComparePageTest, ShowsBothRunsAndPerCaseVerdicts) {
  const std::string html = ComparePage(Anonymous(), testing::CompareDoc());
  ExpectWellFormed(html, "compare");
  EXPECT_TRUE(Has(html, "href=\"/submissions/17\""));
  EXPECT_TRUE(Has(html, "href=\"/submissions/18\""));
  EXPECT_TRUE(Has(html, "<a href=\"/users/bob\">Bob B.</a>"));
  EXPECT_TRUE(Has(html, "href=\"/leaderboards/vectoradd/H100\""));
  EXPECT_TRUE(Has(html, "Score: A 12.3 µs, B 13.9 µs (B relative to A: +12.5 %)"));
  const std::string table = Element(html, "<table id=\"compare\"");
  EXPECT_EQ(Rows(table), 3u);
  EXPECT_TRUE(Has(table, ">A faster<"));
  EXPECT_TRUE(Has(table, ">B faster<"));
  EXPECT_TRUE(Has(table, ">within noise<"));
  EXPECT_TRUE(Has(table, "-12.5 %"));
  EXPECT_TRUE(Has(table, "+0.56 %"));
  EXPECT_TRUE(Has(table, "\xC2\xB1 1.2 %"));
  EXPECT_TRUE(Has(table, "80.0 µs"));
}

TEST(LoginPageTest, PostsATokenAndShowsTheError) {
  const std::string html = LoginPage(Anonymous(), "That token is <not> valid");
  ExpectWellFormed(html, "login");
  EXPECT_TRUE(Has(html, "<form class=\"login\" method=\"post\" action=\"/login\">"));
  EXPECT_TRUE(Has(html, "<input type=\"password\" id=\"token\" name=\"token\""));
  EXPECT_TRUE(Has(html, "<p class=\"error\" role=\"alert\">That token is &lt;not&gt; valid</p>"));
  EXPECT_FALSE(Has(LoginPage(Anonymous(), ""), "class=\"error\""));
}

TEST(ErrorPageTest, ShowsStatusAndMessage) {
  const std::string html = ErrorPage(Anonymous(), 404, "no problem named '<x>'");
  ExpectWellFormed(html, "error");
  EXPECT_TRUE(Has(html, "<h1>Not found</h1>"));
  EXPECT_TRUE(Has(html, "404: no problem named &#39;&lt;x&gt;&#39;"));
  EXPECT_TRUE(Has(ErrorPage(Anonymous(), 500, ""), "<h1>Server error</h1>"));
}

TEST(PagesTest, SignedInViewerAppearsOnEveryPage) {
  PageContext context = Anonymous();
  context.viewer = "alice";
  const std::vector<std::function<std::string()>> pages = {
      [&] { return HomePage(context, testing::HomeDoc()); },
      [&] { return ProblemPage(context, testing::ProblemDoc()); },
      [&] { return LeaderboardPage(context, testing::LeaderboardDoc()); },
      [&] { return CompetitionPage(context, testing::CompetitionDoc()); },
      [&] { return UserPage(context, testing::UserDoc()); },
      [&] { return SubmissionPage(context, testing::SubmissionDoc()); },
      [&] { return ComparePage(context, testing::CompareDoc()); },
      [&] { return LoginPage(context, ""); },
      [&] { return ErrorPage(context, 403, "no"); }};
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const std::string html = pages[i]();
    EXPECT_TRUE(Has(html, "signed in as <a href=\"/users/alice\">alice</a>")) << i;
    EXPECT_TRUE(Has(html, "action=\"/logout\"")) << i;
  }
}

}  // namespace
}  // namespace kjudge::web
