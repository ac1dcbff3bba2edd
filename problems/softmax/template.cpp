// softmax, host CPU backend: y[r][c] = exp(x[r][c] - m_r) / sum_c' exp(x[r][c'] - m_r) with m_r the
// maximum of row r, for a rows x cols row-major fp32 matrix. Subtracting the maximum keeps exp()
// finite: some rows hold logits around +-300.
// A correct, unoptimised starting point: make it faster.
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
