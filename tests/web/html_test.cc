// Escape and UrlComponent: the two ways user strings enter a page.
#include "kjudge/web/html.h"

#include <gtest/gtest.h>

namespace kjudge::web {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(EscapeTest, EscapesMarkupAndBothQuotes) {
  EXPECT_EQ(Escape("<a href=\"x\" title='y'>&amp;</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(Escape("\"><img src=x onerror=alert(1)>"), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(Escape(""), "");
  EXPECT_EQ(Escape("plain text, 100%"), "plain text, 100%");
}

TEST(EscapeTest, KeepsValidUtf8) {
  const std::string text = "12.3 \xC2\xB5s \xE2\x9C\x93 \xF0\x9F\x98\x80 \xE6\x97\xA5\xE6\x9C\xAC";  // µ ✓ 😀 日本
  EXPECT_EQ(Escape(text), text);
}

TEST(EscapeTest, ReplacesInvalidUtf8ByteByByte) {
  EXPECT_EQ(Escape("\xFF"), kFffd);
  EXPECT_EQ(Escape("a\xC3"), "a" + kFffd);                            // truncated at the end
  EXPECT_EQ(Escape("\xC0\xAF"), kFffd + kFffd);                       // overlong '/'
  EXPECT_EQ(Escape("\xED\xA0\x80"), kFffd + kFffd + kFffd);           // a UTF-16 surrogate
  EXPECT_EQ(Escape("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // past U+10FFFF
  EXPECT_EQ(Escape("\x80x"), kFffd + "x");                            // a lone continuation byte
  // A broken sequence must not swallow the markup character after it.
  EXPECT_EQ(Escape("\xE2\x82<script>"), kFffd + kFffd + "&lt;script&gt;");
  EXPECT_EQ(Escape("\xC3\""), kFffd + "&quot;");
}

TEST(EscapeTest, DropsControlCharactersButNewlineAndTab) {
  EXPECT_EQ(Escape(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(Escape("x\x1B[31mred\r\n\ty\x7F"), "x[31mred\n\ty\x7F");
  EXPECT_EQ(Escape("\x01\x02\x08\x0B\x0C\x1F"), "");
}

TEST(UrlComponentTest, EncodesAllButUnreserved) {
  EXPECT_EQ(UrlComponent("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(UrlComponent("a b/c?d=e&f#g"), "a%20b%2Fc%3Fd%3De%26f%23g");
  EXPECT_EQ(UrlComponent("\"><script>"), "%22%3E%3Cscript%3E");
  EXPECT_EQ(UrlComponent("\xC2\xB5"), "%C2%B5");
  EXPECT_EQ(UrlComponent(".."), "..");
  EXPECT_EQ(UrlComponent("javascript:alert(1)"), "javascript%3Aalert%281%29");
  EXPECT_EQ(UrlComponent(std::string("\0\xFF", 2)), "%00%FF");
}

}  // namespace
}  // namespace kjudge::web
