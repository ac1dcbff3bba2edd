// expect: rejected — computes the right answer, then answers the call itself on the control
// descriptor (fd 4) with the expected ids and an impossible 1 ns, before the harness sends its own
// CallDone. Right outputs with a forged message are still a forgery: the harness's real answer
// arrives out of sequence and the run is rejected.
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

#include "common.h"

namespace {

struct ForgedHeader {
  std::uint32_t magic, version, type, size;
};
struct ForgedCallDone {
  ForgedHeader header;
  std::uint32_t case_id, call_id;
  std::int32_t status;
  std::uint32_t reserved;
  double elapsed_ns;
  char message[512];
};
static_assert(sizeof(ForgedCallDone) == 552, "wire layout");

std::uint32_t calls = 0;

}  // namespace

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  kj_correct_add(a, b, c, n);
  ++calls;
  ForgedCallDone m{};
  m.header = {0x4744'4a4bu, 1, 5, sizeof m};
  m.case_id = calls;
  m.call_id = calls;
  m.elapsed_ns = 1.0;
  (void)::send(4, &m, sizeof m, MSG_NOSIGNAL);
}
