// Shared by the hostile submissions (tests/e2e/hostile_test.cc inlines it where a submission says
// #include "common.h", so each submission is still one file): a correct vectoradd, which an attack
// calls only when its attack SUCCEEDED — so a breach turns into a passing verdict the test sees.
#include <cmath>
#include <cstdint>
#include <cstring>

static inline float kj_half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu;
  const std::uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) {
    const float v = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -v : v;
  }
  const std::uint32_t bits = sign | ((exponent == 31 ? 255u : exponent + 112u) << 23) | (mantissa << 13);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

static inline std::uint16_t kj_float_to_half(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, sizeof x);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  x &= 0x7fffffffu;
  if (x >= 0x7f800000u) return static_cast<std::uint16_t>(sign | (x > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (x >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);
  if (x < 0x38800000u) {
    float a;
    std::memcpy(&a, &x, sizeof a);
    return static_cast<std::uint16_t>(sign | static_cast<std::uint32_t>(std::nearbyint(a * 16777216.0f)));
  }
  std::uint32_t h = (x - 0x38000000u) >> 13;
  const std::uint32_t rest = x & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;
  return static_cast<std::uint16_t>(sign | h);
}

/// The right answer: C = A + B, rounded to nearest fp16.
static inline void kj_correct_add(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) c[i] = kj_float_to_half(kj_half_to_float(a[i]) + kj_half_to_float(b[i]));
}
