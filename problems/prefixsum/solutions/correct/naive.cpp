// expect: passed — sequential loop with an fp32 running sum
#include <cstdint>

void prefixsum(const float* x, float* y, std::int64_t n) {
  float sum = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    sum += x[i];
    y[i] = sum;
  }
}
