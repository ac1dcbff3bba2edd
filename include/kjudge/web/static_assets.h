// The two files under /static/: the stylesheet every page links and the script that reloads a
// page on live updates. They are compiled in, so a server binary is the whole site.
//
// Thread safety: immutable data; FindAsset may be called from any thread.
#pragma once

#include <string_view>

namespace kjudge::web {

/// A static file as served: its Content-Type and its bytes.
struct Asset {
  std::string_view content_type;
  std::string_view body;
};

/// The asset at `path` ("/static/kjudge.css", "/static/live.js"), or nullptr when there is none.
/// The pointer stays valid for the life of the program.
const Asset* FindAsset(std::string_view path);

}  // namespace kjudge::web
