// histogram glue, CUDA backend: device pointers, and the harness's stream.
#include <cuda_runtime.h>

#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.cu).
void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n, cudaStream_t stream);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* stream) {
  histogram(static_cast<const std::uint8_t*>(buffers[0]), static_cast<std::uint32_t*>(buffers[1]), p.Get("n"),
            static_cast<cudaStream_t>(stream));
}
