// A small reader of the HTML our pages write, for tests: the tags with their (entity-decoded)
// attributes, whether every element is closed in order, and the safety properties a page must
// keep whatever its document holds (no inline script or style, no event handler attributes, no
// javascript: URLs). It is strict where our output is regular (every attribute quoted, no stray
// '<'), so a payload that escaped escaping shows up as a markup error.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kjudge::web::testing {

struct Tag {
  std::string name;  ///< lower case
  bool closing = false;
  bool self_closing = false;
  std::vector<std::pair<std::string, std::string>> attributes;  ///< names lower case, values decoded

  const std::string* Attribute(std::string_view attr) const {
    for (const auto& [n, v] : attributes) {
      if (n == attr) return &v;
    }
    return nullptr;
  }
};

/// `text` with character references decoded (named ones we write, and numeric ones).
inline std::string DecodeEntities(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    const std::size_t semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += '&';
      continue;
    }
    const std::string_view name = text.substr(i + 1, semi - i - 1);
    std::uint32_t cp = 0;
    if (name == "amp") cp = '&';
    else if (name == "lt") cp = '<';
    else if (name == "gt") cp = '>';
    else if (name == "quot") cp = '"';
    else if (name == "apos") cp = '\'';
    else if (name == "colon") cp = ':';
    else if (!name.empty() && name[0] == '#') {
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      cp = static_cast<std::uint32_t>(std::stoul(std::string(name.substr(hex ? 2 : 1)), nullptr, hex ? 16 : 10));
    } else {
      out += '&';
      continue;
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else {
      out += '?';  // only ASCII matters to the checks
    }
    i = semi;
  }
  return out;
}

/// Every tag of `html` (comments and the doctype skipped). Appends to `errors` what it cannot read.
inline std::vector<Tag> Tags(std::string_view html, std::vector<std::string>* errors) {
  std::vector<Tag> tags;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.substr(i, 4) == "<!--") {
      const std::size_t end = html.find("-->", i);
      if (end == std::string_view::npos) {
        errors->push_back("unterminated comment");
        break;
      }
      i = end + 3;
      continue;
    }
    if (html.substr(i, 2) == "<!") {
      i = html.find('>', i);
      if (i == std::string_view::npos) break;
      continue;
    }
    Tag tag;
    std::size_t k = i + 1;
    if (k < html.size() && html[k] == '/') {
      tag.closing = true;
      ++k;
    }
    while (k < html.size() && (std::isalnum(static_cast<unsigned char>(html[k])) || html[k] == '-')) {
      tag.name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[k])));
      ++k;
    }
    if (tag.name.empty()) {
      errors->push_back("stray '<' at " + std::to_string(i) + ": " + std::string(html.substr(i, 40)));
      ++i;
      continue;
    }
    bool ended = false;
    while (k < html.size()) {
      while (k < html.size() && std::isspace(static_cast<unsigned char>(html[k]))) ++k;
      if (k >= html.size()) break;
      if (html[k] == '>') {
        ended = true;
        ++k;
        break;
      }
      if (html.substr(k, 2) == "/>") {
        tag.self_closing = ended = true;
        k += 2;
        break;
      }
      std::string name;
      while (k < html.size() && !std::isspace(static_cast<unsigned char>(html[k])) && html[k] != '=' &&
             html[k] != '>' && html.substr(k, 2) != "/>") {
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[k])));
        ++k;
      }
      std::string value;
      if (k < html.size() && html[k] == '=') {
        ++k;
        if (k < html.size() && (html[k] == '"' || html[k] == '\'')) {
          const char quote = html[k];
          const std::size_t close = html.find(quote, k + 1);
          if (close == std::string_view::npos) break;
          value = DecodeEntities(html.substr(k + 1, close - k - 1));
          k = close + 1;
        } else {
          errors->push_back("unquoted value of " + name + " in <" + tag.name + ">");
          while (k < html.size() && !std::isspace(static_cast<unsigned char>(html[k])) && html[k] != '>') value += html[k++];
          value = DecodeEntities(value);
        }
      }
      if (name.empty()) {
        errors->push_back("bad attribute in <" + tag.name + ">");
        ++k;
        continue;
      }
      tag.attributes.emplace_back(std::move(name), std::move(value));
    }
    if (!ended) errors->push_back("unterminated <" + tag.name + ">");
    tags.push_back(std::move(tag));
    i = k;
  }
  return tags;
}

inline bool IsVoid(const std::string& name) {
  static const std::vector<std::string> kVoid{"area", "base", "br", "col", "embed", "hr", "img",
                                              "input", "link", "meta", "source", "track", "wbr"};
  return std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end();
}

/// What is wrong with `html`'s structure and safety; empty when nothing is.
inline std::vector<std::string> MarkupProblems(std::string_view html) {
  std::vector<std::string> errors;
  std::vector<std::string> open;
  for (const Tag& tag : Tags(html, &errors)) {
    for (const auto& [name, value] : tag.attributes) {
      if (name.size() > 2 && name.starts_with("on")) errors.push_back("event handler " + name + " on <" + tag.name + ">");
      if (name == "style") errors.push_back("inline style on <" + tag.name + ">");
      if (name == "href" || name == "src" || name == "action" || name == "formaction" || name == "xlink:href") {
        std::string url;
        for (char c : value) {
          if (!std::isspace(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) >= 0x20) {
            url += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          }
        }
        if (url.starts_with("javascript:") || url.starts_with("vbscript:") || url.starts_with("data:text")) {
          errors.push_back("script URL in " + name + " of <" + tag.name + ">: " + value);
        }
      }
    }
    if (tag.name == "style") errors.push_back("<style> element");
    if (tag.name == "script" && !tag.closing && tag.Attribute("src") == nullptr) errors.push_back("inline <script>");
    if (tag.name == "iframe" || tag.name == "object" || tag.name == "embed" || tag.name == "base") {
      errors.push_back("<" + tag.name + "> element");
    }
    if (tag.closing) {
      if (open.empty() || open.back() != tag.name) {
        errors.push_back("</" + tag.name + "> closes " + (open.empty() ? std::string("nothing") : "<" + open.back() + ">"));
      } else {
        open.pop_back();
      }
    } else if (!tag.self_closing && !IsVoid(tag.name)) {
      open.push_back(tag.name);
    }
  }
  for (const auto& name : open) errors.push_back("<" + name + "> never closed");
  return errors;
}

/// The problems joined into one message for a test failure.
inline std::string Describe(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

/// How many times `needle` occurs in `haystack`.
inline std::size_t Count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace kjudge::web::testing
