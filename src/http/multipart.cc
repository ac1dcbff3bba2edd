#include "kjudge/http/multipart.h"

#include <algorithm>
#include <cctype>

namespace kjudge::http {

namespace {

constexpr std::string_view kCrlf = "\r\n";
/// RFC 2046: a boundary is 1 to 70 characters.
constexpr std::size_t kMaxBoundaryBytes = 70;

Error Malformed(std::string message) { return MakeError(ErrorCode::kInvalidArgument, "malformed multipart body: " + std::move(message)); }

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

/// RFC 9110 tchar.
bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

/// RFC 2046 bchars (space allowed, but not as the last character).
bool IsBoundaryChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimWhitespace(std::string_view s) {
  while (!s.empty() && IsWhitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWhitespace(s.back())) s.remove_suffix(1);
  return s;
}

/// A `type; a=b; c="d"` header value: its leading token and its parameters (names lower-cased,
/// values unquoted), in order.
struct ParameterizedValue {
  std::string value;
  std::vector<std::pair<std::string, std::string>> params;

  /// The parameter's value, or nullopt. Duplicates are refused by the parser.
  std::optional<std::string> Get(std::string_view name) const {
    for (const auto& [k, v] : params) {
      if (k == name) return v;
    }
    return std::nullopt;
  }
};

/// Parses `text` as `value *( OWS ";" OWS name "=" ( token / quoted-string ) )`. `value` is
/// `what` in messages. The leading value may contain '/' (a media type).
Result<ParameterizedValue> ParseParameterized(std::string_view text, std::string_view what) {
  ParameterizedValue out;
  std::size_t i = 0;
  auto skip_ws = [&] {
    while (i < text.size() && IsWhitespace(text[i])) ++i;
  };
  skip_ws();
  const std::size_t value_start = i;
  while (i < text.size() && (IsTokenChar(text[i]) || text[i] == '/')) ++i;
  out.value = std::string(text.substr(value_start, i - value_start));
  if (out.value.empty()) return Malformed(std::string(what) + " is empty or starts with an invalid character");
  skip_ws();
  while (i < text.size()) {
    if (text[i] != ';') return Malformed(std::string(what) + ": expected ';' at offset " + std::to_string(i));
    ++i;
    skip_ws();
    if (i == text.size()) break;  // a trailing ';' is harmless
    const std::size_t name_start = i;
    while (i < text.size() && IsTokenChar(text[i])) ++i;
    std::string name = ToLower(text.substr(name_start, i - name_start));
    if (name.empty() || i == text.size() || text[i] != '=') {
      return Malformed(std::string(what) + ": expected name=value at offset " + std::to_string(name_start));
    }
    ++i;
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char c = text[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == text.size()) break;
          value.push_back(text[i++]);
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return Malformed(std::string(what) + ": unterminated quoted string in parameter '" + name + "'");
    } else {
      const std::size_t start = i;
      while (i < text.size() && IsTokenChar(text[i])) ++i;
      value = std::string(text.substr(start, i - start));
      if (value.empty()) return Malformed(std::string(what) + ": parameter '" + name + "' has no value");
    }
    if (out.Get(name)) return Malformed(std::string(what) + ": parameter '" + name + "' appears twice");
    out.params.emplace_back(std::move(name), std::move(value));
    skip_ws();
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = Lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/// RFC 8187 ext-value: charset "'" [language] "'" percent-encoded bytes (utf-8 only).
Result<std::string> DecodeExtValue(std::string_view text, std::string_view param) {
  const auto first = text.find('\'');
  const auto second = first == std::string_view::npos ? first : text.find('\'', first + 1);
  if (second == std::string_view::npos || !EqualsIgnoreCase(text.substr(0, first), "utf-8")) {
    return Malformed("parameter '" + std::string(param) + "' must be utf-8''percent-encoded");
  }
  std::string out;
  for (std::size_t i = second + 1; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) {
      return Malformed("parameter '" + std::string(param) + "' has a truncated %-escape");
    }
    const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return Malformed("parameter '" + std::string(param) + "' has an invalid %-escape");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

/// Reads one part's header block (the bytes between its boundary line and the empty line).
Status ParsePartHeaders(std::string_view block, std::size_t part_number, const MultipartLimits& limits, MultipartPart* part) {
  const std::string where = "part " + std::to_string(part_number);
  bool have_disposition = false, have_type = false, have_encoding = false;
  std::size_t lines = 0;
  while (!block.empty()) {
    const auto end = block.find(kCrlf);
    std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + kCrlf.size());
    if (++lines > limits.max_header_lines) {
      return MakeError(ErrorCode::kResourceExhausted, where + " has more than " + std::to_string(limits.max_header_lines) + " header lines");
    }
    if (line.empty()) return Malformed(where + " has an empty header line");
    if (IsWhitespace(line.front())) return Malformed(where + ": folded (continued) header lines are not allowed");
    for (char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) return Malformed(where + ": a header contains a control character");
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Malformed(where + ": header line without 'Name:'");
    const std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), IsTokenChar)) return Malformed(where + ": invalid header name");
    const std::string_view value = TrimWhitespace(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "content-disposition")) {
      if (have_disposition) return Malformed(where + " has two Content-Disposition headers");
      have_disposition = true;
      KJ_ASSIGN_OR_RETURN(ParameterizedValue cd, ParseParameterized(value, where + " Content-Disposition"));
      if (!EqualsIgnoreCase(cd.value, "form-data")) {
        return Malformed(where + ": Content-Disposition must be form-data, not '" + cd.value + "'");
      }
      auto plain_name = cd.Get("name");
      auto ext_name = cd.Get("name*");
      if (plain_name && ext_name) return Malformed(where + " has both name and name*");
      if (ext_name) {
        KJ_ASSIGN_OR_RETURN(part->name, DecodeExtValue(*ext_name, "name*"));
      } else if (plain_name) {
        part->name = *plain_name;
      }
      if (part->name.empty()) return Malformed(where + ": Content-Disposition has no field name");
      auto plain_file = cd.Get("filename");
      auto ext_file = cd.Get("filename*");
      if (plain_file && ext_file) return Malformed(where + " has both filename and filename*");
      if (ext_file) {
        KJ_ASSIGN_OR_RETURN(std::string decoded, DecodeExtValue(*ext_file, "filename*"));
        part->filename = std::move(decoded);
      } else if (plain_file) {
        part->filename = *plain_file;
      }
    } else if (EqualsIgnoreCase(name, "content-type")) {
      if (have_type) return Malformed(where + " has two Content-Type headers");
      have_type = true;
      if (value.empty()) return Malformed(where + " has an empty Content-Type");
      part->content_type = std::string(value);
    } else if (EqualsIgnoreCase(name, "content-transfer-encoding")) {
      // RFC 7578 4.7: deprecated; only identity encodings make sense over HTTP.
      if (have_encoding) return Malformed(where + " has two Content-Transfer-Encoding headers");
      have_encoding = true;
      if (!EqualsIgnoreCase(value, "binary") && !EqualsIgnoreCase(value, "8bit") && !EqualsIgnoreCase(value, "7bit")) {
        return Malformed(where + ": Content-Transfer-Encoding '" + std::string(value) + "' is not supported (send the bytes as they are)");
      }
    }
    // Any other header is ignored (RFC 7578 4.8).
  }
  if (!have_disposition) return Malformed(where + " has no Content-Disposition header");
  return Ok();
}

