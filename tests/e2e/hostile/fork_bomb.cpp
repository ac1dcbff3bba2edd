// expect: not passed — a classic fork bomb: every process forks forever (and so never answers).
// The process limit of the sandbox holds the tree to a few dozen tasks; the call times out and
// the whole tree is killed with the run.
#include <unistd.h>

#include <cstdint>

void vectoradd(const std::uint16_t*, const std::uint16_t*, std::uint16_t*, std::int64_t) {
  for (;;) (void)fork();
}
