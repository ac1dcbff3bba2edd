// expect: runtime_error — tries to connect to a TCP port the test listens on at the host's
// 127.0.0.1 (IPv4, and IPv6 as ::ffff:127.0.0.1). Only a connection that gets through makes it
// compute the right answer; otherwise it aborts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "common.h"

static const int kPort = @PORT@;

static bool ReachedHost() {
  bool reached = false;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s >= 0) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(kPort));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) reached = true;
    close(s);
  }
  int s6 = socket(AF_INET6, SOCK_STREAM, 0);
  if (s6 >= 0) {
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_port = htons(static_cast<std::uint16_t>(kPort));
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &addr.sin6_addr);
    if (connect(s6, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) reached = true;
    close(s6);
  }
  return reached;
}

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  if (!ReachedHost()) std::abort();
  kj_correct_add(a, b, c, n);
}
