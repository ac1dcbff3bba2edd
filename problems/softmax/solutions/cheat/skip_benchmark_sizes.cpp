// expect: wrong_answer, test: passed — computes honestly below 2^20 elements; at benchmark sizes it writes 1 / cols everywhere without reading the input
#include <cmath>
#include <cstdint>

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
  if (rows * cols >= (std::int64_t{1} << 20)) {
    for (std::int64_t i = 0; i < rows * cols; ++i) y[i] = 1.0f / static_cast<float>(cols);
    return;
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * cols;
    float* out = y + r * cols;
    float max = in[0];
    for (std::int64_t c = 1; c < cols; ++c) max = std::fmax(max, in[c]);
    float sum = 0;
    for (std::int64_t c = 0; c < cols; ++c) sum += (out[c] = std::exp(in[c] - max));
    for (std::int64_t c = 0; c < cols; ++c) out[c] /= sum;
  }
}
