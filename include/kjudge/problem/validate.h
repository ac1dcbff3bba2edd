// Problem-tree validation for `kjudge problems validate DIR...` and CI: loads every problem under
// the given paths exactly as the server would (spec, files, bundle) and also checks what only
// matters to organizers — every sample solution under solutions/ has a valid expectation header
// (solution_header.h), is in one of the problem's languages, and sits in the right folder
// (solutions/correct must pass in every mode; wrong/ and cheat/ must fail in at least one).
//
// Thread safety: reads the filesystem only; call it from any thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace kjudge::problem {

struct ValidationReport {
  std::size_t problems_checked = 0;      ///< problem directories found and examined
  std::vector<std::string> diagnostics;  ///< "file:line:col: message", in path order

  bool ok() const { return diagnostics.empty(); }
};

/// Each path may be a problem directory, its problem.yaml, or a directory holding problems at any
/// depth. A path that holds no problem at all is itself a diagnostic, as are two problems with
/// the same name anywhere among `paths`.
ValidationReport ValidateTree(const std::vector<std::filesystem::path>& paths);

}  // namespace kjudge::problem
