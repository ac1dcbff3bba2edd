// The executable of the sandbox's init (sandbox_init.cc), compiled into the library so the runner
// needs no extra file on disk: each run copies it into the sandbox from a memfd.
//
// Thread safety: immutable data.
#pragma once

#include <string_view>

namespace kjudge::sandbox {

/// The init's ELF image.
std::string_view InitBinary();

}  // namespace kjudge::sandbox
