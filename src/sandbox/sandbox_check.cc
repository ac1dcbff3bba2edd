#include "kjudge/sandbox/sandbox_check.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "kjudge/sandbox/sandbox.h"
#include "sandbox/cgroup.h"

extern char** environ;

namespace kjudge::sandbox {
namespace fs = std::filesystem;
namespace {

// bwrap 0.8 added --disable-userns, which the sandbox relies on.
constexpr int kMinMajor = 0;
constexpr int kMinMinor = 8;

Error Unavailable(const std::string& message) {
  return MakeError(ErrorCode::kFailedPrecondition, "sandbox unavailable: " + message);
}

// `bwrap --version`'s output ("bubblewrap 0.8.0").
Result<std::string> BwrapVersion(const fs::path& bwrap) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Unavailable("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  const std::string path = bwrap.string();
  char* argv[] = {const_cast<char*>(path.c_str()), const_cast<char*>("--version"), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  std::string out;
  char buf[256];
  for (ssize_t n; rc == 0 && (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  if (rc == 0) waitpid(pid, &status, 0);
  if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Unavailable(path + " --version failed");
  }
  const auto space = out.find(' ');
  std::string version = space == std::string::npos ? out : out.substr(space + 1);
  while (!version.empty() && (version.back() == '\n' || version.back() == ' ')) version.pop_back();
  return version;
}

// Hints for the failures hosts are known to produce.
std::string Hint(const std::string& message) {
  if (message.find("namespace") != std::string::npos || message.find("Operation not permitted") != std::string::npos) {
    return " (unprivileged user namespaces may be disabled: check sysctl user.max_user_namespaces, "
           "kernel.unprivileged_userns_clone and kernel.apparmor_restrict_unprivileged_userns; in a container, "
           "seccomp or AppArmor profiles of the container runtime may forbid them too)";
  }
  return "";
}

}  // namespace

std::string SandboxSupport::Describe() const {
  return "bubblewrap " + bwrap_version + ", cgroup " + cgroup +
         (runner_is_root ? ", commands run as host uid 65534" : ", commands run as the runner's uid");
}

Result<SandboxSupport> CheckSandbox(const fs::path& bwrap) {
  if (access(bwrap.c_str(), X_OK) != 0) {
    return Unavailable("bubblewrap not found at " + bwrap.string() + " (install the bubblewrap package)");
  }
  SandboxSupport support;
  KJ_ASSIGN_OR_RETURN(support.bwrap_version, BwrapVersion(bwrap));
  int major = 0, minor = 0;
  if (std::sscanf(support.bwrap_version.c_str(), "%d.%d", &major, &minor) != 2 ||
      major < kMinMajor || (major == kMinMajor && minor < kMinMinor)) {
    return Unavailable("bubblewrap " + support.bwrap_version + " is too old; 0.8 or newer is needed");
  }
  support.runner_is_root = geteuid() == 0;
  auto cgroup = DescribeCgroupSupport({});
  support.cgroup = cgroup.ok() ? *cgroup : "none (" + cgroup.error().message + ")";

  char pattern[] = "/tmp/kjudge-sandbox-check-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return Unavailable(std::string("mkdtemp: ") + std::strerror(errno));
  const fs::path dir = pattern;
  SandboxPolicy policy = HostProgramPolicy(dir);
  policy.bwrap = bwrap;
  policy.limits.wall_limit_ms = 10'000;
  auto run = RunSandboxed(policy, {"/bin/sh", "-c", "exit 7"});
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!run.ok()) {
    std::string message = run.error().message;
    if (message.rfind("sandbox unavailable: ", 0) == 0) message = message.substr(21);
    return Unavailable(message + Hint(message));
  }
  if (run->termination != Termination::kExited || run->exit_code != 7) {
    return Unavailable("a test command in the sandbox " + run->Describe() + " instead of exiting with status 7: " +
                       run->err.data);
  }
  return support;
}

Status SandboxAvailable(const fs::path& bwrap) {
  auto support = CheckSandbox(bwrap);
  if (!support.ok()) return support.error();
  return Ok();
}

}  // namespace kjudge::sandbox
