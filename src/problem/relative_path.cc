#include "kjudge/problem/relative_path.h"

#include <algorithm>

#include "kjudge/problem/spec.h"

namespace kjudge::problem {

std::optional<std::string> CheckRelativePath(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.size() > kMaxPathBytes) return "is longer than " + std::to_string(kMaxPathBytes) + " bytes";
  if (path[0] == '/') return "is absolute: name a file inside the problem directory";
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') {
      return "contains a control character or a backslash";
    }
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") return "leaves the problem directory ('..')";
    if (part.empty() || part == ".") return "has an empty or '.' component: write it as a plain relative path";
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace kjudge::problem
