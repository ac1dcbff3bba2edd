// The sources every judged binary and reference library is built from, embedded in kjudge so a
// runner needs nothing but its own binary and a compiler. Paths are relative: "include/kjudge/
// harness/wire.h", "judged/judged_main.cc", "judged/backend_cuda.cu", "reference/reference_exports.cc".
#pragma once

#include <span>

#include "kjudge/core/embedded_file.h"

namespace kjudge::harness {

/// Judged-side sources and the headers they include.
std::span<const EmbeddedFile> HarnessSources();

}  // namespace kjudge::harness
