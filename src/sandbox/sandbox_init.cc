// The sandbox's init: pid 1 of the sandbox's pid namespace, started by bwrap (--as-pid-1). It is
// the trusted part inside the sandbox, kept small and using only the C library:
//  * it makes itself non-dumpable, so the command (same uid) cannot open its /proc/1/{mem,fd};
//  * as pid 1 it receives no signal from inside the namespace that it has no handler for, so
//    the command cannot kill it;
//  * it forks the command, which applies the rlimits, closes every descriptor not meant for it,
//    sets no_new_privs, installs the seccomp filter and executes;
//  * it reports the command's exact wait status to the runner, then exits, which makes the
//    kernel kill every process left in the namespace.
// See init_protocol.h for its arguments and records.
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/init_protocol.h"

namespace {

using kjudge::sandbox::init::RecordKind;
using kjudge::sandbox::init::Stage;
using kjudge::sandbox::init::StatusRecord;

constexpr int kMaxKeep = 64;
constexpr int kMaxRlimits = 16;
constexpr std::size_t kMaxFilterBytes = 64 * 1024;

int g_status_fd = -1;

void Report(RecordKind kind, int value, Stage stage) {
  StatusRecord r;
  r.kind = kind;
  r.value = value;
  r.stage = stage;
  // One write: a pipe write of this size is atomic.
  if (write(g_status_fd, &r, sizeof r) < 0) {
    // Nobody to tell.
  }
}

[[noreturn]] void Fail(Stage stage, int err) {
  Report(RecordKind::kFailed, err, stage);
  _exit(126);
}

bool ParseInt(const char* s, long long* out) {
  if (*s == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const long long v = strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

bool ParseLimit(const char* s, rlim_t* out) {
  if (strcmp(s, "inf") == 0) {
    *out = RLIM_INFINITY;
    return true;
  }
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || *s == '\0') return false;
  *out = static_cast<rlim_t>(v);
  return true;
}

struct Rlimit {
  int resource;
  rlimit value;
};

// Splits `list` in place at commas; returns the count (or -1 past `max`).
int Split(char* list, char** items, int max) {
  int n = 0;
  if (*list == '\0') return 0;
  for (char* p = list;;) {
    if (n == max) return -1;
    items[n++] = p;
    char* comma = strchr(p, ',');
    if (comma == nullptr) return n;
    *comma = '\0';
    p = comma + 1;
  }
}

// Marks every descriptor from `from` up close-on-exec except those in keep[].
void CloseOthersOnExec(const int* keep, int nkeep) {
  // The kept descriptors split [3, inf) into ranges; each range is marked at once.
  int sorted[kMaxKeep];
  for (int i = 0; i < nkeep; ++i) sorted[i] = keep[i];
  for (int i = 1; i < nkeep; ++i) {
    for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
      const int t = sorted[j];
      sorted[j] = sorted[j - 1];
      sorted[j - 1] = t;
    }
  }
  unsigned lo = 3;
  for (int i = 0; i <= nkeep; ++i) {
    const unsigned hi = i < nkeep ? static_cast<unsigned>(sorted[i]) : ~0u;
    if (hi > lo) {
      if (syscall(SYS_close_range, lo, hi - 1, 4u /* CLOSE_RANGE_CLOEXEC */) != 0) {
        // Kernels before 5.11: mark them one by one up to the descriptor limit.
        rlimit nofile{};
        getrlimit(RLIMIT_NOFILE, &nofile);
        const unsigned top = hi == ~0u ? static_cast<unsigned>(nofile.rlim_cur < 65536 ? nofile.rlim_cur : 65536) : hi;
        for (unsigned fd = lo; fd < top; ++fd) fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
      }
    }
    if (i < nkeep) lo = static_cast<unsigned>(sorted[i]) + 1;
  }
}

// Closes every descriptor from 3 up except `keep`.
void CloseAllBut(int keep) {
  const bool low_ok = keep <= 3 || syscall(SYS_close_range, 3u, static_cast<unsigned>(keep - 1), 0u) == 0;
  const bool high_ok = syscall(SYS_close_range, static_cast<unsigned>(keep + 1), ~0u, 0u) == 0;
  if (low_ok && high_ok) return;
  // Kernels before 5.9: one by one up to the descriptor limit.
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  const int top = nofile.rlim_cur < 65536 ? static_cast<int>(nofile.rlim_cur) : 65536;
  for (int fd = 3; fd < top; ++fd) {
    if (fd != keep) close(fd);
  }
}

[[noreturn]] void RunCommand(char** command, const Rlimit* limits, int nlimits, const int* keep, int nkeep,
                             sock_fprog* filter) {
  // bwrap may leave signals blocked; the command starts with a clean mask and default actions.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }
  for (int i = 0; i < nlimits; ++i) {
    if (setrlimit(limits[i].resource, &limits[i].value) != 0) Fail(Stage::kRlimit, errno);
  }
  CloseOthersOnExec(keep, nkeep);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) Fail(Stage::kSeccomp, errno);
  if (filter != nullptr) {
    // SPEC_ALLOW: do not force the speculative-store-bypass mitigation on the command, which
    // would slow judged code down compared with the same code run outside.
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, filter) != 0 &&
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, filter) != 0) {
      Fail(Stage::kSeccomp, errno);
    }
  }
  execvp(command[0], command);
  Fail(Stage::kExec, errno);
}

}  // namespace

