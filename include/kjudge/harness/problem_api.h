// The contract between kjudge and a problem's own code (problems/<name>/*.cpp|cu|hip).
//
// A problem ships two kinds of code:
//  * reference.cpp — trusted; built into the supervisor (never into the judged process). It
//    declares the buffers a case needs, fills the inputs from a seed chosen at run time, and
//    computes the expected outputs on the host.
//  * glue.{cpp,cu,hip} — built into the judged process next to the submission. It declares the
//    submission's entry point (the signature competitors implement, shown in the template) and
//    calls it with the case's buffers (host pointers for cpp, device pointers for cuda/hip).
//
// Buffers are flat arrays of one element type. The order returned by kj_buffers is the order of
// the pointers handed to kj_call and kj_reference. Outputs are compared element by element by the
// supervisor with the spec's tolerance (exact for integer types) unless the problem defines
// kj_check (e.g. sort stability, histogram counts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace kjudge::problem_api {

/// Element types a buffer may hold; the names match the spec's `dtype` values.
enum class DType : std::uint8_t { kF64, kF32, kF16, kBF16, kFP8E4M3, kI64, kI32, kI16, kI8, kU8, kU32 };

/// Size in bytes of one element.
constexpr std::size_t DTypeSize(DType t) {
  switch (t) {
    case DType::kF64: case DType::kI64: return 8;
    case DType::kF32: case DType::kI32: case DType::kU32: return 4;
    case DType::kF16: case DType::kBF16: case DType::kI16: return 2;
    case DType::kFP8E4M3: case DType::kI8: case DType::kU8: return 1;
  }
  return 1;
}

/// One case's parameters (from the spec's tests/benchmarks), all integers, by name; `seed` is the
/// run-time seed (not the spec's seed, which only picks the case's base seed).
struct Params {
  std::map<std::string, std::int64_t> values;
  std::uint64_t seed = 0;

  /// The named parameter; a missing name is a bug in the problem and aborts the process.
  std::int64_t Get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) {
      std::fprintf(stderr, "kjudge problem code asked for unknown case parameter '%s'\n", name.c_str());
      std::abort();
    }
    return it->second;
  }
};

/// What one buffer holds.
struct BufferSpec {
  std::string name;
  DType dtype = DType::kF32;
  std::size_t count = 0;   ///< number of elements
  bool is_output = false;  ///< outputs are poisoned before the call and compared after
};

}  // namespace kjudge::problem_api

// --- what reference.cpp defines (supervisor side, host code) -------------------------------------
/// The buffers of a case, inputs and outputs, in call order.
std::vector<kjudge::problem_api::BufferSpec> kj_buffers(const kjudge::problem_api::Params& p);
/// Fill every input buffer (buffers[i] is host memory of kj_buffers(p)[i]) deterministically from p.seed.
void kj_generate(const kjudge::problem_api::Params& p, void* const* buffers);
/// Write the expected outputs into the output buffers, reading the inputs.
void kj_reference(const kjudge::problem_api::Params& p, void* const* buffers);

// --- what glue.{cpp,cu,hip} defines (judged side) ------------------------------------------------
/// Call the submission once on the given buffers (device pointers on GPU backends). `stream` is the
/// backend's stream handle (cudaStream_t / hipStream_t) or nullptr on the host backend.
/// C linkage and default visibility: the one name the submission's library exports (the harness
/// finds it with dlsym; everything else in that library is hidden).
extern "C" __attribute__((visibility("default"))) void kj_call(const kjudge::problem_api::Params& p, void* const* buffers,
                                                               void* stream);
