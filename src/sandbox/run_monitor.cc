#include "sandbox/run_monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

#include "kjudge/core/clock.h"
#include "sandbox/init_protocol.h"

namespace kjudge::sandbox {
namespace {

// After the launcher has exited, how long the runner keeps reading output and waiting for the
// init to finish tearing the namespace down. Both take microseconds normally.
constexpr std::int64_t kDrainGraceMs = 2'000;
// Without pidfd (Linux < 5.3) the launcher's exit is polled this often.
constexpr std::int64_t kPollWithoutPidfdMs = 20;

int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

// The parent pid of `pid` from /proc, or -1.
pid_t ParentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), {});
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  char state = 0;
  int ppid = -1;
  if (std::sscanf(stat.c_str() + paren + 1, " %c %d", &state, &ppid) != 2) return -1;
  return ppid;
}

const char* InitStageName(init::Stage stage) {
  switch (stage) {
    case init::Stage::kArguments: return "parsing its arguments";
    case init::Stage::kReadSeccomp: return "reading the seccomp filter";
    case init::Stage::kFork: return "forking the command";
    case init::Stage::kRlimit: return "setting resource limits";
    case init::Stage::kSeccomp: return "installing the seccomp filter";
    case init::Stage::kExec: return "executing the command";
    case init::Stage::kWait: return "waiting for the command";
    case init::Stage::kNone: break;
  }
  return "starting";
}

std::string StatusText(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  const char* abbrev = sigabbrev_np(WTERMSIG(status));
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(WTERMSIG(status));
}

// What the init reported.
struct InitReport {
  bool started = false;
  std::optional<int> exit_status;
  std::optional<init::StatusRecord> failure;
};

InitReport ParseRecords(const std::string& bytes) {
  InitReport report;
  for (std::size_t off = 0; off + sizeof(init::StatusRecord) <= bytes.size(); off += sizeof(init::StatusRecord)) {
    init::StatusRecord r;
    std::memcpy(&r, bytes.data() + off, sizeof r);
    if (r.magic != init::kMagic) break;
    if (r.kind == init::RecordKind::kStarted) report.started = true;
    if (r.kind == init::RecordKind::kExited) report.exit_status = r.value;
    if (r.kind == init::RecordKind::kFailed && !report.failure) report.failure = r;
  }
  return report;
}

}  // namespace

RunMonitor::RunMonitor(SandboxLimits limits, std::string command, LaunchPlan plan, std::vector<ScopedFd> child_side,
                       RunChannels channels, std::unique_ptr<RunCgroup> cgroup)
    : limits_(limits),
      command_(std::move(command)),
      plan_(std::move(plan)),
      child_side_(std::move(child_side)),
      ch_(std::move(channels)),
      cgroup_(std::move(cgroup)),
      out_capture_(limits.stdout_limit_bytes),
      err_capture_(limits.stderr_limit_bytes) {}

Status RunMonitor::Launch() {
  start_ms_ = MonotonicMs();
  KJ_ASSIGN_OR_RETURN(launcher_, ForkLauncher(plan_));
  child_side_.clear();  // the launcher has its copies; ours would hide EOF
  launcher_pidfd_.Reset(PidfdOpen(launcher_));
  for (const ScopedFd* fd : {&ch_.json, &ch_.status}) fcntl(fd->get(), F_SETFL, O_NONBLOCK);
  return Ok();
}

bool RunMonitor::Done() const {
  return launcher_reaped_ && (init_done_ || !init_pidfd_.valid()) && !ch_.out.valid() && !ch_.err.valid();
}

