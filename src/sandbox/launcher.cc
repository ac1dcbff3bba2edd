#include "sandbox/launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

namespace kjudge::sandbox {
namespace fs = std::filesystem;
namespace {

// Most descriptors the launcher places: stdio, passed fds, the LaunchFds and copied files.
constexpr std::size_t kMaxMoves = 256;

void AddReadOnly(const Bind& bind, std::vector<std::string>& args) {
  const std::string dest = bind.dest.empty() ? bind.source.string() : bind.dest;
  struct stat st{};
  if (lstat(bind.source.c_str(), &st) != 0) return;  // not on this host: skipped by design
  if (S_ISLNK(st.st_mode)) {
    // Recreate the link rather than bind its target, so /lib -> usr/lib stays a link.
    char target[4096];
    const ssize_t n = readlink(bind.source.c_str(), target, sizeof target - 1);
    if (n <= 0) return;
    args.insert(args.end(), {"--symlink", std::string(target, static_cast<std::size_t>(n)), dest});
    return;
  }
  args.insert(args.end(), {"--ro-bind", bind.source.string(), dest});
}

std::string JoinInts(const std::vector<int>& values) {
  std::string out;
  for (int v : values) {
    if (!out.empty()) out += ',';
    out += std::to_string(v);
  }
  return out;
}

std::string OctalMode(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777u);
  return buf;
}

std::string Limit(std::uint64_t v) { return v == 0 ? "inf" : std::to_string(v); }

// Async-signal-safe from here on: the launcher child.
[[noreturn]] void Die(int error_fd, LaunchStage stage) {
  LaunchError e{static_cast<int>(stage), errno};
  if (write(error_fd, &e, sizeof e) < 0) {
  }
  _exit(127);
}

[[noreturn]] void LauncherChild(const LaunchPlan& plan, char* const* argv, char* const* envp, pid_t parent) {
  int error_fd = plan.error_fd;
  // The runner may block or ignore signals (a signal-handling thread, SIGPIPE ignored); bwrap and
  // the command start with defaults.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  }
  // A session of its own: the runner kills the launcher's whole process group at once, and the
  // command never shares the runner's terminal.
  if (setsid() < 0) Die(error_fd, LaunchStage::kSetsid);

  // Move every descriptor we need above every target number first, so placing one never
  // overwrites another that is still to be placed.
  int top_target = 2;
  for (const auto& m : plan.moves) top_target = std::max(top_target, m.second);
  const int high = top_target + 1;
  int staged[kMaxMoves];
  for (std::size_t i = 0; i < plan.moves.size(); ++i) {
    staged[i] = fcntl(plan.moves[i].first, F_DUPFD_CLOEXEC, high);
    if (staged[i] < 0) Die(error_fd, LaunchStage::kDescriptors);
  }
  error_fd = fcntl(error_fd, F_DUPFD_CLOEXEC, high);
  if (error_fd < 0) _exit(127);
  int cgroup_fds[16];
  const std::size_t ncgroup = std::min<std::size_t>(plan.cgroup_procs.size(), 16);
  for (std::size_t i = 0; i < ncgroup; ++i) {
    cgroup_fds[i] = fcntl(plan.cgroup_procs[i], F_DUPFD_CLOEXEC, high);
    if (cgroup_fds[i] < 0) Die(error_fd, LaunchStage::kDescriptors);
  }

  // Join the run's cgroup while still allowed to write cgroup.procs.
  for (std::size_t i = 0; i < ncgroup; ++i) {
    if (write(cgroup_fds[i], "0", 1) != 1) Die(error_fd, LaunchStage::kCgroup);
    close(cgroup_fds[i]);
  }

  if (plan.switch_user) {
    if (setgroups(plan.groups.size(), plan.groups.data()) != 0) Die(error_fd, LaunchStage::kGroups);
    if (setresgid(plan.gid, plan.gid, plan.gid) != 0) Die(error_fd, LaunchStage::kGid);
    if (setresuid(plan.uid, plan.uid, plan.uid) != 0) Die(error_fd, LaunchStage::kUid);
  }
  // After the uid change, which would clear it. If the runner thread is already gone, stop here.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) Die(error_fd, LaunchStage::kDeathSignal);
  if (getppid() != parent) _exit(127);

  // Everything inherited from the runner closes at exec, except what is placed below.
  if (syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) != 0) {
    rlimit nofile{};
    getrlimit(RLIMIT_NOFILE, &nofile);
    const rlim_t top = nofile.rlim_cur < 65536 ? nofile.rlim_cur : 65536;
    for (rlim_t fd = 3; fd < top; ++fd) fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  }
  for (std::size_t i = 0; i < plan.moves.size(); ++i) {
    // dup2 leaves the new descriptor without close-on-exec: it goes through bwrap.
    if (dup2(staged[i], plan.moves[i].second) < 0) Die(error_fd, LaunchStage::kDescriptors);
  }
  execve(plan.bwrap.c_str(), argv, envp);
  Die(error_fd, LaunchStage::kExec);
}

}  // namespace

