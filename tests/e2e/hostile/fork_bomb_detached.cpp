// expect: see the test — right answers, but the first call starts a detached fork bomb (its own
// session) that runs on beside the harness until the run ends. The sandbox's process limit holds
// it; when the harness exits, nothing of the bomb may be left on the host.
#include <unistd.h>

#include <cstdint>

#include "common.h"

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  static bool started = false;
  if (!started) {
    started = true;
    if (fork() == 0) {
      setsid();
      for (;;) (void)fork();
    }
  }
  kj_correct_add(a, b, c, n);
}
