// expect: wrong_answer, test: passed — sorts honestly below 2^20 elements; at benchmark sizes it copies the input unsorted
#include <algorithm>
#include <cstdint>

void sort(const float* x, float* y, std::int64_t n) {
  std::copy(x, x + n, y);
  if (n < (std::int64_t{1} << 20)) std::sort(y, y + n);
}
