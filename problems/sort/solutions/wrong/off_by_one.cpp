// expect: wrong_answer — off by one: sorts only the first n - 1 elements and leaves the last one where it was
#include <algorithm>
#include <cstdint>

void sort(const float* x, float* y, std::int64_t n) {
  std::copy(x, x + n, y);
  if (n > 1) std::sort(y, y + n - 1);
}
