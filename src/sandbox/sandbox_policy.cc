#include "kjudge/sandbox/sandbox_policy.h"

#include <sys/stat.h>

#include <set>

namespace kjudge::sandbox {
namespace fs = std::filesystem;

std::vector<Bind> DefaultReadOnlyBinds() {
  std::vector<Bind> binds;
  for (const char* path : {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt"}) {
    binds.push_back({path, ""});
  }
  // Only the parts of /etc a dynamically linked program or a compiler reads: the loader's cache
  // and configuration, and Debian's alternatives (/usr/bin/cc -> /etc/alternatives/cc). Not
  // passwd, shadow, hosts, ssl, or anything of the runner's own.
  for (const char* path : {"/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
                           "/etc/localtime"}) {
    binds.push_back({path, ""});
  }
  return binds;
}

SandboxPolicy HostProgramPolicy(const fs::path& work_dir) {
  SandboxPolicy policy;
  policy.work_dir = work_dir;
  policy.read_only = DefaultReadOnlyBinds();
  return policy;
}

SandboxPolicy CompilerPolicy(const fs::path& work_dir, const std::vector<fs::path>& toolchain_dirs) {
  SandboxPolicy policy = HostProgramPolicy(work_dir);
  for (const fs::path& dir : toolchain_dirs) policy.read_only.push_back({dir, ""});
  // cc1plus on heavy templates and nvcc's cicc/ptxas use a few GiB; g++ and nvcc run a chain of
  // processes; temporaries go to /tmp.
  policy.limits.wall_limit_ms = 120'000;
  policy.limits.cpu_limit_ms = 120'000;
  policy.limits.address_space_bytes = 16ull << 30;
  policy.limits.max_processes = 128;
  policy.limits.file_size_bytes = 512ull << 20;
  policy.limits.tmp_size_bytes = 1ull << 30;
  policy.limits.stdout_limit_bytes = 256 * 1024;
  policy.limits.stderr_limit_bytes = 256 * 1024;
  return policy;
}

SandboxPolicy GpuProgramPolicy(const fs::path& work_dir, const std::vector<fs::path>& device_nodes,
                               std::uint64_t memory_limit_bytes) {
  SandboxPolicy policy = HostProgramPolicy(work_dir);
  // The CUDA and ROCm drivers enumerate PCI devices and NUMA nodes through /sys (ROCm's topology is
  // only there).
  policy.read_only.push_back({"/sys", ""});
  for (const fs::path& node : device_nodes) policy.devices.push_back({node, ""});
  // The runtimes reserve tens of GiB of virtual address space up front: cap resident memory instead.
  policy.limits.address_space_bytes = 0;
  policy.limits.memory_limit_bytes = memory_limit_bytes;
  // The CUDA runtime starts a few threads and OpenMP one per core; RLIMIT_NPROC counts threads.
  policy.limits.max_processes = 1024;
  policy.limits.wall_limit_ms = 180'000;
  policy.limits.cpu_limit_ms = 180'000;
  return policy;
}

namespace {

bool IsCharDevice(const fs::path& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

}  // namespace

Result<std::vector<fs::path>> NvidiaDeviceNodes(int index) {
  if (index < 0) return MakeError(ErrorCode::kInvalidArgument, "NVIDIA device index must be >= 0");
  std::vector<fs::path> nodes;
  for (const std::string& name : {std::string("/dev/nvidiactl"), "/dev/nvidia" + std::to_string(index),
                                  std::string("/dev/nvidia-uvm")}) {
    if (!IsCharDevice(name)) {
      return MakeError(ErrorCode::kNotFound, "GPU device node " + name + " is missing (is the NVIDIA driver loaded, "
                                             "and nvidia-uvm with it?)");
    }
    nodes.emplace_back(name);
  }
  if (IsCharDevice("/dev/nvidia-uvm-tools")) nodes.emplace_back("/dev/nvidia-uvm-tools");
  return nodes;
}

Result<std::vector<fs::path>> AmdDeviceNodes(int index) {
  if (index < 0) return MakeError(ErrorCode::kInvalidArgument, "AMD device index must be >= 0");
  std::vector<fs::path> nodes;
  for (const std::string& name : {std::string("/dev/kfd"), "/dev/dri/renderD" + std::to_string(128 + index)}) {
    if (!IsCharDevice(name)) {
      return MakeError(ErrorCode::kNotFound, "GPU device node " + name + " is missing (is amdgpu loaded?)");
    }
    nodes.emplace_back(name);
  }
  return nodes;
}

namespace {

// Destinations that would hide or replace part of the layout the sandbox depends on.
bool ReservedDestination(const std::string& dest) {
  for (const char* reserved : {"/proc", "/dev", "/.kjudge", "/tmp", kSandboxWorkDir}) {
    const std::string r = reserved;
    if (dest == r || dest.rfind(r + "/", 0) == 0) return true;
  }
  return dest == "/";
}

Status Invalid(const std::string& message) { return MakeError(ErrorCode::kInvalidArgument, "sandbox policy: " + message); }

}  // namespace

Status ValidatePolicy(const SandboxPolicy& policy) {
  if (policy.work_dir.empty() || !policy.work_dir.is_absolute()) {
    return Invalid("work_dir must be an absolute path (got '" + policy.work_dir.string() + "')");
  }
  std::error_code ec;
  if (!fs::is_directory(policy.work_dir, ec)) return Invalid("work_dir " + policy.work_dir.string() + " is not a directory");
  if (policy.cwd.empty() || policy.cwd[0] != '/') return Invalid("cwd must be absolute inside the sandbox");
  for (const Bind& bind : policy.read_only) {
    if (!bind.source.is_absolute()) return Invalid("read_only source '" + bind.source.string() + "' is not absolute");
    const std::string dest = bind.dest.empty() ? bind.source.string() : bind.dest;
    if (dest.empty() || dest[0] != '/' || ReservedDestination(dest)) {
      return Invalid("read_only destination '" + dest + "' is not allowed");
    }
  }
  for (const Bind& device : policy.devices) {
    if (!device.source.is_absolute() || !IsCharDevice(device.source)) {
      return Invalid("device '" + device.source.string() + "' is not a character device");
    }
    const std::string dest = device.dest.empty() ? device.source.string() : device.dest;
    if (dest.rfind("/dev/", 0) != 0) return Invalid("device destination '" + dest + "' must be under /dev");
  }
  std::set<std::string> copied_dests;
  for (const CopiedFile& file : policy.copied_files) {
    if (!file.source.is_absolute() || !fs::is_regular_file(file.source, ec)) {
      return Invalid("copied file '" + file.source.string() + "' is not a regular file");
    }
    if (file.dest.empty() || file.dest[0] != '/' || ReservedDestination(file.dest) || !copied_dests.insert(file.dest).second) {
      return Invalid("copied file destination '" + file.dest + "' is not allowed (or used twice)");
    }
    if ((file.mode & ~0777u) != 0) return Invalid("copied file mode must be permission bits only (no setuid)");
  }
  for (const auto& [name, value] : policy.env) {
    if (name.empty() || name.find('=') != std::string::npos) return Invalid("environment name '" + name + "'");
  }
  const SandboxLimits& l = policy.limits;
  if (l.wall_limit_ms <= 0) return Invalid("limits.wall_limit_ms must be positive");
  if (l.cpu_limit_ms < 0) return Invalid("limits.cpu_limit_ms must not be negative");
  if (l.tmp_size_bytes == 0) return Invalid("limits.tmp_size_bytes must be positive");
  if (l.open_files < 16) return Invalid("limits.open_files must be at least 16");
  if (policy.host_uid == 0 || policy.host_gid == 0) return Invalid("host_uid/host_gid 0: the command never runs as root");
  if (policy.hostname.empty()) return Invalid("hostname must not be empty");
  return Ok();
}

}  // namespace kjudge::sandbox
