// Markdown to HTML for problem and competition descriptions, through cmark (CommonMark).
// Raw HTML in the input is omitted and links or images with unsafe schemes (javascript:,
// vbscript:, file:, data: other than images) lose their URL, so the output may be written into a
// page as is: a description is written by staff but must not be able to run script either.
//
// Thread safety: pure function (cmark keeps no global state between calls).
#pragma once

#include <string>
#include <string_view>

namespace kjudge::web {

/// `markdown` rendered as an HTML fragment. Invalid UTF-8 is replaced by U+FFFD.
std::string RenderMarkdown(std::string_view markdown);

}  // namespace kjudge::web
