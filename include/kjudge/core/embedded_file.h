// A file compiled into the binary (see cmake/KjudgeEmbed.cmake): database migrations, the judged
// harness's sources. The binary then needs no data directory at run time.
#pragma once

#include <span>
#include <string_view>

namespace kjudge {

struct EmbeddedFile {
  std::string_view path;     ///< relative to the directory it was embedded from
  std::string_view content;  ///< exact bytes
};

}  // namespace kjudge
