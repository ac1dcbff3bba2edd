// ReferenceLibrary: a problem's reference.cpp, compiled into a shared object and loaded into the
// supervisor (trusted side only). It describes a case's buffers, fills inputs from a seed and
// computes the expected outputs.
//
// Thread safety: none needed; one supervisor process drives one job on one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/harness/problem_api.h"
#include "kjudge/harness/reference_abi.h"

namespace kjudge::harness {

class ReferenceLibrary {
 public:
  /// dlopens `path` and checks its exported table. Errors name the path and dlerror().
  static Result<std::unique_ptr<ReferenceLibrary>> Load(const std::string& path);
  ~ReferenceLibrary();
  ReferenceLibrary(const ReferenceLibrary&) = delete;
  ReferenceLibrary& operator=(const ReferenceLibrary&) = delete;

  /// The case's buffers; an error if the problem code throws or declares nothing.
  Result<std::vector<problem_api::BufferSpec>> Buffers(const problem_api::Params& params) const;
  Status Generate(const problem_api::Params& params, void* const* buffers) const;
  Status Reference(const problem_api::Params& params, void* const* buffers) const;

 private:
  ReferenceLibrary(void* handle, const ReferenceVTable* table) : handle_(handle), table_(table) {}
  void* handle_;
  const ReferenceVTable* table_;
};

}  // namespace kjudge::harness
