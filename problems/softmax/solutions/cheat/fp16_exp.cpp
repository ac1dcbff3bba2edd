// expect: wrong_answer — computes at fp16 precision (arguments and results of exp rounded to 11 significant bits, as half2 arithmetic would): ~1e-3 relative error, several times the tolerance
#include <cmath>
#include <cstdint>

namespace {
// Rounds to the nearest value with 11 significant bits (fp16's precision; range is not the point).
float RoundToHalfPrecision(float v) {
  if (v == 0.0f || !std::isfinite(v)) return v;
  int e;
  std::frexp(v, &e);
  return std::ldexp(std::nearbyint(std::ldexp(v, 11 - e)), e - 11);
}
}  // namespace

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * cols;
    float* out = y + r * cols;
    float max = in[0];
    for (std::int64_t c = 1; c < cols; ++c) max = std::fmax(max, in[c]);
    float sum = 0;
    for (std::int64_t c = 0; c < cols; ++c) {
      sum += (out[c] = RoundToHalfPrecision(std::exp(RoundToHalfPrecision(in[c] - max))));
    }
    for (std::int64_t c = 0; c < cols; ++c) out[c] = RoundToHalfPrecision(out[c] / sum);
  }
}
