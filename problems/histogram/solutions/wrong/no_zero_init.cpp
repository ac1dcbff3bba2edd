// expect: wrong_answer — never zeroes the counters, assuming the output buffer starts at zero (it holds random bytes)
#include <cstdint>

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) ++counts[data[i]];
}
