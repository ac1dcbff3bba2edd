// The frame around every page: document head, account header, live refresh, no inline code.
#include "kjudge/web/layout.h"

#include <gtest/gtest.h>

#include "markup.h"

namespace kjudge::web {
namespace {

using testing::Describe;
using testing::MarkupProblems;

bool Has(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

TEST(LayoutTest, AnonymousReaderIsOfferedSignIn) {
  const std::string html = Layout(PageContext{}, "Standings", "<p>body</p>");
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_TRUE(Has(html, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(Has(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
  EXPECT_TRUE(Has(html, "<link rel=\"stylesheet\" href=\"/static/kjudge.css\">"));
  EXPECT_TRUE(Has(html, "<title>Standings \xC2\xB7 kjudge</title>"));
  EXPECT_TRUE(Has(html, "<a class=\"brand\" href=\"/\">kjudge</a>"));
  EXPECT_TRUE(Has(html, "href=\"/login\">Sign in</a>"));
  EXPECT_TRUE(Has(html, "<main>\n<p>body</p>\n</main>"));
  EXPECT_TRUE(Has(html, "<footer"));
  EXPECT_FALSE(Has(html, "/logout"));
  EXPECT_FALSE(Has(html, "<script"));
  EXPECT_FALSE(Has(html, "data-live-url"));
  EXPECT_TRUE(Has(html, "<body>"));
  EXPECT_TRUE(MarkupProblems(html).empty()) << Describe(MarkupProblems(html));
}

TEST(LayoutTest, SignedInReaderSeesNameAndLogoutForm) {
  PageContext context;
  context.viewer = "alice";
  context.staff = true;
  const std::string html = Layout(context, "Home", "");
  EXPECT_TRUE(Has(html, "signed in as <a href=\"/users/alice\">alice</a>"));
  EXPECT_TRUE(Has(html, "<form class=\"logout\" method=\"post\" action=\"/logout\">"));
  EXPECT_TRUE(Has(html, ">staff<"));
  EXPECT_FALSE(Has(html, "href=\"/login\""));
  EXPECT_TRUE(MarkupProblems(html).empty()) << Describe(MarkupProblems(html));
}

TEST(LayoutTest, LiveUrlLoadsTheRefreshScript) {
  PageContext context;
  context.live_url = "/api/v1/leaderboards/vectoradd/H100/stream";
  const std::string html = Layout(context, "x", "");
  EXPECT_TRUE(Has(html, "<body data-live-url=\"/api/v1/leaderboards/vectoradd/H100/stream\">"));
  EXPECT_TRUE(Has(html, "<script src=\"/static/live.js\" defer></script>"));
  EXPECT_TRUE(MarkupProblems(html).empty()) << Describe(MarkupProblems(html));
}

TEST(LayoutTest, EscapesTitleViewerAndLiveUrl) {
  PageContext context;
  context.viewer = "<script>alert(1)</script>";
  context.live_url = "\"><script>alert(1)</script>";
  const std::string html = Layout(context, "</title><script>alert(1)</script>", "");
  EXPECT_FALSE(Has(html, "<script>alert"));
  EXPECT_TRUE(Has(html, "/users/%3Cscript%3Ealert%281%29%3C%2Fscript%3E"));
  EXPECT_TRUE(MarkupProblems(html).empty()) << Describe(MarkupProblems(html));
}

TEST(LayoutTest, EmptyTitleIsJustTheSiteName) {
  EXPECT_TRUE(Has(Layout(PageContext{}, "", ""), "<title>kjudge</title>"));
}

}  // namespace
}  // namespace kjudge::web
