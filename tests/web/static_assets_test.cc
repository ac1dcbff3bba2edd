// The compiled-in stylesheet and refresh script.
#include "kjudge/web/static_assets.h"

#include <gtest/gtest.h>

#include <string>

namespace kjudge::web {
namespace {

TEST(StaticAssetsTest, ServesTheStylesheet) {
  const Asset* css = FindAsset("/static/kjudge.css");
  ASSERT_NE(css, nullptr);
  EXPECT_TRUE(css->content_type.starts_with("text/css"));
  const std::string body(css->body);
  EXPECT_NE(body.find("@media (prefers-color-scheme: dark)"), std::string::npos);
  EXPECT_NE(body.find("td.num"), std::string::npos);
  EXPECT_NE(body.find("text-align: right"), std::string::npos);
  EXPECT_NE(body.find(".verdict-passed"), std::string::npos);
  EXPECT_NE(body.find(".verdict-wrong_answer"), std::string::npos);
  EXPECT_NE(body.find("@media (max-width"), std::string::npos);
  // Balanced braces: a stray one would silently drop every rule after it.
  int depth = 0;
  for (char c : body) {
    depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    ASSERT_GE(depth, 0);
  }
  EXPECT_EQ(depth, 0);
}

TEST(StaticAssetsTest, ServesTheLiveScript) {
  const Asset* js = FindAsset("/static/live.js");
  ASSERT_NE(js, nullptr);
  EXPECT_TRUE(js->content_type.starts_with("text/javascript"));
  const std::string body(js->body);
  EXPECT_NE(body.find("data-live-url"), std::string::npos);
  EXPECT_NE(body.find("new EventSource(url)"), std::string::npos);
  EXPECT_NE(body.find("onmessage"), std::string::npos);
  EXPECT_NE(body.find("3000"), std::string::npos);
  EXPECT_NE(body.find("pagehide"), std::string::npos);
  EXPECT_NE(body.find("source.close()"), std::string::npos);
  EXPECT_EQ(body.find("eval("), std::string::npos);
  EXPECT_EQ(body.find("innerHTML"), std::string::npos);
}

TEST(StaticAssetsTest, KnowsNothingElse) {
  for (const char* path : {"/static/", "/static/kjudge.css/", "/static/../kjudge.css", "kjudge.css", "/static/KJUDGE.CSS",
                           "/static/live.js.map", ""}) {
    EXPECT_EQ(FindAsset(path), nullptr) << path;
  }
}

}  // namespace
}  // namespace kjudge::web
