// expect: wrong_answer — off by one: the last element is never counted
#include <cstdint>

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  for (int b = 0; b < 256; ++b) counts[b] = 0;
  for (std::int64_t i = 0; i + 1 < n; ++i) ++counts[data[i]];
}
