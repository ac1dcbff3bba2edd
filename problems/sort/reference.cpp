// sort reference (supervisor side): the input sorted ascending, by an LSD radix sort on the
// order-preserving integer image of each float (linear time: the supervisor sorts again for
// every timed call in leaderboard mode). Inputs come from splitmix64 seeded with the run-time
// seed: finite floats of both signs spanning 2^-24 .. 2^25 in magnitude, with one element in 8
// drawn from a pool of 16 values (zero among them) so that duplicates are common.
#include <cstdint>
#include <cstring>
#include <vector>

#include "kjudge/harness/problem_api.h"

using namespace kjudge::problem_api;

namespace {

std::uint64_t SplitMix64(std::uint64_t* state) {
  std::uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// A finite float from the bits of r: sign bit 63, exponent 2^-24 .. 2^24 from bits 40..47,
// mantissa from bits 8..30.
std::uint32_t RandomFloatBits(std::uint64_t r) {
  const auto sign = static_cast<std::uint32_t>(r >> 63) << 31;
  const auto exponent = static_cast<std::uint32_t>(127 - 24 + ((((r >> 40) & 0xff) * 49) >> 8));
  const auto mantissa = static_cast<std::uint32_t>(r >> 8) & 0x7fffffu;
  return sign | (exponent << 23) | mantissa;
}

// Unsigned keys that sort like the floats: negative floats have all bits flipped (larger
// magnitude first), non-negative ones only the sign bit.
std::uint32_t ToKey(std::uint32_t bits) { return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u; }
std::uint32_t FromKey(std::uint32_t key) { return (key & 0x80000000u) ? key & 0x7fffffffu : ~key; }

}  // namespace

std::vector<BufferSpec> kj_buffers(const Params& p) {
  const auto n = static_cast<std::size_t>(p.Get("n"));
  return {{"x", DType::kF32, n, false}, {"y", DType::kF32, n, true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  auto* x = static_cast<std::uint32_t*>(buffers[0]);  // float bit patterns
  std::uint64_t state = p.seed;
  std::uint32_t pool[16];
  pool[0] = 0;  // +0.0f
  for (int i = 1; i < 16; ++i) pool[i] = RandomFloatBits(SplitMix64(&state));
  const std::int64_t n = p.Get("n");
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint64_t r = SplitMix64(&state);
    x[i] = (r & 7) == 0 ? pool[(r >> 3) & 15] : RandomFloatBits(r);
  }
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* x = static_cast<const std::uint32_t*>(buffers[0]);
  auto* y = static_cast<std::uint32_t*>(buffers[1]);
  const auto n = static_cast<std::size_t>(p.Get("n"));
  std::vector<std::uint32_t> keys(n), scratch(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = ToKey(x[i]);
  // Four stable counting-sort passes of 8 bits each, least significant first.
  for (int shift = 0; shift < 32; shift += 8) {
    std::size_t offsets[257] = {};
    for (std::size_t i = 0; i < n; ++i) ++offsets[((keys[i] >> shift) & 0xff) + 1];
    for (int b = 0; b < 256; ++b) offsets[b + 1] += offsets[b];
    for (std::size_t i = 0; i < n; ++i) scratch[offsets[(keys[i] >> shift) & 0xff]++] = keys[i];
    keys.swap(scratch);
  }
  for (std::size_t i = 0; i < n; ++i) y[i] = FromKey(keys[i]);
}
