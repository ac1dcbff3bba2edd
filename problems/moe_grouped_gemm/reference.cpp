// moe_grouped_gemm reference (supervisor side): Y[r] = X[r] * W[e] for every row r of expert e's
// group, rows offsets[e] .. offsets[e + 1] - 1, with fp16 X (tokens x k), W (experts x k x n) and
// Y (tokens x n), all row-major; accumulated in double and rounded once to fp16.
//
// Inputs come from splitmix64 seeded with the run-time seed. Routing: expert popularity is
// skewed and shuffled: each row goes to perm[floor(experts * u^2)] for u uniform in [0, 1) and a
// random permutation perm, so the most popular expert gets 1/sqrt(experts) of the rows (8 times
// the mean share for 64 experts) and the least about half the mean share. When tokens >= experts
// every expert first gets one row,
// so no weight matrix may be skipped (the speed of light counts reading all of them); with fewer
// tokens than experts some groups are empty. X is uniform in [-1, 1) and W uniform in [-s, s)
// with s = 2^-floor(log2(sqrt(k))), both rounded to fp16, so that Y's entries have about the same
// size (rms 0.3 to 0.5) whatever k is.
//
// The supervisor computes this for every timed call in leaderboard mode, so the loops are those of
// matmul's reference: each expert's W is widened to double once, and four rows of Y are
// accumulated together.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
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

// Exact binary16 -> double.
double HalfToDouble(std::uint16_t h) {
  const std::uint64_t sign = static_cast<std::uint64_t>(h & 0x8000) << 48;
  const std::uint64_t exponent = (h >> 10) & 0x1f;
  const std::uint64_t mantissa = h & 0x3ff;
  if (exponent == 0) {
    const double v = std::ldexp(static_cast<double>(mantissa), -24);
    return sign ? -v : v;
  }
  const std::uint64_t e = exponent == 31 ? 2047 : exponent + 1008;
  const std::uint64_t bits = sign | (e << 52) | (mantissa << 42);
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// double -> binary16, rounded once to nearest even.
std::uint16_t DoubleToHalf(double v) {
  std::uint64_t x;
  std::memcpy(&x, &v, sizeof x);
  const auto sign = static_cast<std::uint16_t>((x >> 48) & 0x8000);
  x &= 0x7fffffffffffffffull;
  if (x >= 0x7ff0000000000000ull) return sign | (x > 0x7ff0000000000000ull ? 0x7e00 : 0x7c00);  // NaN, inf
  if (x >= 0x40effe0000000000ull) return sign | 0x7c00;  // 65520 and above round to infinity
  if (x < 0x3f10000000000000ull) {                      // below 2^-14: subnormal, units of 2^-24
    double a;
    std::memcpy(&a, &x, sizeof a);
    return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(std::nearbyint(a * 16777216.0)));
  }
  std::uint64_t h = (x - (1008ull << 52)) >> 42;  // rebias 1023 -> 15, keep 10 mantissa bits
  const std::uint64_t rest = x & ((1ull << 42) - 1);
  const std::uint64_t halfway = 1ull << 41;
  if (rest > halfway || (rest == halfway && (h & 1))) ++h;  // a carry into the exponent is right
  return static_cast<std::uint16_t>(sign | h);
}

// Fills `out` with values uniform in [-scale, scale), scale a power of two, rounded to fp16.
void Fill(std::uint16_t* out, std::int64_t count, double scale, std::uint64_t* state) {
  for (std::int64_t i = 0; i < count; ++i) {
    out[i] = DoubleToHalf((static_cast<double>(SplitMix64(state) >> 40) * 0x1p-23 - 1.0) * scale);
  }
}

// Group offsets (experts + 1 entries, offsets[0] = 0, offsets[experts] = tokens) of a skewed routing.
void Route(std::int32_t* offsets, std::int64_t tokens, std::int64_t experts, std::uint64_t* state) {
  std::vector<std::int64_t> perm(static_cast<std::size_t>(experts));
  std::iota(perm.begin(), perm.end(), 0);
  for (std::int64_t i = experts - 1; i > 0; --i) {
    std::swap(perm[i], perm[SplitMix64(state) % static_cast<std::uint64_t>(i + 1)]);
  }
  std::vector<std::int64_t> counts(static_cast<std::size_t>(experts), tokens >= experts ? 1 : 0);
  for (std::int64_t r = tokens >= experts ? experts : 0; r < tokens; ++r) {
    const double u = static_cast<double>(SplitMix64(state) >> 11) * 0x1p-53;
    ++counts[perm[static_cast<std::int64_t>(static_cast<double>(experts) * u * u)]];
  }
  offsets[0] = 0;
  for (std::int64_t e = 0; e < experts; ++e) offsets[e + 1] = static_cast<std::int32_t>(offsets[e] + counts[e]);
}

}  // namespace

