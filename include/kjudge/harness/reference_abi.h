// The one C symbol a reference library exports (reference_exports.cc, linked into every one), so
// the supervisor never depends on C++ name mangling. Compiled at judge time: standard library only.
#pragma once

#include <cstdint>
#include <vector>

#include "kjudge/harness/problem_api.h"

namespace kjudge::harness {

struct ReferenceVTable {
  std::uint32_t abi_version;
  std::vector<problem_api::BufferSpec> (*buffers)(const problem_api::Params&);
  void (*generate)(const problem_api::Params&, void* const*);
  void (*reference)(const problem_api::Params&, void* const*);
};
constexpr std::uint32_t kReferenceAbiVersion = 1;
constexpr const char* kReferenceVTableSymbol = "kjudge_reference_vtable";

}  // namespace kjudge::harness
