// expect: wrong_answer — computes the exclusive scan (y[i] = x[0] + ... + x[i-1]) instead of the inclusive one
#include <cstdint>

void prefixsum(const float* x, float* y, std::int64_t n) {
  float sum = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    y[i] = sum;
    sum += x[i];
  }
}
