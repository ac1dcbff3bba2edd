// vectoradd reference (supervisor side): C = A + B over n fp16 values, computed exactly in double
// and rounded once to fp16 (round to nearest even). Inputs come from splitmix64 seeded with the
// run-time seed, so they are the same on every machine and standard library.
#include <cmath>
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

// Exact binary16 -> double.
double HalfToDouble(std::uint16_t h) {
  const std::uint64_t sign = static_cast<std::uint64_t>(h & 0x8000) << 48;
  const std::uint64_t exponent = (h >> 10) & 0x1f;
  const std::uint64_t mantissa = h & 0x3ff;
  if (exponent == 0) {
    const double v = std::ldexp(static_cast<double>(mantissa), -24);
    return sign ? -v : v;
  }
  // Rebias the exponent (15 -> 1023) and widen the mantissa (10 -> 52 bits); infinities and NaN
  // (exponent 31) map to exponent 2047.
  const std::uint64_t e = exponent == 31 ? 2047 : exponent + 1008;
  const std::uint64_t bits = sign | (e << 52) | (mantissa << 42);
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// double -> binary16, rounded once to nearest even. Bit arithmetic: the supervisor converts
// tens of millions of values per benchmark call in leaderboard mode.
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

}  // namespace

std::vector<BufferSpec> kj_buffers(const Params& p) {
  const auto n = static_cast<std::size_t>(p.Get("n"));
  return {{"a", DType::kF16, n, false}, {"b", DType::kF16, n, false}, {"c", DType::kF16, n, true}};
}

void kj_generate(const Params& p, void* const* buffers) {
  auto* a = static_cast<std::uint16_t*>(buffers[0]);
  auto* b = static_cast<std::uint16_t*>(buffers[1]);
  std::uint64_t state = p.seed;
  const std::int64_t n = p.Get("n");
  for (std::int64_t i = 0; i < n; ++i) {
    // 24 random bits -> a multiple of 2^-23 in [-1, 1), then rounded to fp16.
    a[i] = DoubleToHalf(static_cast<double>(SplitMix64(&state) >> 40) * 0x1p-23 - 1.0);
    b[i] = DoubleToHalf(static_cast<double>(SplitMix64(&state) >> 40) * 0x1p-23 - 1.0);
  }
}

void kj_reference(const Params& p, void* const* buffers) {
  const auto* a = static_cast<const std::uint16_t*>(buffers[0]);
  const auto* b = static_cast<const std::uint16_t*>(buffers[1]);
  auto* c = static_cast<std::uint16_t*>(buffers[2]);
  const std::int64_t n = p.Get("n");
  for (std::int64_t i = 0; i < n; ++i) c[i] = DoubleToHalf(HalfToDouble(a[i]) + HalfToDouble(b[i]));
}
