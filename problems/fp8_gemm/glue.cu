// fp8_gemm glue, CUDA backend: device pointers, and the harness's stream.
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.cu).
void fp8_gemm(const __nv_fp8_e4m3* a, const __nv_fp8_e4m3* b, const float* a_scale, const float* b_scale,
              __nv_bfloat16* c, std::int64_t m, std::int64_t n, std::int64_t k, cudaStream_t stream);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* stream) {
  fp8_gemm(static_cast<const __nv_fp8_e4m3*>(buffers[0]), static_cast<const __nv_fp8_e4m3*>(buffers[1]),
           static_cast<const float*>(buffers[2]), static_cast<const float*>(buffers[3]),
           static_cast<__nv_bfloat16*>(buffers[4]), p.Get("m"), p.Get("n"), p.Get("k"),
           static_cast<cudaStream_t>(stream));
}
