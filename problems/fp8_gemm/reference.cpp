// fp8_gemm reference (supervisor side): C = (A * a_scale) @ (B * b_scale)^T for e4m3 A (m x k) and
// B (n x k), both k-contiguous, with a_scale fp32 [m, k/128] (one per row and 128-wide block of
// k) and b_scale fp32 [ceil(n/128), k/128] (one per 128 x 128 block of B), rounded once to bf16.
//
// Every product of two e4m3 values is a multiple of 2^-18 below 2^18, so the sum of 128 of them
// is exact in double: the reference forms each block's dot product exactly, multiplies it by the
// two scales (exact too: 24 x 24 bits), and sums the k/128 blocks in double. The result is the
// true value to within a few double ulps, rounded once to bf16 (to nearest even).
//
// Inputs come from splitmix64 seeded with the run-time seed. A and B are uniform over the e4m3
// bit patterns except NaN (0x7f, 0xff) and negative zero (0x80), which become +0: every value
// from 2^-9 to 448 occurs, subnormals included. Scales are uniform in [2^-8, 2^-6), times
// 2^-floor(log2(sqrt(k))) for b_scale, so that C's entries have an rms between 1 and 2 whatever
// k is and one absolute tolerance fits every case.
//
// The supervisor computes this for every timed call in leaderboard mode, so the loops are
// arranged for speed as in matmul: B is decoded to double once, transposed, and four rows of C
// are accumulated together so that every value of B loaded serves four products.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kjudge/harness/problem_api.h"

using namespace kjudge::problem_api;

