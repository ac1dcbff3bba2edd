// expect: wrong_answer — quantizes A and B to fp8 e4m3 precision (4 significant bits, as an fp8 tensor-core GEMM at twice the fp16 rate would) before an fp32 product: ~3% error per input
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

// fp16 bits -> float, exact.
static inline float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu;
  const std::uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal
    const float v = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -v : v;
  }
  const std::uint32_t bits = sign | ((exponent == 31 ? 255u : exponent + 112u) << 23) | (mantissa << 13);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// float -> fp16 bits, rounded to nearest even.
static inline std::uint16_t float_to_half(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, sizeof x);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  x &= 0x7fffffffu;
  if (x >= 0x7f800000u) return static_cast<std::uint16_t>(sign | (x > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (x >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // rounds to infinity
  if (x < 0x38800000u) {  // below 2^-14: subnormal fp16
    float a;
    std::memcpy(&a, &x, sizeof a);
    return static_cast<std::uint16_t>(sign | static_cast<std::uint32_t>(std::nearbyint(a * 16777216.0f)));
  }
  std::uint32_t h = (x - 0x38000000u) >> 13;  // rebias 127 -> 15, keep 10 mantissa bits
  const std::uint32_t rest = x & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;
  return static_cast<std::uint16_t>(sign | h);
}

// Rounds to the nearest value with 4 significant bits (e4m3's precision; its range is not the point).
static float round_to_e4m3_precision(float v) {
  if (v == 0.0f) return v;
  int e;
  std::frexp(v, &e);
  return std::ldexp(std::nearbyint(std::ldexp(v, 4 - e)), e - 4);
}

void matmul(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t m, std::int64_t n,
            std::int64_t k) {
  std::vector<float> qb(static_cast<std::size_t>(k * n));
  for (std::int64_t i = 0; i < k * n; ++i) qb[i] = round_to_e4m3_precision(half_to_float(b[i]));
  std::vector<float> row(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) row[j] = 0.0f;
    for (std::int64_t p = 0; p < k; ++p) {
      const float aip = round_to_e4m3_precision(half_to_float(a[i * k + p]));
      for (std::int64_t j = 0; j < n; ++j) row[j] += aip * qb[p * n + j];
    }
    for (std::int64_t j = 0; j < n; ++j) c[i * n + j] = float_to_half(row[j]);
  }
}
