// expect: wrong_answer — reads one byte in 16 and scales the counts up (an estimate, not a count), fixing up the total
#include <cstdint>

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  std::uint64_t sampled[256] = {};
  for (std::int64_t i = 0; i < n; i += 16) ++sampled[data[i]];
  std::int64_t total = 0;
  for (int b = 0; b < 256; ++b) {
    counts[b] = static_cast<std::uint32_t>(sampled[b] * 16);
    total += counts[b];
  }
  // Put the rounding error in the fullest bin so that the counts still add up to n.
  int fullest = 0;
  for (int b = 1; b < 256; ++b) fullest = counts[b] > counts[fullest] ? b : fullest;
  counts[fullest] = static_cast<std::uint32_t>(static_cast<std::int64_t>(counts[fullest]) + n - total);
}
