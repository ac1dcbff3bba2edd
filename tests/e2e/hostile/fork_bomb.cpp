// expect: not passed — a classic fork bomb: every process forks forever (and so never answers).
// A judged program's fork fails (EPERM, seccomp), so it only spins; the call times out and the
// run is killed. (The sandbox's process limit would hold the tree otherwise.)
#include <unistd.h>

#include <cstdint>

void vectoradd(const std::uint16_t*, const std::uint16_t*, std::uint16_t*, std::int64_t) {
  for (;;) (void)fork();
}
