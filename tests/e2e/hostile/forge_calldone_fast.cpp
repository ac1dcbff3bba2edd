// expect: rejected — computes the right answer, then finishes the call itself on the control
// descriptor (fd 4) in protocol order (wire.h, version 4): a CallDone with the expected ids and an
// impossible 1 ns, then a Downloaded, before the harness sends its own. Right outputs with forged
// messages are still a forgery: the harness's real answers arrive out of sequence and the run is
// rejected.
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

#include "common.h"
#include "kjudge/harness/wire.h"

namespace {

namespace wire = kjudge::harness::wire;

/// The supervisor's call ids count from 1 across the run, its 32 calibration calls first; in test
/// mode case k (one Setup each) is the k-th call of the submission.
constexpr std::uint32_t kCalibrationCalls = 32;
std::uint32_t calls = 0;

}  // namespace

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  kj_correct_add(a, b, c, n);
  ++calls;
  auto done = wire::Make<wire::CallDone>();
  done.case_id = calls;
  done.call_id = kCalibrationCalls + calls;
  done.elapsed_ns = 1.0;
  (void)::send(wire::kControlFd, &done, sizeof done, MSG_NOSIGNAL);
  auto downloaded = wire::Make<wire::Downloaded>();
  downloaded.call_id = done.call_id;
  downloaded.elapsed_ns = 1.0;  // the time the supervisor keeps
  (void)::send(wire::kControlFd, &downloaded, sizeof downloaded, MSG_NOSIGNAL);
}
