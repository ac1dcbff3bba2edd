// multipart/form-data (RFC 7578 over RFC 2046): the body popcorn-cli, browsers and curl send a
// file in. The parser is strict — CRLF line ends, a boundary taken from Content-Type, one
// Content-Disposition of type form-data with a name per part — and bounded, because every byte of
// it comes from the network: part count, header block size and part size are capped, and any
// malformed input is an Error naming what is wrong, never a crash or an over-read.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::http {

/// Caps on what one form may hold; the defaults fit a source-file upload.
struct MultipartLimits {
  std::size_t max_parts = 16;               ///< a form with more parts is refused
  std::size_t max_part_bytes = 1 << 20;     ///< the body of any one part (kResourceExhausted beyond)
  std::size_t max_header_bytes = 8 * 1024;  ///< one part's header block, CRLFs included
  std::size_t max_header_lines = 16;        ///< header lines in one part
};

/// One field of a form.
struct MultipartPart {
  std::string name;                     ///< Content-Disposition name (name*=utf-8'' decoded)
  std::optional<std::string> filename;  ///< present for file fields (may be empty)
  std::string content_type;             ///< the part's Content-Type; empty when not sent
  std::string body;                     ///< exact bytes
};

struct MultipartForm {
  std::vector<MultipartPart> parts;  ///< in the order sent

  /// The first part named `name`, or null.
  const MultipartPart* Find(std::string_view name) const;
  /// How many parts are named `name`.
  std::size_t Count(std::string_view name) const;
};

/// The boundary of a `multipart/form-data; boundary=...` Content-Type value (the media type and
/// parameter names compared case-insensitively, the boundary possibly quoted). kInvalidArgument
/// for another media type, a missing boundary, or one RFC 2046 does not allow (1-70 characters
/// of its bchars, not ending in a space).
Result<std::string> MultipartBoundary(std::string_view content_type);

/// Parses `body` sent with `content_type`. kInvalidArgument for malformed input (the message says
/// what and roughly where); kResourceExhausted when a limit of `limits` is exceeded.
Result<MultipartForm> ParseMultipart(std::string_view content_type, std::string_view body,
                                     const MultipartLimits& limits = {});

}  // namespace kjudge::http
