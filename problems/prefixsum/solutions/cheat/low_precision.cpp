// expect: wrong_answer — keeps the running sum at fp16 precision (11 significant bits), which loses the 1/16ths once sums pass 128
#include <cmath>
#include <cstdint>

// Rounds to 11 significant bits, as an fp16 accumulator would.
static float RoundToHalfPrecision(float v) {
  if (v == 0.0f) return v;
  int exponent = 0;
  std::frexp(v, &exponent);
  const float unit = std::ldexp(1.0f, exponent - 11);
  return std::nearbyint(v / unit) * unit;
}

void prefixsum(const float* x, float* y, std::int64_t n) {
  float sum = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    sum = RoundToHalfPrecision(sum + x[i]);
    y[i] = sum;
  }
}
