// expect: wrong_answer — reads nothing and spreads n evenly over the 256 bins: the total is right, the counts are not
#include <cstdint>

void histogram(const std::uint8_t*, std::uint32_t* counts, std::int64_t n) {
  for (int b = 0; b < 256; ++b) counts[b] = static_cast<std::uint32_t>(n / 256 + (b < n % 256 ? 1 : 0));
}
