// expect: time_limit — spins forever inside the first call; the supervisor's per-call timeout ends it.
#include <cstdint>

void vectoradd(const std::uint16_t*, const std::uint16_t*, std::uint16_t*, std::int64_t) {
  volatile std::uint64_t spins = 0;
  for (;;) spins = spins + 1;
}
