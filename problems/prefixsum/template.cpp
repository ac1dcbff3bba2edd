// prefixsum, host CPU backend: y[i] = x[0] + ... + x[i] over n floats.
// A correct, unoptimised starting point: make it faster.
#include <cstdint>

void prefixsum(const float* x, float* y, std::int64_t n) {
  float sum = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    sum += x[i];
    y[i] = sum;
  }
}
