#include "kjudge/harness/reference_library.h"

#include <dlfcn.h>

#include <exception>

namespace kjudge::harness {

Result<std::unique_ptr<ReferenceLibrary>> ReferenceLibrary::Load(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return MakeError(ErrorCode::kFailedPrecondition, "cannot load reference library " + path + ": " + (why ? why : "?"));
  }
  using Getter = const ReferenceVTable* (*)();
  auto getter = reinterpret_cast<Getter>(dlsym(handle, kReferenceVTableSymbol));
  const ReferenceVTable* table = getter ? getter() : nullptr;
  if (table == nullptr || table->abi_version != kReferenceAbiVersion || !table->buffers || !table->generate ||
      !table->reference) {
    dlclose(handle);
    return MakeError(ErrorCode::kFailedPrecondition, "reference library " + path + " lacks a valid " +
                                                         std::string(kReferenceVTableSymbol));
  }
  return std::unique_ptr<ReferenceLibrary>(new ReferenceLibrary(handle, table));
}

ReferenceLibrary::~ReferenceLibrary() { dlclose(handle_); }

Result<std::vector<problem_api::BufferSpec>> ReferenceLibrary::Buffers(const problem_api::Params& params) const {
  try {
    auto specs = table_->buffers(params);
    if (specs.empty()) return MakeError(ErrorCode::kInternal, "the problem's kj_buffers declared no buffers");
    return specs;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal, std::string("the problem's kj_buffers threw: ") + e.what());
  }
}

Status ReferenceLibrary::Generate(const problem_api::Params& params, void* const* buffers) const {
  try {
    table_->generate(params, buffers);
    return Ok();
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal, std::string("the problem's kj_generate threw: ") + e.what());
  }
}

Status ReferenceLibrary::Reference(const problem_api::Params& params, void* const* buffers) const {
  try {
    table_->reference(params, buffers);
    return Ok();
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal, std::string("the problem's kj_reference threw: ") + e.what());
  }
}

}  // namespace kjudge::harness
