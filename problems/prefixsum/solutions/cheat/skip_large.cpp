// expect: wrong_answer, test: passed — does no work when n looks like a benchmark size (2^20 and up)
#include <cstdint>

void prefixsum(const float* x, float* y, std::int64_t n) {
  if (n >= (std::int64_t{1} << 20)) return;
  float sum = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    sum += x[i];
    y[i] = sum;
  }
}