Result<SandboxResult> RunMonitor::Supervise() {
  const std::int64_t deadline_ms = start_ms_ + limits_.wall_limit_ms;
  std::int64_t drain_deadline_ms = -1;
  while (!Done()) {
    const std::int64_t now = MonotonicMs();
    if (!killed_ && now >= deadline_ms) KillRun(Termination::kWallTimeout);
    if (!launcher_reaped_ && !launcher_pidfd_.valid()) Reap();
    if (launcher_reaped_ && drain_deadline_ms < 0) drain_deadline_ms = now + kDrainGraceMs;
    if (drain_deadline_ms >= 0 && now >= drain_deadline_ms) {
      // A pipe is still held after bwrap is gone: the namespace did not end. End what the cgroup
      // can reach and stop reading.
      if (cgroup_) cgroup_->KillAll();
      break;
    }
    std::int64_t timeout = drain_deadline_ms >= 0 ? drain_deadline_ms - now
                           : killed_              ? kDrainGraceMs
                                                  : deadline_ms - now;
    if (!launcher_reaped_ && !launcher_pidfd_.valid()) timeout = std::min(timeout, kPollWithoutPidfdMs);
    PollOnce(std::max<std::int64_t>(timeout, 0));
  }
  if (!launcher_reaped_) {
    KillRun(kill_reason_);
    launcher_pidfd_.Reset();
    while (!launcher_reaped_) Reap();
  }
  // Records written just before the init exited may still sit in the pipe.
  if (ch_.status.valid()) ReadStream(ch_.status.get());
  Result<SandboxResult> result = Assemble();
  cgroup_.reset();  // kills anything left (nothing should be) and removes the directories
  return result;
}

void RunMonitor::PollOnce(std::int64_t timeout_ms) {
  pollfd fds[8];
  int nfds = 0;
  for (const ScopedFd* fd : {&ch_.out, &ch_.err, &ch_.status, &ch_.json, &ch_.launch_error}) {
    if (fd->valid()) fds[nfds++] = pollfd{fd->get(), POLLIN, 0};
  }
  if (!launcher_reaped_ && launcher_pidfd_.valid()) fds[nfds++] = pollfd{launcher_pidfd_.get(), POLLIN, 0};
  if (!init_done_ && init_pidfd_.valid()) fds[nfds++] = pollfd{init_pidfd_.get(), POLLIN, 0};
  if (!killed_ && ch_.cancel_event >= 0) fds[nfds++] = pollfd{ch_.cancel_event, POLLIN, 0};
  if (poll(fds, static_cast<nfds_t>(nfds), static_cast<int>(timeout_ms)) <= 0) return;
  for (int i = 0; i < nfds; ++i) {
    if (fds[i].revents == 0) continue;
    const int fd = fds[i].fd;
    if (fd == launcher_pidfd_.get()) {
      Reap();
    } else if (fd == init_pidfd_.get()) {
      init_done_ = true;
    } else if (fd == ch_.cancel_event) {
      KillRun(Termination::kCancelled);
    } else if (fd == ch_.json.get()) {
      ReadJson();
    } else {
      ReadStream(fd);
    }
  }
}

void RunMonitor::ReadStream(int fd) {
  static thread_local char buf[64 * 1024];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // EAGAIN on the non-blocking status pipe
    const std::size_t size = static_cast<std::size_t>(n);
    if (fd == ch_.out.get()) {
      if (n == 0) ch_.out.Reset();
      out_capture_.Append(buf, size);
    } else if (fd == ch_.err.get()) {
      if (n == 0) ch_.err.Reset();
      err_capture_.Append(buf, size);
    } else if (fd == ch_.status.get()) {
      if (n == 0) ch_.status.Reset();
      status_bytes_.append(buf, size);
    } else if (fd == ch_.launch_error.get()) {
      if (n == 0) ch_.launch_error.Reset();
      error_bytes_.append(buf, size);
    }
    // One read per readiness for the output pipes keeps stdout and stderr both moving; the
    // status pipe is drained (it is non-blocking and small).
    if (n == 0 || fd != ch_.status.get()) return;
  }
}