/// The line start at or after `from` (just past a CRLF, or `from` itself when it is 0) whose line
/// begins with `delimiter`, as the offset of its CRLF (or 0 for the body's first line); npos when
/// none. Linear: a delimiter holds no CR, so the bytes compared after each CRLF never overlap the
/// next one.
std::size_t FindDelimiterLine(std::string_view body, std::size_t from, std::string_view delimiter) {
  for (std::size_t crlf = body.find(kCrlf, from); crlf != std::string_view::npos; crlf = body.find(kCrlf, crlf + 1)) {
    if (body.substr(crlf + kCrlf.size(), delimiter.size()) == delimiter) return crlf;
  }
  return std::string_view::npos;
}

}  // namespace

const MultipartPart* MultipartForm::Find(std::string_view name) const {
  for (const auto& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::size_t MultipartForm::Count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(parts.begin(), parts.end(), [&](const MultipartPart& p) { return p.name == name; }));
}

Result<std::string> MultipartBoundary(std::string_view content_type) {
  if (content_type.empty()) return MakeError(ErrorCode::kInvalidArgument, "expected a multipart/form-data body, but no Content-Type was sent");
  auto parsed = ParseParameterized(content_type, "Content-Type");
  if (!parsed.ok()) return MakeError(ErrorCode::kInvalidArgument, parsed.error().message);
  if (!EqualsIgnoreCase(parsed->value, "multipart/form-data")) {
    return MakeError(ErrorCode::kInvalidArgument, "expected Content-Type multipart/form-data, got '" + parsed->value + "'");
  }
  auto boundary = parsed->Get("boundary");
  if (!boundary) return MakeError(ErrorCode::kInvalidArgument, "the multipart/form-data Content-Type has no boundary parameter");
  if (boundary->empty() || boundary->size() > kMaxBoundaryBytes || boundary->back() == ' ' ||
      !std::all_of(boundary->begin(), boundary->end(), IsBoundaryChar)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the multipart boundary must be 1 to 70 letters, digits or '()+_,-./:=? (RFC 2046)");
  }
  return *boundary;
}

