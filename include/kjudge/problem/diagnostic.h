// Diagnostic: one problem found in a problem's files, with where it is ("file:line:col: message").
// Every error the problem module reports about an organizer's files is one of these, so
// `kjudge problems validate` and the server's startup both print locations an editor can jump to.
#pragma once

#include <string>
#include <vector>

namespace kjudge::problem {

/// A position in a text file, 1-based; 0 means unknown (the diagnostic then names only the file,
/// or the file and line).
struct SourceLocation {
  int line = 0;
  int column = 0;

  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

struct Diagnostic {
  std::string file;  ///< as the caller named it (e.g. "problems/vectoradd/problem.yaml")
  SourceLocation at;
  std::string message;

  /// "file:line:col: message", "file:line: message" or "file: message".
  std::string ToString() const;
};

/// One diagnostic per line, for an Error's message.
std::string JoinDiagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace kjudge::problem
