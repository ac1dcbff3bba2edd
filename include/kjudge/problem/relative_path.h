// Relative paths a problem may name: plain, '/'-separated, inside the problem directory. The spec
// parser applies this to every file a spec names, so the keys of a ProblemBundle's `files` are
// always safe to join onto a directory (a runner writing a bundle to disk relies on it).
//
// Thread safety: a pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kjudge::problem {

/// Why `path` is not a safe relative path ("is absolute", "leaves the problem directory ('..')",
/// ...), or nullopt when it is one: non-empty, at most kMaxPathBytes, not absolute, no
/// backslashes or control characters, no empty, '.' or '..' components.
std::optional<std::string> CheckRelativePath(std::string_view path);

}  // namespace kjudge::problem
