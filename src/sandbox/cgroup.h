// RunCgroup: a cgroup made for one sandboxed run, so that limits apply to the whole process tree
// (memory including tmpfs pages, task count) and the whole tree can be killed and counted from
// outside. cgroup v2 (one directory under the runner's cgroup or a delegated parent) and the v1
// memory and pids hierarchies (a directory under the runner's cgroup in each) are supported; when
// neither can be written, Create() says why and the sandbox falls back to rlimits.
//
// Joining: the launcher writes "0" to each cgroup.procs (opened here, before fork) so that bwrap
// and everything under it start inside.
//
// Thread safety: one run's monitor uses its cgroup; Create() is thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::sandbox {

struct CgroupLimits {
  std::uint64_t memory_limit_bytes = 0;  ///< 0 = no memory cap
  std::uint64_t max_processes = 0;       ///< 0 = no task cap
};

struct CgroupStats {
  bool oom_killed = false;           ///< the memory cap killed a process
  bool process_limit_hit = false;    ///< pids.max refused a fork
  std::uint64_t peak_memory_bytes = 0;  ///< 0 when the kernel does not record it
};

class RunCgroup {
 public:
  /// Makes the run's cgroup(s). `parent` overrides where (cgroup v2 only); empty = the runner's
  /// own cgroup. kFailedPrecondition says why none can be made here.
  static Result<std::unique_ptr<RunCgroup>> Create(const std::filesystem::path& parent, const CgroupLimits& limits);

  RunCgroup(const RunCgroup&) = delete;
  RunCgroup& operator=(const RunCgroup&) = delete;
  /// Kills what is left and removes the directories.
  ~RunCgroup();

  /// Open (O_WRONLY, close-on-exec) cgroup.procs descriptors the launcher joins by writing "0".
  const std::vector<int>& procs_fds() const { return procs_fds_; }

  /// SIGKILLs every process in the cgroup(s) (cgroup.kill where the kernel has it).
  void KillAll();
  /// True when no process is left.
  bool Empty() const;
  CgroupStats Stats() const;

  /// The run's cgroup v2 directory, whose cgroup.freeze stops every process in it; empty on v1.
  std::filesystem::path FreezerDir() const { return v2_ && !dirs_.empty() ? dirs_.front() : std::filesystem::path(); }

  /// "v2 /sys/fs/cgroup/x/kjudge-12-3" or "v1 /sys/fs/cgroup/memory/..., /sys/fs/cgroup/pids/...".
  std::string Describe() const;

 private:
  RunCgroup() = default;
  bool v2_ = false;
  std::vector<std::filesystem::path> dirs_;  // v2: one; v1: memory, pids (either may be absent)
  std::filesystem::path memory_dir_;
  std::filesystem::path pids_dir_;
  std::vector<int> procs_fds_;
};

/// Where per-run cgroups would go on this host, or why there are none (for CheckSandbox).
Result<std::string> DescribeCgroupSupport(const std::filesystem::path& parent);

}  // namespace kjudge::sandbox
