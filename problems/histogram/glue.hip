// histogram glue, HIP backend: device pointers, and the harness's stream.
#include <hip/hip_runtime.h>

#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.hip).
void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n, hipStream_t stream);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* stream) {
  histogram(static_cast<const std::uint8_t*>(buffers[0]), static_cast<std::uint32_t*>(buffers[1]), p.Get("n"),
            static_cast<hipStream_t>(stream));
}
