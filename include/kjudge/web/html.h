// HTML escaping and URL path components: the two ways a string from a user may enter a page.
// Every user string written into a page goes through Escape (text or a quoted attribute value) or,
// inside an href, through UrlComponent first.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace kjudge::web {

/// `text` made safe for HTML text and for double- or single-quoted attribute values: & < > " '
/// become entities, bytes that are not valid UTF-8 become U+FFFD, and C0 control characters other
/// than \n and \t are dropped (they are invalid in HTML and only serve to confuse readers).
std::string Escape(std::string_view text);

/// `text` as one URL path segment or query value: every byte except the unreserved characters
/// (A-Z a-z 0-9 - . _ ~) percent-encoded, so "/" and "?" cannot change the link's structure.
std::string UrlComponent(std::string_view text);

}  // namespace kjudge::web