std::vector<std::string> BuildBwrapArgs(const SandboxPolicy& policy, const LaunchFds& fds,
                                        const std::vector<int>& keep_fds, const std::vector<std::string>& argv) {
  std::vector<std::string> args = {
      policy.bwrap.string(),
      // Every namespace: no network, no view of host processes, IPC objects or hostname, and a user
      // namespace that holds capabilities only during setup. Nested user namespaces are refused.
      "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
      "--disable-userns", "--uid", "65534", "--gid", "65534", "--hostname", policy.hostname,
      // Dies with the launcher (which dies with the runner thread); the init is pid 1.
      "--die-with-parent", "--new-session", "--as-pid-1"};
  for (const Bind& bind : policy.read_only) AddReadOnly(bind, args);
  const std::string tmp_size = std::to_string(policy.limits.tmp_size_bytes);
  args.insert(args.end(), {"--proc", "/proc", "--dev", "/dev", "--size", tmp_size, "--tmpfs", "/dev/shm", "--size",
                           tmp_size, "--tmpfs", "/tmp"});
  for (const Bind& device : policy.devices) {
    args.insert(args.end(), {"--dev-bind", device.source.string(), device.dest.empty() ? device.source.string() : device.dest});
  }
  args.insert(args.end(), {"--bind-fd", std::to_string(fds.work_dir), kSandboxWorkDir});
  for (std::size_t i = 0; i < policy.copied_files.size() && i < fds.copied.size(); ++i) {
    const CopiedFile& file = policy.copied_files[i];
    args.insert(args.end(), {"--perms", OctalMode(file.mode), "--ro-bind-data", std::to_string(fds.copied[i]), file.dest});
  }
  // Execute-only: the init starts non-dumpable, and the command cannot read it.
  args.insert(args.end(), {"--perms", "0111", "--ro-bind-data", std::to_string(fds.init_binary), kInitPath});
  // The root and /dev are read-only (their tmpfs has no size cap); /tmp, /dev/shm and the work
  // directory are separate mounts and stay writable.
  args.insert(args.end(), {"--remount-ro", "/dev", "--remount-ro", "/", "--chdir", policy.cwd, "--json-status-fd",
                           std::to_string(fds.json_status), "--", kInitPath, std::to_string(fds.status),
                           std::to_string(fds.seccomp), JoinInts(keep_fds), RlimitArgument(policy.limits), "--"});
  args.insert(args.end(), argv.begin(), argv.end());
  return args;
}

std::string RlimitArgument(const SandboxLimits& limits) {
  std::vector<std::string> items;
  auto add = [&](int resource, const std::string& soft, const std::string& hard) {
    items.push_back(std::to_string(resource) + ":" + soft + ":" + hard);
  };
  if (limits.cpu_limit_ms > 0) {
    // Whole seconds, rounded up; SIGXCPU at the soft limit, SIGKILL one second later.
    const std::int64_t seconds = (limits.cpu_limit_ms + 999) / 1000;
    add(RLIMIT_CPU, std::to_string(seconds), std::to_string(seconds + 1));
  }
  add(RLIMIT_AS, Limit(limits.address_space_bytes), Limit(limits.address_space_bytes));
  // +1: the init is the same user in the same user namespace.
  if (limits.max_processes > 0) {
    add(RLIMIT_NPROC, std::to_string(limits.max_processes + 1), std::to_string(limits.max_processes + 1));
  }
  add(RLIMIT_FSIZE, Limit(limits.file_size_bytes), Limit(limits.file_size_bytes));
  add(RLIMIT_NOFILE, Limit(limits.open_files), Limit(limits.open_files));
  add(RLIMIT_CORE, "0", "0");  // a core dump of a 10 GiB CUDA process would fill the work dir
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

std::vector<std::string> BuildEnvironment(const SandboxPolicy& policy) {
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      {"HOME", kSandboxWorkDir},
      {"TMPDIR", "/tmp"},
      {"LANG", "C.UTF-8"},
  };
  for (const std::string& name : policy.env_passthrough) {
    if (const char* value = std::getenv(name.c_str())) env[name] = value;
  }
  for (const auto& [name, value] : policy.env) env[name] = value;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

const char* LaunchStageName(int stage) {
  switch (static_cast<LaunchStage>(stage)) {
    case LaunchStage::kSetsid: return "starting a session";
    case LaunchStage::kDescriptors: return "arranging descriptors";
    case LaunchStage::kCgroup: return "joining the run's cgroup";
    case LaunchStage::kGroups: return "setting supplementary groups";
    case LaunchStage::kGid: return "switching to the sandbox gid";
    case LaunchStage::kUid: return "switching to the sandbox uid";
    case LaunchStage::kDeathSignal: return "setting the parent-death signal";
    case LaunchStage::kExec: return "executing bwrap";
  }
  return "starting";
}

Result<pid_t> ForkLauncher(const LaunchPlan& plan) {
  if (plan.moves.size() > kMaxMoves) {
    return MakeError(ErrorCode::kInvalidArgument, "sandbox: too many descriptors to pass");
  }
  if (plan.cgroup_procs.size() > 16) return MakeError(ErrorCode::kInternal, "sandbox: too many cgroup hierarchies");
  std::vector<char*> argv;
  for (const std::string& a : plan.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : plan.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return MakeError(ErrorCode::kIo, std::string("sandbox: fork: ") + std::strerror(errno));
  if (pid == 0) LauncherChild(plan, argv.data(), envp.data(), parent);
  return pid;
}

}  // namespace kjudge::sandbox
