// expect: wrong_answer — the textbook formula without subtracting the row maximum: exp overflows to inf (inf / inf = NaN) on rows of large logits and underflows to 0 / 0 on rows of very negative ones
#include <cmath>
#include <cstdint>

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * cols;
    float* out = y + r * cols;
    float sum = 0;
    for (std::int64_t c = 0; c < cols; ++c) sum += (out[c] = std::exp(in[c]));
    for (std::int64_t c = 0; c < cols; ++c) out[c] /= sum;
  }
}
