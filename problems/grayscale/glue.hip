// grayscale glue, HIP backend: device pointers, and the harness's stream.
#include <hip/hip_runtime.h>

#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.hip).
void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width, hipStream_t stream);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* stream) {
  grayscale(static_cast<const std::uint8_t*>(buffers[0]), static_cast<float*>(buffers[1]), p.Get("height"),
            p.Get("width"), static_cast<hipStream_t>(stream));
}