std::vector<BufferSpec> kj_buffers(const Params& p) {
  const std::int64_t tokens = p.Get("tokens"), experts = p.Get("experts"), n = p.Get("n"), k = p.Get("k");
  return {{"x", DType::kF16, static_cast<std::size_t>(tokens * k), false},
          {"w", DType::kF16, static_cast<std::size_t>(experts * k * n), false},
          {"offsets", DType::kI32, static_cast<std::size_t>(experts + 1), false},
          {"y", DType::kF16, static_cast<std::size_t>(tokens * n), true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  const std::int64_t tokens = p.Get("tokens"), experts = p.Get("experts"), n = p.Get("n"), k = p.Get("k");
  std::uint64_t state = p.seed;
  int log2_sqrt_k = 0;  // floor(log2(sqrt(k))): 2^(2 * (e + 1)) <= k means e is too small
  while (log2_sqrt_k < 31 && (std::int64_t{1} << (2 * (log2_sqrt_k + 1))) <= k) ++log2_sqrt_k;
  Fill(static_cast<std::uint16_t*>(buffers[0]), tokens * k, 1.0, &state);
  Fill(static_cast<std::uint16_t*>(buffers[1]), experts * k * n, std::ldexp(1.0, -log2_sqrt_k), &state);
  Route(static_cast<std::int32_t*>(buffers[2]), tokens, experts, &state);
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* x = static_cast<const std::uint16_t*>(buffers[0]);
  const auto* w = static_cast<const std::uint16_t*>(buffers[1]);
  const auto* offsets = static_cast<const std::int32_t*>(buffers[2]);
  auto* y = static_cast<std::uint16_t*>(buffers[3]);
  const std::int64_t experts = p.Get("experts"), n = p.Get("n"), k = p.Get("k");
  constexpr std::int64_t kRows = 4;
  std::vector<double> wide_w(static_cast<std::size_t>(k * n)), acc(static_cast<std::size_t>(kRows * n));
  for (std::int64_t e = 0; e < experts; ++e) {
    const std::int64_t begin = offsets[e], end = offsets[e + 1];
    if (begin == end) continue;
    const std::uint16_t* we = w + e * k * n;
    for (std::int64_t i = 0; i < k * n; ++i) wide_w[i] = HalfToDouble(we[i]);
    for (std::int64_t i0 = begin; i0 < end; i0 += kRows) {
      const std::int64_t rows = std::min(kRows, end - i0);
      std::fill(acc.begin(), acc.end(), 0.0);
      for (std::int64_t q = 0; q < k; ++q) {
        const double* wrow = wide_w.data() + q * n;
        if (rows == kRows) {
          const double a0 = HalfToDouble(x[(i0 + 0) * k + q]), a1 = HalfToDouble(x[(i0 + 1) * k + q]);
          const double a2 = HalfToDouble(x[(i0 + 2) * k + q]), a3 = HalfToDouble(x[(i0 + 3) * k + q]);
          double* c0 = acc.data();
          double* c1 = c0 + n;
          double* c2 = c1 + n;
          double* c3 = c2 + n;
          for (std::int64_t j = 0; j < n; ++j) {
            const double wj = wrow[j];
            c0[j] += a0 * wj;
            c1[j] += a1 * wj;
            c2[j] += a2 * wj;
            c3[j] += a3 * wj;
          }
        } else {
          for (std::int64_t r = 0; r < rows; ++r) {
            const double ar = HalfToDouble(x[(i0 + r) * k + q]);
            double* cr = acc.data() + r * n;
            for (std::int64_t j = 0; j < n; ++j) cr[j] += ar * wrow[j];
          }
        }
      }
      for (std::int64_t r = 0; r < rows; ++r) {
        for (std::int64_t j = 0; j < n; ++j) y[(i0 + r) * n + j] = DoubleToHalf(acc[r * n + j]);
      }
    }
  }
}
