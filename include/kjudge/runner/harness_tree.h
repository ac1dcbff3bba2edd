// Writes the embedded harness sources (harness/judged_sources.h) into a directory so compilers
// can read them: <dir>/include/kjudge/harness/*.h, <dir>/src/harness/judged/*, ...reference/*.
#pragma once

#include <filesystem>

#include "kjudge/core/result.h"

namespace kjudge::runner {

/// Writes (or refreshes) the tree under `dir`; files whose content is unchanged are left alone so
/// timestamps stay stable. Returns the include directory to pass with -I.
Result<std::filesystem::path> MaterializeHarnessSources(const std::filesystem::path& dir);

}  // namespace kjudge::runner
