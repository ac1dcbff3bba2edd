// histogram reference (supervisor side): 256-bin histogram of n bytes, counted exactly in 64 bits
// and stored as uint32 (n stays below 2^32). Inputs come from splitmix64 seeded with the run-time
// seed: each byte is uniform over 0..255, except that `contention` percent of them (chosen at
// random) are one "hot" value drawn from the same seed, so atomics on that bin collide.
#include <cstdint>

#include "kjudge/harness/problem_api.h"

using namespace kjudge::problem_api;

namespace {

constexpr std::size_t kBins = 256;

std::uint64_t SplitMix64(std::uint64_t* state) {
  std::uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<BufferSpec> kj_buffers(const Params& p) {
  const auto n = static_cast<std::size_t>(p.Get("n"));
  return {{"data", DType::kU8, n, false}, {"counts", DType::kU32, kBins, true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  auto* data = static_cast<std::uint8_t*>(buffers[0]);
  std::uint64_t state = p.seed;
  const std::int64_t n = p.Get("n");
  const std::uint64_t contention = static_cast<std::uint64_t>(p.Get("contention"));  // percent, 0..100
  const auto hot = static_cast<std::uint8_t>(SplitMix64(&state) >> 56);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint64_t r = SplitMix64(&state);
    // Low byte: the value; high 32 bits scaled to 0..99: whether this element is the hot value.
    const bool is_hot = (((r >> 32) * 100) >> 32) < contention;
    data[i] = is_hot ? hot : static_cast<std::uint8_t>(r);
  }
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* data = static_cast<const std::uint8_t*>(buffers[0]);
  auto* counts = static_cast<std::uint32_t*>(buffers[1]);
  const std::int64_t n = p.Get("n");
  // Four partial histograms break the store-to-load chain on the hot bin.
  std::uint64_t partial[4][kBins] = {};
  std::int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ++partial[0][data[i]];
    ++partial[1][data[i + 1]];
    ++partial[2][data[i + 2]];
    ++partial[3][data[i + 3]];
  }
  for (; i < n; ++i) ++partial[0][data[i]];
  for (std::size_t b = 0; b < kBins; ++b) {
    counts[b] = static_cast<std::uint32_t>(partial[0][b] + partial[1][b] + partial[2][b] + partial[3][b]);
  }
}
