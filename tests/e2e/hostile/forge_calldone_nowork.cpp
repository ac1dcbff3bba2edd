// expect: wrong_answer or rejected — does no work at all and instead finishes each call itself
// on the control descriptor (fd 4) in protocol order (wire.h, version 4): a CallDone with the ids
// the supervisor expects (its 32 calibration calls come first; in test mode case k is the k-th
// call) and a 1 ns time, then a Downloaded. The supervisor accepts the sequence and checks the
// outputs, which the submission never wrote: test 1 fails.
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

#include "kjudge/harness/wire.h"

namespace {

namespace wire = kjudge::harness::wire;

constexpr std::uint32_t kCalibrationCalls = 32;
std::uint32_t calls = 0;

}  // namespace

void vectoradd(const std::uint16_t*, const std::uint16_t*, std::uint16_t*, std::int64_t) {
  ++calls;
  auto done = wire::Make<wire::CallDone>();
  done.case_id = calls;
  done.call_id = kCalibrationCalls + calls;
  done.elapsed_ns = 1.0;
  std::strcpy(done.message, "forged");
  (void)::send(wire::kControlFd, &done, sizeof done, MSG_NOSIGNAL);
  auto downloaded = wire::Make<wire::Downloaded>();
  downloaded.call_id = done.call_id;
  downloaded.elapsed_ns = 1.0;  // the time the supervisor keeps
  (void)::send(wire::kControlFd, &downloaded, sizeof downloaded, MSG_NOSIGNAL);
}
