// expect: passed — naive: copy the input and std::sort it
#include <algorithm>
#include <cstdint>

void sort(const float* x, float* y, std::int64_t n) {
  std::copy(x, x + n, y);
  std::sort(y, y + n);
}
