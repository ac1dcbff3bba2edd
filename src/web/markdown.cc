#include "kjudge/web/markdown.h"

#include <cmark.h>

#include <cstdlib>
#include <memory>

namespace kjudge::web {

std::string RenderMarkdown(std::string_view markdown) {
  // cmark 0.30 is safe by default: CMARK_OPT_UNSAFE, which we never pass, is what lets raw HTML
  // and javascript: links through.
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  std::unique_ptr<char, decltype(&std::free)> html(cmark_markdown_to_html(markdown.data(), markdown.size(), options),
                                                   &std::free);
  return html ? std::string(html.get()) : std::string();
}

}  // namespace kjudge::web
