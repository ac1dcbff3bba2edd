// expect: wrong_answer — counts in 16-bit counters, which wrap once a bin passes 65,535 (the hot bin of a high-contention case)
#include <cstdint>

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  std::uint16_t narrow[256] = {};
  for (std::int64_t i = 0; i < n; ++i) ++narrow[data[i]];
  for (int b = 0; b < 256; ++b) counts[b] = narrow[b];
}
