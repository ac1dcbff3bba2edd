// SandboxPolicy: what a sandboxed command may see and use — which host paths it sees (read-only),
// the one writable work directory, device nodes, environment, and its limits. A policy is plain
// data: build one with the factories below (HostProgramPolicy, CompilerPolicy, GpuProgramPolicy),
// adjust fields, and hand it to RunSandboxed / SandboxedProcess::Start (sandbox.h).
//
// Inside the sandbox the command sees: the read-only binds, `work_dir` read-write at kSandboxWorkDir,
// a private size-capped tmpfs at /tmp and /dev/shm, a fresh /proc of its own pid namespace, a
// minimal /dev (null, zero, full, random, urandom, tty) plus `devices`, no network, and nothing else:
// the root and /dev are read-only, everything not listed simply does not exist.
//
// Thread safety: plain values; the factories are thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::sandbox {

/// Where the writable work directory appears inside the sandbox.
inline constexpr const char* kSandboxWorkDir = "/work";

/// A host path made visible inside the sandbox at `dest` (the same path when empty). A host path
/// that is a symbolic link (e.g. /lib -> usr/lib on merged-/usr systems) is recreated as the same
/// link inside, so the layout matches the host's.
struct Bind {
  std::filesystem::path source;
  std::string dest;
};

/// A host file copied into the sandbox at `dest` with permission bits `mode`. The copy is read-only
/// inside; the source is opened by the runner (not by the sandbox user), so it may be private to
/// the runner. Copy the judged binary in with mode 0111 (execute-only): the kernel then starts it
/// non-dumpable, so even its static constructors cannot open /proc/self/mem (docs/sandbox.md).
struct CopiedFile {
  std::filesystem::path source;
  std::string dest;
  unsigned mode = 0555;
};

/// Whether a per-run cgroup is used for the whole-tree memory cap and process count.
enum class CgroupMode {
  kOff,          ///< rlimits only
  kIfAvailable,  ///< use one when the host lets us create it; rlimits otherwise (the default)
  kRequired,     ///< fail the run with kFailedPrecondition when no cgroup can be made
};

/// Limits on one run. Every limit has a unit in its name; 0 means "no limit" where stated.
struct SandboxLimits {
  /// Wall-clock time from launch; when exceeded the whole process tree is killed.
  std::int64_t wall_limit_ms = 10'000;
  /// CPU time per process (RLIMIT_CPU, whole seconds, rounded up; SIGXCPU then SIGKILL a second
  /// later). Per process, so a tree of busy processes is bounded by the wall limit instead.
  std::int64_t cpu_limit_ms = 10'000;
  /// Virtual address space per process (RLIMIT_AS); 0 = unlimited. Host programs only: the CUDA
  /// and ROCm runtimes reserve tens of GiB of virtual space, so GPU policies use
  /// memory_limit_bytes instead.
  std::uint64_t address_space_bytes = 2ull << 30;
  /// Resident memory of the whole tree, /tmp included (cgroup memory.max, swap off); 0 = none.
  /// Enforced only when a cgroup is in use (SandboxResult::cgroup_used says so).
  std::uint64_t memory_limit_bytes = 0;
  /// Tasks alive at once — processes and threads together, as Linux counts them (RLIMIT_NPROC,
  /// counted per sandbox because each sandbox has its own user namespace; pids.max too when a
  /// cgroup is in use). The sandbox's own init is not counted.
  std::uint64_t max_processes = 64;
  /// Largest file the command may write (RLIMIT_FSIZE; SIGXFSZ beyond it).
  std::uint64_t file_size_bytes = 64ull << 20;
  /// Open descriptors per process (RLIMIT_NOFILE).
  std::uint64_t open_files = 256;
  /// Size of each private tmpfs (/tmp and /dev/shm).
  std::uint64_t tmp_size_bytes = 64ull << 20;
  /// Bytes of stdout / stderr kept; the rest is read and dropped, and the result says so.
  std::uint64_t stdout_limit_bytes = 1ull << 20;
  std::uint64_t stderr_limit_bytes = 1ull << 20;
};

