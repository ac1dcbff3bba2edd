// expect: wrong_answer — returns a constant: writes zeros without reading A or B
#include <cstdint>
#include <cstring>

void matmul(const std::uint16_t*, const std::uint16_t*, std::uint16_t* c, std::int64_t m, std::int64_t n, std::int64_t) {
  std::memset(c, 0, static_cast<std::size_t>(m * n) * sizeof *c);
}
