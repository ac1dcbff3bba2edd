#include "kjudge/problem/diagnostic.h"

namespace kjudge::problem {

std::string Diagnostic::ToString() const {
  std::string out = file;
  if (at.line > 0) {
    out += ':' + std::to_string(at.line);
    if (at.column > 0) out += ':' + std::to_string(at.column);
  }
  out += ": ";
  out += message;
  return out;
}

std::string JoinDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.ToString();
  }
  return out;
}

}  // namespace kjudge::problem