/// What a sandboxed command may see and use.
struct SandboxPolicy {
  /// Host directory bound read-write at kSandboxWorkDir; must exist. When the runner is root it is
  /// handed to `host_uid` (chown of the directory itself, not its contents): files the caller put
  /// there stay the caller's and are read-only to the command unless their mode says otherwise.
  std::filesystem::path work_dir;
  /// Working directory inside the sandbox.
  std::string cwd = kSandboxWorkDir;
  /// Host paths visible read-only. Missing sources are skipped (so one default list serves
  /// Debian, Ubuntu and images without /lib32).
  std::vector<Bind> read_only;
  /// Device nodes passed through (GPU nodes); missing ones are an error.
  std::vector<Bind> devices;
  /// Files copied in read-only (the judged binary, fixtures).
  std::vector<CopiedFile> copied_files;
  /// The environment inside is exactly `env` plus the `env_passthrough` variables the runner has.
  std::map<std::string, std::string> env;
  std::vector<std::string> env_passthrough;
  SandboxLimits limits;
  /// Install the seccomp filter (seccomp_filter.h in src/sandbox lists what it denies). Off only
  /// for debugging the sandbox itself.
  bool seccomp = true;
  /// Whether the command may start processes (compilers must); judged programs may only start
  /// threads (BuildSeccompFilter).
  bool allow_new_processes = true;
  CgroupMode cgroup = CgroupMode::kIfAvailable;
  /// Directory to create per-run cgroups under; empty = the runner's own cgroup. On cgroup v2 that
  /// parent must have the memory and pids controllers delegated to it (docs/sandbox.md).
  std::filesystem::path cgroup_parent;
  /// Host identity of the command when the runner is root (it is never run as host root). When
  /// the runner is not root the command runs as the runner's own uid. Inside it is always
  /// uid/gid 65534.
  uid_t host_uid = 65534;
  gid_t host_gid = 65534;
  /// Extra host groups kept when the runner is root (e.g. "render" for /dev/kfd).
  std::vector<gid_t> host_groups;
  std::string hostname = "kjudge";
  /// The bubblewrap binary.
  std::filesystem::path bwrap = "/usr/bin/bwrap";
};

/// The read-only binds every policy starts with: /usr, /lib*, /bin, /sbin, /etc's loader and
/// alternatives files, /opt (toolchains). No other part of /etc, no /home, /root, /var, /srv, /run.
std::vector<Bind> DefaultReadOnlyBinds();

/// A judged host program: default binds, 2 GiB address space, 64 tasks, 10 s wall.
SandboxPolicy HostProgramPolicy(const std::filesystem::path& work_dir);

/// A compiler (g++, nvcc, hipcc): default binds plus `toolchain_dirs`, more tasks, more memory,
/// a larger /tmp and 120 s wall.
SandboxPolicy CompilerPolicy(const std::filesystem::path& work_dir,
                             const std::vector<std::filesystem::path>& toolchain_dirs = {});

/// A judged GPU program: default binds, /sys read-only (the drivers enumerate devices there),
/// `device_nodes`, no address-space cap, `memory_limit_bytes` via a cgroup when one is available.
SandboxPolicy GpuProgramPolicy(const std::filesystem::path& work_dir,
                               const std::vector<std::filesystem::path>& device_nodes,
                               std::uint64_t memory_limit_bytes = 32ull << 30);

/// The device nodes of NVIDIA GPU `index` on this host: /dev/nvidiactl, /dev/nvidia<index>,
/// /dev/nvidia-uvm, /dev/nvidia-uvm-tools (the last when present). kNotFound if a required one is
/// missing: without nvidia-uvm, cudaMalloc fails.
Result<std::vector<std::filesystem::path>> NvidiaDeviceNodes(int index);

/// The device nodes of AMD GPU `index`: /dev/kfd and /dev/dri/renderD<128 + index>.
Result<std::vector<std::filesystem::path>> AmdDeviceNodes(int index);

/// Checks a policy for mistakes the launcher would otherwise report obscurely: relative or
/// missing paths, a destination outside the sandbox layout, zero limits where one is required,
/// host_uid 0. kInvalidArgument naming the field.
Status ValidatePolicy(const SandboxPolicy& policy);

}  // namespace kjudge::sandbox
