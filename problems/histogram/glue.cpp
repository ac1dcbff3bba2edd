// histogram glue, host CPU backend: host pointers into the case's buffers.
#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.cpp).
void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* /*stream*/) {
  histogram(static_cast<const std::uint8_t*>(buffers[0]), static_cast<std::uint32_t*>(buffers[1]), p.Get("n"));
}
