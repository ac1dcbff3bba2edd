// moe_grouped_gemm glue, HIP backend: device pointers, and the harness's stream.
#include <hip/hip_fp16.h>
#include <hip/hip_runtime.h>

#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.hip).
void moe_grouped_gemm(const __half* x, const __half* w, const std::int32_t* offsets, __half* y, std::int64_t tokens,
                      std::int64_t experts, std::int64_t n, std::int64_t k, hipStream_t stream);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* stream) {
  moe_grouped_gemm(static_cast<const __half*>(buffers[0]), static_cast<const __half*>(buffers[1]),
                   static_cast<const std::int32_t*>(buffers[2]), static_cast<__half*>(buffers[3]), p.Get("tokens"),
                   p.Get("experts"), p.Get("n"), p.Get("k"), static_cast<hipStream_t>(stream));
}
