// fp8_gemm glue, HIP backend: device pointers, and the harness's stream. e4m3 values travel as
// their bytes and bf16 values as their 16-bit patterns (HIP's fp8 and bf16 types differ between
// ROCm versions).
#include <hip/hip_runtime.h>

#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.hip).
void fp8_gemm(const std::uint8_t* a, const std::uint8_t* b, const float* a_scale, const float* b_scale,
              std::uint16_t* c, std::int64_t m, std::int64_t n, std::int64_t k, hipStream_t stream);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* stream) {
  fp8_gemm(static_cast<const std::uint8_t*>(buffers[0]), static_cast<const std::uint8_t*>(buffers[1]),
           static_cast<const float*>(buffers[2]), static_cast<const float*>(buffers[3]),
           static_cast<std::uint16_t*>(buffers[4]), p.Get("m"), p.Get("n"), p.Get("k"),
           static_cast<hipStream_t>(stream));
}
