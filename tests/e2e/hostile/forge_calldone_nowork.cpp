// expect: wrong_answer or rejected — does no work at all and instead answers each call itself: a
// CallDone on the control descriptor (fd 4) with the ids the supervisor expects (it counts its
// calls: in test mode case k is call k) and a 1 ns time. The layout is the one in
// include/kjudge/harness/wire.h, written out so the submission needs no header of the harness.
#include <sys/socket.h>

#include <cstdint>
#include <cstring>

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

void vectoradd(const std::uint16_t*, const std::uint16_t*, std::uint16_t*, std::int64_t) {
  ++calls;
  ForgedCallDone m{};
  m.header = {0x4744'4a4bu, 1, 5, sizeof m};
  m.case_id = calls;
  m.call_id = calls;
  m.elapsed_ns = 1.0;
  std::strcpy(m.message, "forged");
  (void)::send(4, &m, sizeof m, MSG_NOSIGNAL);
}
