// Spec parser: problem.yaml text -> ProblemSpec, checking everything that can be checked without
// the problem's other files. Every key, type, range and name is verified; every case is checked
// against the speed-of-light expressions (each parameter they name must exist, each must evaluate
// to a finite non-negative number); every GPU against the catalogue, the languages and the
// data type. File paths are checked for form (relative, staying inside the problem directory);
// their existence is checked by LoadProblemBundle, which has the directory.
//
// Errors are collected, not stopped at: one parse reports every problem in a file, each as
// "file:line:col: key.path: message". Any input — truncated, binary, deeply nested — yields a
// spec or errors; nothing throws.
//
// Thread safety: ParseProblemSpec is a pure function; call it from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/problem/diagnostic.h"
#include "kjudge/problem/spec.h"

namespace kjudge::problem {

/// problem.yaml files larger than this are refused unread (a spec is a page of YAML).
constexpr std::size_t kMaxSpecBytes = 1024 * 1024;

/// Parses and validates `yaml_text`; `file` names it in diagnostics. On failure returns a
/// kInvalidArgument error whose message lists every diagnostic, one per line, and appends the
/// diagnostics to `*diagnostics` when given.
Result<ProblemSpec> ParseProblemSpec(std::string_view yaml_text, const std::string& file,
                                     std::vector<Diagnostic>* diagnostics = nullptr);

}  // namespace kjudge::problem