void RunMonitor::ReadJson() {
  char buf[1024];
  while (ch_.json.valid()) {
    const ssize_t n = read(ch_.json.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (n == 0) {
      ch_.json.Reset();
      break;
    }
    json_.append(buf, static_cast<std::size_t>(n));
  }
  // bwrap's first document: { "child-pid": N, ... }, the init's pid on the host.
  const std::string key = "\"child-pid\":";
  const auto at = json_.find(key);
  if (at != std::string::npos) WatchInit(static_cast<pid_t>(std::strtol(json_.c_str() + at + key.size(), nullptr, 10)));
}

void RunMonitor::WatchInit(pid_t pid) {
  if (init_pidfd_.valid() || pid <= 0 || launcher_reaped_) return;
  ScopedFd fd(PidfdOpen(pid));
  // Only while its parent is still our (unreaped) launcher is `pid` surely the init, not a reuse.
  if (fd.valid() && ParentOf(pid) == launcher_) init_pidfd_ = std::move(fd);
}

void RunMonitor::Reap() {
  const int flags = launcher_pidfd_.valid() || killed_ ? 0 : WNOHANG;
  if (wait4(launcher_, &launcher_status_, flags, &usage_) == launcher_) {
    launcher_reaped_ = true;
    end_ms_ = MonotonicMs();
  }
}

void RunMonitor::KillRun(Termination reason) {
  // Learn the init's pid first if bwrap has told it, so that its end can be awaited.
  ReadJson();
  if (!killed_) kill_reason_ = reason;
  killed_ = true;
  if (!launcher_reaped_) {
    // The launcher's session holds only bwrap's outer process; its death takes the init with it
    // (--die-with-parent), and the init's death the whole pid namespace.
    kill(-launcher_, SIGKILL);
    kill(launcher_, SIGKILL);
  }
  if (cgroup_) cgroup_->KillAll();
}

Result<SandboxResult> RunMonitor::Assemble() {
  if (error_bytes_.size() >= sizeof(LaunchError)) {
    LaunchError e;
    std::memcpy(&e, error_bytes_.data(), sizeof e);
    return MakeError(ErrorCode::kFailedPrecondition, std::string("sandbox unavailable: launcher failed ") +
                                                         LaunchStageName(e.stage) + ": " + std::strerror(e.err));
  }
  const InitReport init = ParseRecords(status_bytes_);
  CapturedOutput out = out_capture_.Finish();
  CapturedOutput err = err_capture_.Finish();
  if (init.failure) {
    const init::StatusRecord& f = *init.failure;
    if (f.stage == init::Stage::kExec) {
      return MakeError(f.value == ENOENT ? ErrorCode::kNotFound : ErrorCode::kFailedPrecondition,
                       "sandbox: cannot execute '" + command_ + "': " + std::strerror(f.value));
    }
    return MakeError(ErrorCode::kFailedPrecondition, std::string("sandbox: init failed ") + InitStageName(f.stage) +
                                                         ": " + std::strerror(f.value));
  }
  if (!init.started && !killed_) {
    // bwrap never got as far as the init; its message is on stderr.
    std::string message = err.data;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return MakeError(ErrorCode::kFailedPrecondition, "sandbox unavailable: bwrap failed (" +
                                                         StatusText(launcher_status_) + "): " +
                                                         (message.empty() ? "no message" : message));
  }

  SandboxResult r;
  r.wall_time_ms = end_ms_ - start_ms_;
  r.cpu_time_ms = (usage_.ru_utime.tv_sec + usage_.ru_stime.tv_sec) * 1000 +
                  (usage_.ru_utime.tv_usec + usage_.ru_stime.tv_usec) / 1000;
  r.peak_memory_bytes = static_cast<std::uint64_t>(usage_.ru_maxrss) * 1024;
  if (init.exit_status && WIFEXITED(*init.exit_status)) {
    r.termination = Termination::kExited;
    r.exit_code = WEXITSTATUS(*init.exit_status);
  } else if (init.exit_status && WIFSIGNALED(*init.exit_status)) {
    r.termination = Termination::kSignaled;
    r.signal = WTERMSIG(*init.exit_status);
  } else if (killed_) {
    r.termination = kill_reason_;
  } else {
    // The init itself was killed from outside the sandbox (the run cgroup's OOM killer, an
    // operator), and the command with it.
    r.termination = Termination::kSignaled;
    r.signal = SIGKILL;
  }
  r.wall_limit_hit = r.termination == Termination::kWallTimeout;
  r.cpu_limit_hit = r.signal == SIGXCPU ||
                    (r.signal == SIGKILL && limits_.cpu_limit_ms > 0 && r.cpu_time_ms >= limits_.cpu_limit_ms);
  r.file_size_limit_hit = r.signal == SIGXFSZ;
  if (cgroup_) {
    const CgroupStats stats = cgroup_->Stats();
    r.cgroup_used = true;
    r.memory_limit_hit = stats.oom_killed;
    r.process_limit_hit = stats.process_limit_hit;
    if (stats.peak_memory_bytes > 0) r.peak_memory_bytes = stats.peak_memory_bytes;
  }
  r.output_limit_hit = out.truncated || err.truncated;
  r.out = std::move(out);
  r.err = std::move(err);
  return r;
}

}  // namespace kjudge::sandbox