int main(int argc, char** argv) {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  long long status_fd = -1;
  long long seccomp_fd = -1;
  if (argc < 7 || !ParseInt(argv[1], &status_fd) || status_fd < 0 || !ParseInt(argv[2], &seccomp_fd) ||
      strcmp(argv[5], "--") != 0) {
    static const char kUsage[] = "kjudge sandbox init: bad arguments\n";
    if (write(2, kUsage, sizeof kUsage - 1) < 0) {
    }
    return 125;
  }
  g_status_fd = static_cast<int>(status_fd);
  fcntl(g_status_fd, F_SETFD, FD_CLOEXEC);

  char* keep_items[kMaxKeep];
  int keep[kMaxKeep];
  const int nkeep = Split(argv[3], keep_items, kMaxKeep);
  if (nkeep < 0) Fail(Stage::kArguments, E2BIG);
  for (int i = 0; i < nkeep; ++i) {
    long long fd = -1;
    if (!ParseInt(keep_items[i], &fd) || fd < 3 || fd > 1 << 20) Fail(Stage::kArguments, EINVAL);
    keep[i] = static_cast<int>(fd);
  }

  char* limit_items[kMaxRlimits];
  Rlimit limits[kMaxRlimits];
  const int nlimits = Split(argv[4], limit_items, kMaxRlimits);
  if (nlimits < 0) Fail(Stage::kArguments, E2BIG);
  for (int i = 0; i < nlimits; ++i) {
    char* soft = strchr(limit_items[i], ':');
    char* hard = soft ? strchr(soft + 1, ':') : nullptr;
    if (hard == nullptr) Fail(Stage::kArguments, EINVAL);
    *soft++ = '\0';
    *hard++ = '\0';
    long long resource = -1;
    if (!ParseInt(limit_items[i], &resource) || !ParseLimit(soft, &limits[i].value.rlim_cur) ||
        !ParseLimit(hard, &limits[i].value.rlim_max)) {
      Fail(Stage::kArguments, EINVAL);
    }
    limits[i].resource = static_cast<int>(resource);
  }

  static sock_filter program[kMaxFilterBytes / sizeof(sock_filter)];
  sock_fprog filter{};
  if (seccomp_fd >= 0) {
    std::size_t got = 0;
    for (;;) {
      const ssize_t n = read(static_cast<int>(seccomp_fd), reinterpret_cast<char*>(program) + got, sizeof program - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) Fail(Stage::kReadSeccomp, errno);
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
      if (got == sizeof program) Fail(Stage::kReadSeccomp, EFBIG);
    }
    close(static_cast<int>(seccomp_fd));
    if (got == 0 || got % sizeof(sock_filter) != 0) Fail(Stage::kReadSeccomp, EINVAL);
    filter.len = static_cast<unsigned short>(got / sizeof(sock_filter));
    filter.filter = program;
  }

  const pid_t child = fork();
  if (child < 0) Fail(Stage::kFork, errno);
  if (child == 0) RunCommand(argv + 6, limits, nlimits, keep, nkeep, seccomp_fd >= 0 ? &filter : nullptr);
  Report(RecordKind::kStarted, child, Stage::kNone);
  // The init needs none of the command's descriptors; holding the result channel would delay the
  // runner's end-of-file on it.
  CloseAllBut(g_status_fd);

  // Reap everything (orphans are re-parented to us) until the command itself ends.
  for (;;) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) Fail(Stage::kWait, errno);
    if (pid == child) {
      Report(RecordKind::kExited, status, Stage::kNone);
      // Returning from pid 1 makes the kernel SIGKILL whatever the command left running.
      _exit(0);
    }
  }
}
