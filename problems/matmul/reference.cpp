// matmul reference (supervisor side): C = A * B for row-major fp16 A (m x k) and B (k x n),
// accumulated in double and rounded once to fp16 (round to nearest even). Inputs come from
// splitmix64 seeded with the run-time seed: A uniform in [-1, 1), B uniform in [-s, s) with
// s = 2^-floor(log2(sqrt(k))), both rounded to fp16, so that C's entries have about the same size
// (rms 0.3 to 0.5) whatever k is and one absolute tolerance fits every case.
//
// The supervisor computes this for every timed call in leaderboard mode, on hosts as small as a
// 2-core CI runner, so the loops are arranged for speed: B is widened to double once, and four
// rows of C are accumulated together so that every value of B loaded serves four products.
#include <algorithm>
#include <cmath>
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
  // 24 random bits -> a multiple of 2^-23 in [-1, 1), scaled exactly, then rounded to fp16.
  for (std::int64_t i = 0; i < count; ++i) {
    out[i] = DoubleToHalf((static_cast<double>(SplitMix64(state) >> 40) * 0x1p-23 - 1.0) * scale);
  }
}

}  // namespace

std::vector<BufferSpec> kj_buffers(const Params& p) {
  const std::int64_t m = p.Get("m"), n = p.Get("n"), k = p.Get("k");
  return {{"a", DType::kF16, static_cast<std::size_t>(m * k), false},
          {"b", DType::kF16, static_cast<std::size_t>(k * n), false},
          {"c", DType::kF16, static_cast<std::size_t>(m * n), true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  const std::int64_t m = p.Get("m"), n = p.Get("n"), k = p.Get("k");
  std::uint64_t state = p.seed;
  int log2_sqrt_k = 0;  // floor(log2(sqrt(k))): 2^(2 * (e + 1)) <= k means e is too small
  while (log2_sqrt_k < 31 && (std::int64_t{1} << (2 * (log2_sqrt_k + 1))) <= k) ++log2_sqrt_k;
  Fill(static_cast<std::uint16_t*>(buffers[0]), m * k, 1.0, &state);
  Fill(static_cast<std::uint16_t*>(buffers[1]), k * n, std::ldexp(1.0, -log2_sqrt_k), &state);
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* a = static_cast<const std::uint16_t*>(buffers[0]);
  const auto* b = static_cast<const std::uint16_t*>(buffers[1]);
  auto* c = static_cast<std::uint16_t*>(buffers[2]);
  const std::int64_t m = p.Get("m"), n = p.Get("n"), k = p.Get("k");
  std::vector<double> wide_b(static_cast<std::size_t>(k * n));
  for (std::int64_t i = 0; i < k * n; ++i) wide_b[i] = HalfToDouble(b[i]);
  constexpr std::int64_t kRows = 4;
  std::vector<double> acc(static_cast<std::size_t>(kRows * n));
  for (std::int64_t i0 = 0; i0 < m; i0 += kRows) {
    const std::int64_t rows = m - i0 < kRows ? m - i0 : kRows;
    std::fill(acc.begin(), acc.end(), 0.0);
    for (std::int64_t p = 0; p < k; ++p) {
      const double* brow = wide_b.data() + p * n;
      if (rows == kRows) {
        const double a0 = HalfToDouble(a[(i0 + 0) * k + p]), a1 = HalfToDouble(a[(i0 + 1) * k + p]);
        const double a2 = HalfToDouble(a[(i0 + 2) * k + p]), a3 = HalfToDouble(a[(i0 + 3) * k + p]);
        double* c0 = acc.data();
        double* c1 = c0 + n;
        double* c2 = c1 + n;
        double* c3 = c2 + n;
        for (std::int64_t j = 0; j < n; ++j) {
          const double bj = brow[j];
          c0[j] += a0 * bj;
          c1[j] += a1 * bj;
          c2[j] += a2 * bj;
          c3[j] += a3 * bj;
        }
      } else {
        for (std::int64_t r = 0; r < rows; ++r) {
          const double ar = HalfToDouble(a[(i0 + r) * k + p]);
          double* cr = acc.data() + r * n;
          for (std::int64_t j = 0; j < n; ++j) cr[j] += ar * brow[j];
        }
      }
    }
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t j = 0; j < n; ++j) c[(i0 + r) * n + j] = DoubleToHalf(acc[r * n + j]);
    }
  }
}
