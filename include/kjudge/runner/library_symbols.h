// What a submission's shared library exports, read from its ELF dynamic symbol table, and the
// rule it must follow: export nothing a process could bind to in place of the harness, the C
// library or the GPU runtime (docs/security.md, "Symbol interposition").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::runner {

/// Names of the symbols `library` (an ELF64 little-endian shared object) defines and exports:
/// global, weak or unique binding, default or protected visibility. The file came out of a
/// sandbox, so it is read as hostile input: every offset is bounds-checked; a file that is not
/// such an object, or has no dynamic symbol table, is kInvalidArgument.
Result<std::vector<std::string>> ExportedSymbols(const std::filesystem::path& library);

/// Ok when every exported name is allowed: the glue's entry point (kj_call), the linker's own
/// markers, and C++ names outside the harness's namespace. Anything else (a C name such as
/// clock_gettime, send or cudaEventElapsedTime, any kjudge:: name) is kInvalidArgument naming them.
Status CheckSubmissionExports(const std::vector<std::string>& exported);

}  // namespace kjudge::runner
