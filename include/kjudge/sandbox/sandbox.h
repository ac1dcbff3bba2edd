// Running a command in the sandbox: bubblewrap namespaces (user, pid, mount, net, ipc, uts, cgroup),
// a private filesystem view (sandbox_policy.h), a seccomp filter, rlimits, an optional per-run
// cgroup, captured and capped stdout/stderr, and a wall-clock limit that kills the whole process
// tree. docs/sandbox.md says what is guaranteed and what is not.
//
// Process tree: runner thread -> bwrap (new session, dies with that thread) -> kjudge's init
// (pid 1 of the sandbox: applies rlimits and seccomp, starts the command, reports its exact exit
// status, cannot be signalled from inside) -> the command. When the command exits, or the wall
// limit passes, or the run is cancelled, the sandbox's pid namespace ends and every process in it
// is killed by the kernel: nothing survives a run.
//
// Thread safety: RunSandboxed and SandboxedProcess::Start may be called from many threads at once.
// One SandboxedProcess is used by one thread, except Cancel(), which any thread may call.
#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/sandbox/sandbox_policy.h"

namespace kjudge::sandbox {

/// A runner descriptor given to the command as descriptor number `target_fd` (>= 3): the result
/// channel, the shared-memory fd. The caller keeps ownership of `fd`; it may be closed once
/// Start() has returned.
struct PassedFd {
  int fd = -1;
  int target_fd = -1;
};

/// How the run ended.
enum class Termination {
  kExited,       ///< the command exited; see exit_code
  kSignaled,     ///< the command was killed by a signal (its own, a limit's, a crash); see signal
  kWallTimeout,  ///< the wall limit passed; everything was killed
  kCancelled,    ///< Cancel() or the stop token; everything was killed
};

/// Stable lower-case name ("exited", "signaled", "wall_timeout", "cancelled").
std::string_view TerminationName(Termination termination);

/// One captured stream: at most the policy's limit of bytes, then a truncation marker.
struct CapturedOutput {
  std::string data;             ///< what was kept (plus the marker line when truncated)
  std::uint64_t total_bytes = 0;  ///< everything the command wrote to the stream
  bool truncated = false;
};

/// What a run did. Limits that Linux reports only as a signal are inferred from it: SIGXCPU is the
/// CPU limit, SIGXFSZ the file-size limit.
struct SandboxResult {
  Termination termination = Termination::kExited;
  int exit_code = -1;  ///< kExited only
  int signal = 0;      ///< kSignaled only
  bool wall_limit_hit = false;
  bool cpu_limit_hit = false;
  /// The cgroup's memory cap killed something (OOM). An address-space (RLIMIT_AS) failure is not
  /// seen from outside: the command gets ENOMEM / std::bad_alloc and fails in its own way.
  bool memory_limit_hit = false;
  bool process_limit_hit = false;    ///< the cgroup refused a fork (pids.max); rlimit refusals are not seen
  bool file_size_limit_hit = false;  ///< SIGXFSZ
  bool output_limit_hit = false;     ///< stdout or stderr was truncated
  bool cgroup_used = false;          ///< memory_limit_bytes and pids.max were enforced by a cgroup
  std::int64_t wall_time_ms = 0;     ///< launch to exit, as the runner saw it
  std::int64_t cpu_time_ms = 0;      ///< user + system time of every process of the run
  std::uint64_t peak_memory_bytes = 0;  ///< the cgroup's peak usage, else the largest process's peak RSS
  CapturedOutput out;
  CapturedOutput err;

  /// True when the command exited with status 0 and no limit was hit.
  bool Succeeded() const;
  /// One line for logs and competitors: "exited with status 1", "killed by SIGSEGV",
  /// "wall time limit exceeded (2000 ms)", plus the limits hit.
  std::string Describe() const;
};

/// A command running in the sandbox. Movable; destroying a running one kills it and waits.
class SandboxedProcess {
 public:
  /// Starts `argv` (argv[0] is a path inside the sandbox, or a name looked up in the sandbox's
  /// PATH) under `policy`, with `fds` passed in. Returns once the sandbox launcher is running.
  /// Errors: kInvalidArgument (policy, argv, fds), kFailedPrecondition (bwrap missing, cgroup
  /// required but unavailable), kIo (the host refused a pipe, fork, cgroup).
  static Result<SandboxedProcess> Start(const SandboxPolicy& policy, const std::vector<std::string>& argv,
                                        const std::vector<PassedFd>& fds = {});

  SandboxedProcess(SandboxedProcess&&) noexcept;
  SandboxedProcess& operator=(SandboxedProcess&&) noexcept;
  ~SandboxedProcess();

  /// Kills the whole run now; Wait() then reports kCancelled. Any thread; idempotent.
  void Cancel();
  /// True once the run has ended and Wait() will not block.
  bool Finished() const;
  /// Freezes (true: returns once every process of the run is stopped) or thaws the whole run,
  /// through its cgroup v2 freezer. kFailedPrecondition where the run has no such cgroup.
  Status Freeze(bool frozen);
  /// Blocks until the run ends. An Error means the sandbox itself failed (bwrap could not set up
  /// the namespaces or mounts, the command could not be executed): kFailedPrecondition with
  /// bwrap's or the init's message, kNotFound when argv[0] does not exist inside. Call once.
  Result<SandboxResult> Wait();

 private:
  struct State;
  explicit SandboxedProcess(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

/// Start + Wait. `cancel` ends the run early (reported as kCancelled).
Result<SandboxResult> RunSandboxed(const SandboxPolicy& policy, const std::vector<std::string>& argv,
                                   const std::vector<PassedFd>& fds = {}, std::stop_token cancel = {});

}  // namespace kjudge::sandbox