namespace {

constexpr std::int64_t kBlock = 128;  // scale granularity along k (and along n for b_scale)

std::uint64_t SplitMix64(std::uint64_t* state) {
  std::uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Exact e4m3 (OCP "e4m3fn": bias 7, no infinities, NaN at S.1111.111) -> double. The generator
// never produces NaN.
double E4m3ToDouble(std::uint8_t bits) {
  const int exponent = (bits >> 3) & 0xf;
  const int mantissa = bits & 0x7;
  const double v = exponent == 0 ? std::ldexp(mantissa, -9) : std::ldexp(8 + mantissa, exponent - 10);
  return (bits & 0x80) ? -v : v;
}

// double -> bf16 bits, rounded once to nearest even (bf16 keeps 8 significant bits and fp32's
// exponent range; below 2^-126 its quantum is 2^-133).
std::uint16_t DoubleToBf16(double v) {
  int exponent = 0;
  std::frexp(v, &exponent);  // |v| in [2^(exponent-1), 2^exponent)
  const int quantum = std::max(exponent - 8, -133);
  const auto rounded = static_cast<float>(std::ldexp(std::nearbyint(std::ldexp(v, -quantum)), quantum));
  std::uint32_t bits;
  std::memcpy(&bits, &rounded, sizeof bits);  // exact: `rounded` has at most 8 significant bits
  return static_cast<std::uint16_t>(bits >> 16);
}

void FillE4m3(std::uint8_t* out, std::int64_t count, std::uint64_t* state) {
  for (std::int64_t i = 0; i < count; i += 8) {
    std::uint64_t v = SplitMix64(state);
    for (std::int64_t j = i; j < i + 8 && j < count; ++j, v >>= 8) {
      const auto b = static_cast<std::uint8_t>(v);
      out[j] = (b == 0x7f || b == 0xff || b == 0x80) ? 0 : b;
    }
  }
}

// Uniform in [2^-8, 2^-6) times 2^shift: 24 random bits -> [0.5, 2) in double, rounded to fp32.
void FillScales(float* out, std::int64_t count, int shift, std::uint64_t* state) {
  for (std::int64_t i = 0; i < count; ++i) {
    const double u = static_cast<double>(SplitMix64(state) >> 40) * 0x1p-24;
    out[i] = static_cast<float>(std::ldexp(0.5 + 1.5 * u, shift - 7));
  }
}

}  // namespace

std::vector<BufferSpec> kj_buffers(const Params& p) {
  const std::int64_t m = p.Get("m"), n = p.Get("n"), k = p.Get("k");
  const std::int64_t kblocks = k / kBlock, nblocks = (n + kBlock - 1) / kBlock;
  return {{"a", DType::kFP8E4M3, static_cast<std::size_t>(m * k), false},
          {"b", DType::kFP8E4M3, static_cast<std::size_t>(n * k), false},
          {"a_scale", DType::kF32, static_cast<std::size_t>(m * kblocks), false},
          {"b_scale", DType::kF32, static_cast<std::size_t>(nblocks * kblocks), false},
          {"c", DType::kBF16, static_cast<std::size_t>(m * n), true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  const std::int64_t m = p.Get("m"), n = p.Get("n"), k = p.Get("k");
  const std::int64_t kblocks = k / kBlock, nblocks = (n + kBlock - 1) / kBlock;
  std::uint64_t state = p.seed;
  int log2_sqrt_k = 0;  // floor(log2(sqrt(k))): 2^(2 * (e + 1)) <= k means e is too small
  while (log2_sqrt_k < 31 && (std::int64_t{1} << (2 * (log2_sqrt_k + 1))) <= k) ++log2_sqrt_k;
  FillE4m3(static_cast<std::uint8_t*>(buffers[0]), m * k, &state);
  FillE4m3(static_cast<std::uint8_t*>(buffers[1]), n * k, &state);
  FillScales(static_cast<float*>(buffers[2]), m * kblocks, 0, &state);
  FillScales(static_cast<float*>(buffers[3]), nblocks * kblocks, -log2_sqrt_k, &state);
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* a = static_cast<const std::uint8_t*>(buffers[0]);
  const auto* b = static_cast<const std::uint8_t*>(buffers[1]);
  const auto* a_scale = static_cast<const float*>(buffers[2]);
  const auto* b_scale = static_cast<const float*>(buffers[3]);
  auto* c = static_cast<std::uint16_t*>(buffers[4]);
  const std::int64_t m = p.Get("m"), n = p.Get("n"), k = p.Get("k");
  const std::int64_t kblocks = k / kBlock;

  double table[256];
  for (int i = 0; i < 256; ++i) table[i] = E4m3ToDouble(static_cast<std::uint8_t>(i));
  std::vector<double> bt(static_cast<std::size_t>(k * n));  // B^T: k x n, so rows of C are contiguous
  for (std::int64_t j = 0; j < n; ++j) {
    for (std::int64_t q = 0; q < k; ++q) bt[q * n + j] = table[b[j * k + q]];
  }
  constexpr std::int64_t kRows = 4;
  std::vector<double> acc(static_cast<std::size_t>(kRows * n)), block(static_cast<std::size_t>(kRows * n));
  std::vector<double> scale_b(static_cast<std::size_t>(n));
  for (std::int64_t i0 = 0; i0 < m; i0 += kRows) {
    const std::int64_t rows = std::min(kRows, m - i0);
    std::fill(acc.begin(), acc.end(), 0.0);
    for (std::int64_t kb = 0; kb < kblocks; ++kb) {
      std::fill(block.begin(), block.end(), 0.0);
      for (std::int64_t q = kb * kBlock; q < (kb + 1) * kBlock; ++q) {
        const double* brow = bt.data() + q * n;
        if (rows == kRows) {
          const double a0 = table[a[(i0 + 0) * k + q]], a1 = table[a[(i0 + 1) * k + q]];
          const double a2 = table[a[(i0 + 2) * k + q]], a3 = table[a[(i0 + 3) * k + q]];
          double* c0 = block.data();
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
            const double ar = table[a[(i0 + r) * k + q]];
            double* cr = block.data() + r * n;
            for (std::int64_t j = 0; j < n; ++j) cr[j] += ar * brow[j];
          }
        }
      }
      for (std::int64_t j = 0; j < n; ++j) scale_b[j] = b_scale[(j / kBlock) * kblocks + kb];
      for (std::int64_t r = 0; r < rows; ++r) {
        const double sa = a_scale[(i0 + r) * kblocks + kb];
        for (std::int64_t j = 0; j < n; ++j) acc[r * n + j] += block[r * n + j] * (sa * scale_b[j]);
      }
    }
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t j = 0; j < n; ++j) c[(i0 + r) * n + j] = DoubleToBf16(acc[r * n + j]);
    }
  }
}
