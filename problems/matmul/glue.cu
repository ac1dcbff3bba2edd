// matmul glue, CUDA backend: device pointers, and the harness's stream.
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.cu).
void matmul(const __half* a, const __half* b, __half* c, std::int64_t m, std::int64_t n, std::int64_t k,
            cudaStream_t stream);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* stream) {
  matmul(static_cast<const __half*>(buffers[0]), static_cast<const __half*>(buffers[1]), static_cast<__half*>(buffers[2]),
         p.Get("m"), p.Get("n"), p.Get("k"), static_cast<cudaStream_t>(stream));
}
