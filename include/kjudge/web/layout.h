// The frame every page shares: an HTML5 document with the stylesheet, the site header (home link,
// who is signed in, sign in / sign out), the page's body in <main>, and a footer. It writes no
// inline script or style: pages are served under a CSP that allows only /static/ files.
//
// Thread safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kjudge::web {

/// Who reads a page and when: what every page needs beyond its document.
struct PageContext {
  std::string viewer;       ///< login name of the signed-in reader; empty when anonymous
  bool staff = false;       ///< the reader is staff (admin or organizer)
  std::int64_t now_ms = 0;  ///< the server's clock, Unix milliseconds: ages ("3 min ago") count from it
  std::string live_url;     ///< an SSE URL whose events make the page reload itself; empty for none
};

/// A whole HTML document titled `title` (escaped here) around `body_html` (already HTML).
/// With a live_url, <body> carries it in data-live-url and /static/live.js is loaded.
std::string Layout(const PageContext& context, std::string_view title, std::string_view body_html);

}  // namespace kjudge::web
