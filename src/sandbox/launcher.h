// The launcher: the process the runner forks for one run. It joins the run's cgroup, becomes the
// sandbox's host user, arranges its descriptors at the numbers the bwrap command line names, and
// executes bwrap. Everything it needs is prepared before fork (LaunchPlan), so the child makes
// only async-signal-safe calls — the runner is multi-threaded.
//
// Thread safety: BuildBwrapArgs / BuildEnvironment are pure; ForkLauncher may be called from any
// thread, and that thread is the launcher's "parent" for PR_SET_PDEATHSIG: the launcher (and so
// the sandbox) is killed when that thread exits.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/sandbox/sandbox_policy.h"

namespace kjudge::sandbox {

/// Where the sandbox's init lives inside the sandbox.
inline constexpr const char* kInitPath = "/.kjudge/init";

/// Descriptor numbers as the launcher holds them when it executes bwrap.
struct LaunchFds {
  int work_dir = -1;     ///< O_PATH of the work directory (bound with --bind-fd)
  int init_binary = -1;  ///< the init's executable, copied in with --ro-bind-data
  int json_status = -1;  ///< bwrap's --json-status-fd (tells the runner the init's host pid)
  int status = -1;       ///< the init's StatusRecord pipe
  int seccomp = -1;      ///< the BPF program; -1 for none
  std::vector<int> copied;  ///< one per policy.copied_files, in order
};

/// The bwrap command line for `argv` under `policy`: namespaces, the filesystem view, the init,
/// then the command. `keep_fds` are the descriptors the command inherits besides 0, 1, 2.
std::vector<std::string> BuildBwrapArgs(const SandboxPolicy& policy, const LaunchFds& fds,
                                        const std::vector<int>& keep_fds, const std::vector<std::string>& argv);

/// The init's RLIMITS argument for `limits` (init_protocol.h).
std::string RlimitArgument(const SandboxLimits& limits);

/// The command's whole environment, "NAME=value" each: policy.env, the passthrough variables the
/// runner has, and PATH/HOME/TMPDIR defaults when the policy does not set them.
std::vector<std::string> BuildEnvironment(const SandboxPolicy& policy);

/// What the launcher child does, prepared up front.
struct LaunchPlan {
  std::string bwrap;
  std::vector<std::string> args;  ///< argv of bwrap, including argv[0]
  std::vector<std::string> env;
  /// (descriptor in the runner, number in the launcher): stdin, stdout, stderr, passed fds,
  /// the LaunchFds.
  std::vector<std::pair<int, int>> moves;
  std::vector<int> cgroup_procs;  ///< cgroup.procs descriptors to join
  int error_fd = -1;              ///< close-on-exec pipe: a LaunchError when exec never happens
  bool switch_user = false;       ///< the runner is root: become uid/gid/groups
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

/// What the launcher reports on error_fd before it exits, when it could not execute bwrap.
struct LaunchError {
  int stage = 0;  ///< LaunchStage
  int err = 0;    ///< errno
};

enum class LaunchStage : int { kSetsid = 1, kDescriptors, kCgroup, kGroups, kGid, kUid, kDeathSignal, kExec };

/// "joining the cgroup", "executing bwrap", ...
const char* LaunchStageName(int stage);

/// Forks the launcher; returns its pid. The child never returns.
Result<pid_t> ForkLauncher(const LaunchPlan& plan);

}  // namespace kjudge::sandbox
