#include <sys/socket.h>

#include <cstdint>
#include <cstring>

#include "kjudge/harness/wire.h"
// Cheat: does the work, then writes a CallDone claiming 1 ns on the control socket before the
// harness can send its own.
void scale(const float* x, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = x[i] * 2.0f;
  using namespace kjudge::harness::wire;
  static std::uint32_t guess = 0;
  auto m = Make<CallDone>();
  m.call_id = ++guess;
  m.case_id = 1;
  m.elapsed_ns = 1;
  ::send(kControlFd, &m, sizeof m, MSG_NOSIGNAL);
}
