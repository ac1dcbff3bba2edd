// grayscale reference (supervisor side): gray = 0.21 r + 0.72 g + 0.07 b per pixel of an
// interleaved uint8 RGB image, computed in double and rounded once to fp32. Inputs are uniform
// random bytes from splitmix64 seeded with the run-time seed, eight bytes per draw (the
// supervisor regenerates up to 36 MB of them for every timed call in leaderboard mode).
#include <cstdint>
#include <cstring>

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
  const auto pixels = static_cast<std::size_t>(p.Get("height") * p.Get("width"));
  return {{"rgb", DType::kU8, 3 * pixels, false}, {"gray", DType::kF32, pixels, true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  auto* rgb = static_cast<std::uint8_t*>(buffers[0]);
  std::uint64_t state = p.seed;
  const std::int64_t bytes = 3 * p.Get("height") * p.Get("width");
  std::int64_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    const std::uint64_t v = SplitMix64(&state);
    std::memcpy(rgb + i, &v, 8);  // byte order does not matter: every byte is uniform
  }
  for (std::uint64_t v = SplitMix64(&state); i < bytes; ++i, v >>= 8) rgb[i] = static_cast<std::uint8_t>(v);
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* rgb = static_cast<const std::uint8_t*>(buffers[0]);
  auto* gray = static_cast<float*>(buffers[1]);
  const std::int64_t pixels = p.Get("height") * p.Get("width");
  for (std::int64_t i = 0; i < pixels; ++i) {
    const std::uint8_t* px = rgb + 3 * i;
    gray[i] = static_cast<float>(0.21 * px[0] + 0.72 * px[1] + 0.07 * px[2]);
  }
}
