// histogram, host CPU backend: count how many of the n bytes in `data` hold each value 0..255.
// `counts` has 256 entries and holds garbage on entry: write every one of them.
// A correct, unoptimised starting point: make it faster.
#include <cstdint>

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  for (int b = 0; b < 256; ++b) counts[b] = 0;
  for (std::int64_t i = 0; i < n; ++i) ++counts[data[i]];
}
