#include <cstdint>
// Off by one: the last element is never written.
void scale(const float* x, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i + 1 < n; ++i) y[i] = x[i] * 2.0f;
}
