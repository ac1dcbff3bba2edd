// prefixsum reference (supervisor side): inclusive scan accumulated in double. Inputs are
// multiples of 1/16 in [-1, 1] from splitmix64, so every partial sum is exact in fp32 and the
// expected output does not depend on summation order.
#include <cstdint>

#include "kjudge/harness/problem_api.h"

using namespace kjudge::problem_api;

namespace {

std::uint64_t SplitMix64(std::uint64_t* state) {
  std::uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<BufferSpec> kj_buffers(const Params& p) {
  const auto n = static_cast<std::size_t>(p.Get("n"));
  return {{"x", DType::kF32, n, false}, {"y", DType::kF32, n, true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  auto* x = static_cast<float*>(buffers[0]);
  std::uint64_t state = p.seed;
  const std::int64_t n = p.Get("n");
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::int64_t>((SplitMix64(&state) >> 32) % 33) - 16;  // -16 .. 16
    x[i] = static_cast<float>(k) / 16.0f;
  }
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* x = static_cast<const float*>(buffers[0]);
  auto* y = static_cast<float*>(buffers[1]);
  const std::int64_t n = p.Get("n");
  double sum = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    sum += x[i];
    y[i] = static_cast<float>(sum);
  }
}
