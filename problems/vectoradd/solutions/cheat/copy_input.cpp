// expect: wrong_answer — returns an input (C = A) instead of the sum
#include <cstdint>
#include <cstring>

void vectoradd(const std::uint16_t* a, const std::uint16_t*, std::uint16_t* c, std::int64_t n) {
  std::memcpy(c, a, static_cast<std::size_t>(n) * sizeof *a);
}
