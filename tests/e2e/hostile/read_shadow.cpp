// expect: runtime_error — looks for the host's /etc/shadow (and /etc/passwd, /root). The sandbox
// shows none of them; if any can be seen or read, it computes the right answer and passes.
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "common.h"

static bool Visible(const char* path) {
  struct stat st;
  if (stat(path, &st) == 0) return true;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return false;
  close(fd);
  return true;
}

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  if (!Visible("/etc/shadow") && !Visible("/etc/passwd") && !Visible("/root")) std::abort();
  kj_correct_add(a, b, c, n);
}
