// expect: passed — naive: per row, the maximum, then exp and a sequential fp32 sum, then a division
#include <cmath>
#include <cstdint>

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
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
