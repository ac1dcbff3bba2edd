// RunMonitor: the runner's side of one sandboxed run while it lasts. It forks the launcher, reads
// the command's stdout and stderr into capped captures, reads the init's status records and
// bwrap's status document, enforces the wall limit, reacts to cancellation, and, once the launcher
// is reaped and the sandbox's init is gone (so every process of the run has ended), turns what it
// saw into a SandboxResult.
//
// Thread safety: Run() is called once, on the thread that is to be the launcher's parent (the
// launcher dies when that thread exits). Cancellation comes from other threads through the
// eventfd given at construction.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/sandbox/sandbox.h"
#include "sandbox/cgroup.h"
#include "sandbox/launcher.h"
#include "sandbox/output_capture.h"
#include "sandbox/scoped_fd.h"

namespace kjudge::sandbox {

/// The runner-side ends of a run's descriptors.
struct RunChannels {
  ScopedFd out;           ///< the command's stdout
  ScopedFd err;           ///< the command's stderr (and bwrap's setup errors)
  ScopedFd status;        ///< the init's StatusRecords
  ScopedFd json;          ///< bwrap's --json-status-fd
  ScopedFd launch_error;  ///< a LaunchError when the launcher never executed bwrap
  int cancel_event = -1;  ///< eventfd, readable once the run is to be cancelled (not owned)
};

class RunMonitor {
 public:
  /// `child_side` holds the descriptors the launcher inherits; they are closed here right after
  /// fork, so that the run's end shows as EOF.
  RunMonitor(SandboxLimits limits, std::string command, LaunchPlan plan, std::vector<ScopedFd> child_side,
             RunChannels channels, std::unique_ptr<RunCgroup> cgroup);

  /// Forks the launcher. An error means nothing was started.
  Status Launch();
  /// After a successful Launch(): supervises the run to its end. Errors are failures of the
  /// sandbox itself (see SandboxedProcess::Wait).
  Result<SandboxResult> Supervise();

 private:
  void PollOnce(std::int64_t timeout_ms);
  void ReadStream(int fd);
  void ReadJson();
  void WatchInit(pid_t pid);
  void Reap();
  void KillRun(Termination reason);
  bool Done() const;
  Result<SandboxResult> Assemble();

  SandboxLimits limits_;
  std::string command_;
  LaunchPlan plan_;
  std::vector<ScopedFd> child_side_;
  RunChannels ch_;
  std::unique_ptr<RunCgroup> cgroup_;

  std::int64_t start_ms_ = 0;
  std::int64_t end_ms_ = 0;
  pid_t launcher_ = -1;
  ScopedFd launcher_pidfd_;
  ScopedFd init_pidfd_;
  bool launcher_reaped_ = false;
  bool init_done_ = false;
  int launcher_status_ = 0;
  rusage usage_{};
  bool killed_ = false;
  Termination kill_reason_ = Termination::kWallTimeout;
  std::string json_;
  std::string status_bytes_;
  std::string error_bytes_;
  OutputCapture out_capture_;
  OutputCapture err_capture_;
};

}  // namespace kjudge::sandbox