Result<MultipartForm> ParseMultipart(std::string_view content_type, std::string_view body, const MultipartLimits& limits) {
  KJ_ASSIGN_OR_RETURN(std::string boundary, MultipartBoundary(content_type));
  const std::string delimiter = "--" + boundary;

  // The first boundary line opens the body or follows a preamble (which is ignored).
  std::size_t pos;
  if (body.substr(0, delimiter.size()) == delimiter) {
    pos = 0;
  } else {
    const std::size_t crlf = FindDelimiterLine(body, 0, delimiter);
    if (crlf == std::string_view::npos) return Malformed("no line '" + delimiter + "' starts a part");
    pos = crlf + kCrlf.size();
  }

  MultipartForm form;
  for (;;) {
    // `pos` is the start of a boundary line.
    std::size_t p = pos + delimiter.size();
    if (body.substr(p, 2) == "--") {
      if (form.parts.empty()) return Malformed("the form has no parts");
      return form;  // the close delimiter; whatever follows is epilogue
    }
    while (p < body.size() && IsWhitespace(body[p])) ++p;  // transport padding
    if (body.substr(p, kCrlf.size()) != kCrlf) {
      if (p >= body.size()) return Malformed("the body ends without the closing '" + delimiter + "--' line");
      return Malformed("a line at byte " + std::to_string(pos) + " starts with the boundary but is not a boundary line");
    }
    const std::size_t part_number = form.parts.size() + 1;
    if (part_number > limits.max_parts) {
      return MakeError(ErrorCode::kResourceExhausted, "the form has more than " + std::to_string(limits.max_parts) + " parts");
    }
    const std::size_t headers_start = p + kCrlf.size();
    std::size_t content_start;
    std::string_view header_block;
    if (body.substr(headers_start, kCrlf.size()) == kCrlf) {
      content_start = headers_start + kCrlf.size();  // no headers at all (refused below)
    } else {
      const std::string_view window = body.substr(headers_start, limits.max_header_bytes + 4);
      const auto end = window.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        if (window.size() > limits.max_header_bytes) {
          return MakeError(ErrorCode::kResourceExhausted, "the headers of part " + std::to_string(part_number) +
                                                              " are longer than " + std::to_string(limits.max_header_bytes) + " bytes");
        }
        return Malformed("the headers of part " + std::to_string(part_number) + " do not end with an empty line");
      }
      header_block = window.substr(0, end);
      content_start = headers_start + end + 4;
    }
    // The search starts at the CRLF that ends the header block: a part with no body at all
    // ("...\r\n\r\n--B") ends right there.
    const std::size_t next = FindDelimiterLine(body, content_start - kCrlf.size(), delimiter);
    if (next == std::string_view::npos) {
      return Malformed("part " + std::to_string(part_number) + " is not followed by a boundary line");
    }
    MultipartPart part;
    KJ_RETURN_IF_ERROR(ParsePartHeaders(header_block, part_number, limits, &part));
    const std::size_t content_end = std::max(next, content_start);
    if (content_end - content_start > limits.max_part_bytes) {
      return MakeError(ErrorCode::kResourceExhausted, "part '" + part.name + "' is larger than " +
                                                          std::to_string(limits.max_part_bytes) + " bytes");
    }
    part.body = std::string(body.substr(content_start, content_end - content_start));
    form.parts.push_back(std::move(part));
    pos = next + kCrlf.size();
  }
}

}  // namespace kjudge::http
