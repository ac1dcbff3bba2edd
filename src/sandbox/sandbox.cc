#include "kjudge/sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include "sandbox/cgroup.h"
#include "sandbox/init_binary.h"
#include "sandbox/launcher.h"
#include "sandbox/run_monitor.h"
#include "sandbox/scoped_fd.h"
#include "sandbox/seccomp_filter.h"

namespace kjudge::sandbox {
namespace fs = std::filesystem;
namespace {

// Most descriptors a run may pass in.
constexpr std::size_t kMaxPassedFds = 64;

Error IoError(const std::string& what) {
  return MakeError(ErrorCode::kIo, "sandbox: " + what + ": " + std::strerror(errno));
}

Result<ScopedFd> MemfdWith(const char* name, std::string_view bytes) {
  ScopedFd fd(memfd_create(name, MFD_CLOEXEC));
  if (!fd.valid()) return IoError("memfd_create");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("writing memfd");
    done += static_cast<std::size_t>(n);
  }
  // bwrap and the init read from the current offset.
  if (lseek(fd.get(), 0, SEEK_SET) != 0) return IoError("lseek");
  return fd;
}

struct Pipe {
  ScopedFd read;
  ScopedFd write;
};

Result<Pipe> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return IoError("pipe");
  return Pipe{ScopedFd(fds[0]), ScopedFd(fds[1])};
}

Status ValidateRun(const std::vector<std::string>& argv, const std::vector<PassedFd>& fds) {
  if (argv.empty() || argv[0].empty()) return MakeError(ErrorCode::kInvalidArgument, "sandbox: empty command");
  if (fds.size() > kMaxPassedFds) return MakeError(ErrorCode::kInvalidArgument, "sandbox: too many descriptors");
  std::set<int> targets;
  for (const PassedFd& fd : fds) {
    if (fd.target_fd < 3 || fd.target_fd > 1023 || !targets.insert(fd.target_fd).second) {
      return MakeError(ErrorCode::kInvalidArgument, "sandbox: passed descriptor target " +
                                                        std::to_string(fd.target_fd) + " must be 3..1023 and unique");
    }
    if (fcntl(fd.fd, F_GETFD) < 0) {
      return MakeError(ErrorCode::kInvalidArgument, "sandbox: passed descriptor " + std::to_string(fd.fd) + " is not open");
    }
  }
  return Ok();
}

// When the runner is root the command runs as policy.host_uid, which must be able to write the
// work directory.
Status HandOverWorkDir(const SandboxPolicy& policy) {
  if (geteuid() != 0) return Ok();
  struct stat st{};
  if (stat(policy.work_dir.c_str(), &st) != 0) return IoError("stat " + policy.work_dir.string());
  if (st.st_uid == policy.host_uid && st.st_gid == policy.host_gid) return Ok();
  if (chown(policy.work_dir.c_str(), policy.host_uid, policy.host_gid) != 0) {
    return IoError("chown " + policy.work_dir.string());
  }
  return Ok();
}

Result<std::unique_ptr<RunCgroup>> MakeCgroup(const SandboxPolicy& policy) {
  if (policy.cgroup == CgroupMode::kOff) return std::unique_ptr<RunCgroup>();
  auto cg = RunCgroup::Create(policy.cgroup_parent, {policy.limits.memory_limit_bytes, policy.limits.max_processes});
  if (cg.ok()) return std::move(cg).value();
  if (policy.cgroup == CgroupMode::kRequired) {
    return MakeError(ErrorCode::kFailedPrecondition, "sandbox: no cgroup for this run: " + cg.error().message);
  }
  return std::unique_ptr<RunCgroup>();  // kIfAvailable: rlimits only
}

// Everything a run needs before its launcher is forked.
struct Prepared {
  LaunchPlan plan;
  std::vector<ScopedFd> child_side;  // what the launcher inherits
  RunChannels channels;
};

