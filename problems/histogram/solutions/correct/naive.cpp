// expect: passed — naive loop: zero the 256 counters, then one increment per byte
#include <cstdint>

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  for (int b = 0; b < 256; ++b) counts[b] = 0;
  for (std::int64_t i = 0; i < n; ++i) ++counts[data[i]];
}
