// softmax glue, CUDA backend: device pointers, and the harness's stream.
#include <cuda_runtime.h>

#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.cu).
void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols, cudaStream_t stream);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* stream) {
  softmax(static_cast<const float*>(buffers[0]), static_cast<float*>(buffers[1]), p.Get("rows"), p.Get("cols"),
          static_cast<cudaStream_t>(stream));
}
