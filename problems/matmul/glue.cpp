// matmul glue, host CPU backend: fp16 values travel as their IEEE binary16 bit patterns.
#include <cstdint>

#include "kjudge/harness/problem_api.h"

// The competitor's entry point (see template.cpp).
void matmul(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t m, std::int64_t n,
            std::int64_t k);

void kj_call(const kjudge::problem_api::Params& p, void* const* buffers, void* /*stream*/) {
  matmul(static_cast<const std::uint16_t*>(buffers[0]), static_cast<const std::uint16_t*>(buffers[1]),
         static_cast<std::uint16_t*>(buffers[2]), p.Get("m"), p.Get("n"), p.Get("k"));
}
