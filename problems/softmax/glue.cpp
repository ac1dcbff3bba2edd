// softmax glue, host CPU backend: host pointers into the case's buffers.
#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.cpp).
void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* /*stream*/) {
  softmax(static_cast<const float*>(buffers[0]), static_cast<float*>(buffers[1]), p.Get("rows"), p.Get("cols"));
}
