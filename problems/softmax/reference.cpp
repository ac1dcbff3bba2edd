// softmax reference (supervisor side): row-wise softmax of a rows x cols fp32 matrix, computed in
// double (max subtracted, exp, sum, divide) and rounded once to fp32. Inputs come from
// splitmix64 seeded with the run-time seed. Rows cycle through five kinds of logits, starting
// at a kind picked by the seed, so that every case with 5 or more rows has all of them:
//   0: uniform in [-4, 4)          1: uniform in [-16, 16)
//   2: 300 + uniform in [-8, 8)    3: -300 + uniform in [-8, 8)     4: uniform in [-200, 200)
// Kinds 2-4 overflow or underflow exp() in fp32 unless the row's maximum is subtracted first.
#include <algorithm>
#include <cmath>
#include <cstdint>
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

constexpr int kKinds = 5;
struct RowKind {
  double offset;
  double scale;
};
constexpr RowKind kRowKinds[kKinds] = {{0, 4}, {0, 16}, {300, 8}, {-300, 8}, {0, 200}};

}  // namespace

std::vector<BufferSpec> kj_buffers(const Params& p) {
  const auto count = static_cast<std::size_t>(p.Get("rows") * p.Get("cols"));
  return {{"x", DType::kF32, count, false}, {"y", DType::kF32, count, true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  auto* x = static_cast<float*>(buffers[0]);
  std::uint64_t state = p.seed;
  const std::int64_t rows = p.Get("rows"), cols = p.Get("cols");
  const auto first_kind = static_cast<std::int64_t>(SplitMix64(&state) % kKinds);
  for (std::int64_t r = 0; r < rows; ++r) {
    const RowKind kind = kRowKinds[(r + first_kind) % kKinds];
    float* row = x + r * cols;
    for (std::int64_t c = 0; c < cols; ++c) {
      // 24 random bits -> a multiple of 2^-23 in [-1, 1), scaled and offset in double, rounded
      // once to fp32.
      const double u = static_cast<double>(SplitMix64(&state) >> 40) * 0x1p-23 - 1.0;
      row[c] = static_cast<float>(kind.offset + kind.scale * u);
    }
  }
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* x = static_cast<const float*>(buffers[0]);
  auto* y = static_cast<float*>(buffers[1]);
  const std::int64_t rows = p.Get("rows"), cols = p.Get("cols");
  std::vector<double> e(static_cast<std::size_t>(cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * cols;
    float* out = y + r * cols;
    const double max = *std::max_element(in, in + cols);
    double sum = 0;
    for (std::int64_t c = 0; c < cols; ++c) sum += (e[c] = std::exp(static_cast<double>(in[c]) - max));
    for (std::int64_t c = 0; c < cols; ++c) out[c] = static_cast<float>(e[c] / sum);
  }
}
