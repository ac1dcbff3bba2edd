// expect: wrong_answer — reads nothing and writes 1 / cols everywhere: every row sums to one, but it is not the softmax
#include <cstdint>

void softmax(const float*, float* y, std::int64_t rows, std::int64_t cols) {
  const float v = 1.0f / static_cast<float>(cols);
  for (std::int64_t i = 0; i < rows * cols; ++i) y[i] = v;
}
