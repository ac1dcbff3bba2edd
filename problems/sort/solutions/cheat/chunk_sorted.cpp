// expect: wrong_answer — sorts each run of 4096 elements on its own and never merges them: locally sorted, globally not
#include <algorithm>
#include <cstdint>

void sort(const float* x, float* y, std::int64_t n) {
  std::copy(x, x + n, y);
  for (std::int64_t start = 0; start < n; start += 4096) std::sort(y + start, y + std::min(n, start + 4096));
}
