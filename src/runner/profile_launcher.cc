// The profile launcher: copied into the sandbox as the judged program of a profile run, it execs
// Nsight Compute with the argv the runner put in KJUDGE_PROFILE_ARGV (arguments separated by
// 0x1f), which then starts the real judged binary. The supervisor starts whatever it judges with
// a fixed argv and the channel's descriptors at fixed numbers; this keeps both: the descriptors
// stay open across the exec, and ncu passes them on to the process it profiles.
//
// It runs under the sandbox's seccomp filter and limits, uses only the C library (no libstdc++,
// no sanitizers), and removes its variable from the environment before the exec.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { kMaxArgs = 256, kMaxBytes = 64 * 1024 };

int main(int outer_argc, char** outer_argv) {
  const char* value = getenv("KJUDGE_PROFILE_ARGV");
  if (value == NULL || value[0] == '\0') {
    fputs("kjudge profile launcher: KJUDGE_PROFILE_ARGV is not set\n", stderr);
    return 127;
  }
  static char buffer[kMaxBytes];
  const size_t length = strlen(value);
  if (length >= sizeof buffer) {
    fputs("kjudge profile launcher: KJUDGE_PROFILE_ARGV is too long\n", stderr);
    return 127;
  }
  memcpy(buffer, value, length + 1);
  static char* argv[kMaxArgs + 1];
  int argc = 0;
  char* start = buffer;
  for (char* p = buffer;; ++p) {
    if (*p == '\x1f' || *p == '\0') {
      const int last = *p == '\0';
      *p = '\0';
      if (argc == kMaxArgs) {
        fputs("kjudge profile launcher: too many arguments\n", stderr);
        return 127;
      }
      argv[argc++] = start;
      start = p + 1;
      if (last) break;
    }
  }
  /* What the supervisor passes the judged program (the submission's library) goes on to it. */
  for (int i = 1; i < outer_argc; ++i) {
    if (argc == kMaxArgs) {
      fputs("kjudge profile launcher: too many arguments\n", stderr);
      return 127;
    }
    argv[argc++] = outer_argv[i];
  }
  argv[argc] = NULL;
  unsetenv("KJUDGE_PROFILE_ARGV");
  execv(argv[0], argv);
  fprintf(stderr, "kjudge profile launcher: cannot execute %s\n", argv[0]);
  return 127;
}
