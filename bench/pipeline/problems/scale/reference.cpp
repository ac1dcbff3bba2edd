// Reference for the pipeline benchmark problem "scale": y = 2 * x over n floats.
#include <cstring>
#include <cstdint>

#include "kjudge/harness/problem_api.h"

using namespace kjudge::problem_api;

std::vector<BufferSpec> kj_buffers(const Params& p) {
  const auto n = static_cast<std::size_t>(p.Get("n"));
  return {{"x", DType::kF32, n, false}, {"y", DType::kF32, n, true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  std::uint64_t s = p.seed;
  auto* x = static_cast<float*>(buffers[0]);
  for (std::int64_t i = 0; i < p.Get("n"); ++i) {
    s += 0x9e3779b97f4a7c15ull;
    std::uint64_t z = (s ^ (s >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    x[i] = static_cast<float>((z >> 40) & 0xffff) / 65536.0f - 0.5f;
  }
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* x = static_cast<const float*>(buffers[0]);
  auto* y = static_cast<float*>(buffers[1]);
  for (std::int64_t i = 0; i < p.Get("n"); ++i) y[i] = 2.0f * x[i];
}
