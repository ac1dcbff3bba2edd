// RenderMarkdown: CommonMark out, raw HTML and script URLs never.
#include "kjudge/web/markdown.h"

#include <gtest/gtest.h>

#include "markup.h"

namespace kjudge::web {
namespace {

using testing::Describe;
using testing::MarkupProblems;

TEST(MarkdownTest, RendersCommonMark) {
  const std::string html = RenderMarkdown("# Vector add\n\nAdd *two* vectors: `c = a + b`.\n\n- one\n- two\n");
  EXPECT_NE(html.find("<h1>Vector add</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<em>two</em>"), std::string::npos) << html;
  EXPECT_NE(html.find("<code>c = a + b</code>"), std::string::npos) << html;
  EXPECT_NE(html.find("<li>one</li>"), std::string::npos) << html;
}

TEST(MarkdownTest, KeepsSafeLinksAndImages) {
  EXPECT_NE(RenderMarkdown("[docs](https://example.org/x)").find("<a href=\"https://example.org/x\">docs</a>"),
            std::string::npos);
  EXPECT_NE(RenderMarkdown("![dot](data:image/png;base64,iVBOR)").find("src=\"data:image/png;base64,iVBOR\""),
            std::string::npos);
}

TEST(MarkdownTest, OmitsRawHtml) {
  for (const std::string input : {"<script>alert(1)</script>", "before\n\n<script>alert(1)</script>\n\nafter",
                                  "hi <img src=x onerror=alert(1)> there", "<a href=\"https://evil.example\">x</a>",
                                  "<div style=\"color:red\" onclick=\"alert(1)\">x</div>", "<iframe src=x></iframe>",
                                  "<style>body{display:none}</style>", "x <svg onload=alert(1)>"}) {
    const std::string html = RenderMarkdown(input);
    EXPECT_EQ(html.find("<script"), std::string::npos) << input << " -> " << html;
    EXPECT_EQ(html.find("<img"), std::string::npos) << input << " -> " << html;
    EXPECT_EQ(html.find("<a href=\"https://evil"), std::string::npos) << input << " -> " << html;
    EXPECT_EQ(html.find("<svg"), std::string::npos) << input << " -> " << html;
    EXPECT_TRUE(MarkupProblems(html).empty()) << input << " -> " << html << "\n" << Describe(MarkupProblems(html));
  }
  EXPECT_NE(RenderMarkdown("<script>alert(1)</script>").find("raw HTML omitted"), std::string::npos);
}

TEST(MarkdownTest, DropsUnsafeUrlSchemes) {
  for (const std::string input :
       {"[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](vbscript:msgbox)", "[x](file:///etc/passwd)",
        "<javascript:alert(1)>", "![x](javascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x][r]\n\n[r]: javascript:alert(1)"}) {
    const std::string html = RenderMarkdown(input);
    // The URL is dropped from the href or src (the link text may still read "javascript:...").
    for (const char* scheme : {"=\"javascript:", "=\"vbscript:", "=\"file:", "=\"data:text", "=\"JaVaScRiPt:"}) {
      EXPECT_EQ(html.find(scheme), std::string::npos) << input << " -> " << html;
    }
    EXPECT_TRUE(MarkupProblems(html).empty()) << input << " -> " << html << "\n" << Describe(MarkupProblems(html));
  }
}

TEST(MarkdownTest, EscapesTextAndRepairsUtf8) {
  const std::string html = RenderMarkdown("a < b & \"c\" \xFF");
  EXPECT_NE(html.find("a &lt; b &amp; &quot;c&quot; \xEF\xBF\xBD"), std::string::npos) << html;
  EXPECT_EQ(RenderMarkdown(""), "");
}

}  // namespace
}  // namespace kjudge::web