// Opens the run's descriptors and lays them out: 0-2 stdio, the passed fds at their numbers, then
// the LaunchFds bwrap and the init are told about.
Result<Prepared> Prepare(const SandboxPolicy& policy, const std::vector<std::string>& argv,
                         const std::vector<PassedFd>& fds) {
  Prepared p;
  KJ_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  KJ_ASSIGN_OR_RETURN(Pipe err, MakePipe());
  KJ_ASSIGN_OR_RETURN(Pipe status, MakePipe());
  KJ_ASSIGN_OR_RETURN(Pipe json, MakePipe());
  KJ_ASSIGN_OR_RETURN(Pipe launch_error, MakePipe());
  ScopedFd devnull(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!devnull.valid()) return IoError("open /dev/null");
  // Bound by descriptor: the sandbox user need not be able to reach the path.
  ScopedFd work_dir(open(policy.work_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!work_dir.valid()) return IoError("open " + policy.work_dir.string());
  KJ_ASSIGN_OR_RETURN(ScopedFd init_binary, MemfdWith("kjudge-sandbox-init", InitBinary()));
  ScopedFd seccomp;
  if (policy.seccomp) {
    KJ_ASSIGN_OR_RETURN(std::string bpf, BuildSeccompFilter(policy.allow_new_processes));
    KJ_ASSIGN_OR_RETURN(seccomp, MemfdWith("kjudge-seccomp", bpf));
  }
  std::vector<ScopedFd> copied;
  for (const CopiedFile& file : policy.copied_files) {
    // Read by the launcher as the runner: the source may be private to it.
    ScopedFd fd(open(file.source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return IoError("open " + file.source.string());
    copied.push_back(std::move(fd));
  }

  int next = 3;
  auto hand = [&](ScopedFd fd, int target) {
    p.plan.moves.push_back({fd.get(), target});
    p.child_side.push_back(std::move(fd));
    return target;
  };
  hand(std::move(devnull), 0);
  hand(std::move(out.write), 1);
  hand(std::move(err.write), 2);
  std::vector<int> keep_fds;
  for (const PassedFd& fd : fds) {
    p.plan.moves.push_back({fd.fd, fd.target_fd});  // the caller keeps ownership
    keep_fds.push_back(fd.target_fd);
    next = std::max(next, fd.target_fd + 1);
  }
  LaunchFds launch;
  launch.work_dir = hand(std::move(work_dir), next++);
  launch.init_binary = hand(std::move(init_binary), next++);
  launch.json_status = hand(std::move(json.write), next++);
  launch.status = hand(std::move(status.write), next++);
  if (seccomp.valid()) launch.seccomp = hand(std::move(seccomp), next++);
  for (ScopedFd& fd : copied) launch.copied.push_back(hand(std::move(fd), next++));

  p.plan.bwrap = policy.bwrap.string();
  p.plan.args = BuildBwrapArgs(policy, launch, keep_fds, argv);
  p.plan.env = BuildEnvironment(policy);
  p.plan.error_fd = launch_error.write.get();
  p.child_side.push_back(std::move(launch_error.write));
  p.plan.switch_user = geteuid() == 0;
  p.plan.uid = policy.host_uid;
  p.plan.gid = policy.host_gid;
  p.plan.groups = policy.host_groups;
  if (p.plan.groups.empty()) p.plan.groups.push_back(policy.host_gid);
  p.channels.out = std::move(out.read);
  p.channels.err = std::move(err.read);
  p.channels.status = std::move(status.read);
  p.channels.json = std::move(json.read);
  p.channels.launch_error = std::move(launch_error.read);
  return p;
}

std::string SignalName(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

}  // namespace

std::string_view TerminationName(Termination termination) {
  switch (termination) {
    case Termination::kExited: return "exited";
    case Termination::kSignaled: return "signaled";
    case Termination::kWallTimeout: return "wall_timeout";
    case Termination::kCancelled: return "cancelled";
  }
  return "unknown";
}

bool SandboxResult::Succeeded() const {
  return termination == Termination::kExited && exit_code == 0 && !wall_limit_hit && !cpu_limit_hit &&
         !memory_limit_hit && !file_size_limit_hit && !output_limit_hit;
}

std::string SandboxResult::Describe() const {
  std::string text;
  switch (termination) {
    case Termination::kExited: text = "exited with status " + std::to_string(exit_code); break;
    case Termination::kSignaled: text = "killed by " + SignalName(signal); break;
    case Termination::kWallTimeout: text = "wall time limit exceeded (" + std::to_string(wall_time_ms) + " ms)"; break;
    case Termination::kCancelled: text = "cancelled"; break;
  }
  if (cpu_limit_hit) text += "; CPU time limit exceeded";
  if (memory_limit_hit) text += "; memory limit exceeded";
  if (process_limit_hit) text += "; process limit reached";
  if (file_size_limit_hit) text += "; file size limit exceeded";
  if (out.truncated) text += "; stdout truncated";
  if (err.truncated) text += "; stderr truncated";
  return text;
}

// A run in progress: its monitor thread forks the launcher (so the launcher's parent-death signal
// is tied to a thread that lives exactly as long as the run) and supervises it.
struct SandboxedProcess::State {
  std::optional<RunMonitor> monitor;
  std::filesystem::path freezer_dir;  ///< the run's cgroup v2 directory, empty without one
  ScopedFd cancel_event;
  std::thread thread;
  std::atomic<bool> finished{false};
  std::optional<Result<SandboxResult>> result;
};

SandboxedProcess::SandboxedProcess(std::unique_ptr<State> state) : state_(std::move(state)) {}
SandboxedProcess::SandboxedProcess(SandboxedProcess&&) noexcept = default;

SandboxedProcess& SandboxedProcess::operator=(SandboxedProcess&& other) noexcept {
  if (this != &other) {
    if (state_) {
      Cancel();
      if (state_->thread.joinable()) state_->thread.join();
    }
    state_ = std::move(other.state_);
  }
  return *this;
}

SandboxedProcess::~SandboxedProcess() {
  if (!state_) return;
  Cancel();
  if (state_->thread.joinable()) state_->thread.join();
}

void SandboxedProcess::Cancel() {
  if (!state_ || !state_->cancel_event.valid()) return;
  const std::uint64_t one = 1;
  if (write(state_->cancel_event.get(), &one, sizeof one) < 0) {
    // Only EAGAIN at a counter near 2^64 is possible; the run is being cancelled either way.
  }
}

bool SandboxedProcess::Finished() const { return state_ && state_->finished.load(); }

Status SandboxedProcess::Freeze(bool frozen) {
  if (!state_ || state_->freezer_dir.empty()) return MakeError(ErrorCode::kFailedPrecondition, "sandbox: no cgroup v2 freezer");
  const std::string control = (state_->freezer_dir / "cgroup.freeze").string();
  const int fd = open(control.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return IoError("open " + control);
  const bool written = write(fd, frozen ? "1" : "0", 1) == 1;
  close(fd);
  if (!written) return IoError("write " + control);
  if (!frozen) return Ok();
  // cgroup.events says "frozen 1" once every task has stopped; a task inside a system call stops
  // when it leaves it, so this takes microseconds to a few milliseconds.
  const std::string events = (state_->freezer_dir / "cgroup.events").string();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  for (;;) {
    char buf[256];
    const int efd = open(events.c_str(), O_RDONLY | O_CLOEXEC);
    if (efd < 0) return IoError("open " + events);
    const ssize_t n = read(efd, buf, sizeof buf - 1);
    close(efd);
    if (n > 0) {
      buf[n] = '\0';
      if (std::strstr(buf, "frozen 1") != nullptr) return Ok();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return MakeError(ErrorCode::kUnavailable, "sandbox: the run did not freeze within 500 ms");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
}

Result<SandboxResult> SandboxedProcess::Wait() {
  if (!state_ || !state_->thread.joinable()) {
    return MakeError(ErrorCode::kFailedPrecondition, "sandbox: Wait() called twice");
  }
  state_->thread.join();
  return std::move(*state_->result);
}

Result<SandboxedProcess> SandboxedProcess::Start(const SandboxPolicy& policy, const std::vector<std::string>& argv,
                                                 const std::vector<PassedFd>& fds) {
  KJ_RETURN_IF_ERROR(ValidatePolicy(policy));
  KJ_RETURN_IF_ERROR(ValidateRun(argv, fds));
  if (access(policy.bwrap.c_str(), X_OK) != 0) {
    return MakeError(ErrorCode::kFailedPrecondition, "sandbox unavailable: bubblewrap not found at " +
                                                         policy.bwrap.string() + " (install the bubblewrap package)");
  }
  KJ_RETURN_IF_ERROR(HandOverWorkDir(policy));
  KJ_ASSIGN_OR_RETURN(std::unique_ptr<RunCgroup> cgroup, MakeCgroup(policy));
  KJ_ASSIGN_OR_RETURN(Prepared prepared, Prepare(policy, argv, fds));
  if (cgroup) prepared.plan.cgroup_procs = cgroup->procs_fds();

  auto state = std::make_unique<State>();
  if (cgroup) state->freezer_dir = cgroup->FreezerDir();
  state->cancel_event.Reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!state->cancel_event.valid()) return IoError("eventfd");
  prepared.channels.cancel_event = state->cancel_event.get();
  state->monitor.emplace(policy.limits, argv[0], std::move(prepared.plan), std::move(prepared.child_side),
                         std::move(prepared.channels), std::move(cgroup));

  std::promise<Status> launched;
  std::future<Status> launch_result = launched.get_future();
  State* raw = state.get();
  state->thread = std::thread([raw, launched = std::move(launched)]() mutable {
    Status s = raw->monitor->Launch();
    const bool ok = s.ok();
    launched.set_value(std::move(s));
    if (ok) raw->result = raw->monitor->Supervise();
    raw->monitor.reset();  // closes the run's descriptors and removes its cgroup
    raw->finished = true;
  });
  Status s = launch_result.get();
  if (!s.ok()) {
    state->thread.join();
    return s.error();
  }
  return SandboxedProcess(std::move(state));
}

Result<SandboxResult> RunSandboxed(const SandboxPolicy& policy, const std::vector<std::string>& argv,
                                   const std::vector<PassedFd>& fds, std::stop_token cancel) {
  KJ_ASSIGN_OR_RETURN(SandboxedProcess process, SandboxedProcess::Start(policy, argv, fds));
  std::stop_callback on_stop(cancel, [&process] { process.Cancel(); });
  return process.Wait();
}

}  // namespace kjudge::sandbox
