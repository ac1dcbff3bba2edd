#include "sandbox/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

namespace kjudge::sandbox {
namespace fs = std::filesystem;
namespace {

// How long the destructor waits for killed processes to leave before removing the directories.
// They are already dead (the run's pid namespace is gone), so this only covers the kernel's
// bookkeeping.
constexpr auto kRemoveWait = std::chrono::seconds(2);

std::optional<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteText(const fs::path& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(ErrorCode::kIo, "open " + path.string() + ": " + std::strerror(errno));
  const ssize_t n = write(fd, text.data(), text.size());
  const int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    return MakeError(ErrorCode::kIo, "write '" + text + "' to " + path.string() + ": " + std::strerror(err));
  }
  return Ok();
}

// The value of `key` in a "key value" per-line file (memory.events, pids.events, oom_control).
std::optional<std::uint64_t> ReadKey(const fs::path& path, const std::string& key) {
  auto text = ReadText(path);
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string k;
  std::uint64_t v = 0;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> ReadNumber(const fs::path& path) {
  auto text = ReadText(path);
  if (!text) return std::nullopt;
  try {
    return std::stoull(*text);
  } catch (...) {
    return std::nullopt;
  }
}

bool HasWord(const std::string& list, const std::string& word, char sep) {
  std::string item;
  std::istringstream in(list);
  while (std::getline(in, item, sep)) {
    while (!item.empty() && (item.back() == '\n' || item.back() == ' ')) item.pop_back();
    if (item == word) return true;
  }
  return false;
}

// The runner's own cgroups and where their hierarchies are mounted.
struct Layout {
  fs::path v2_own;      // empty: no cgroup2 hierarchy
  fs::path v1_memory;   // empty: no v1 memory hierarchy
  fs::path v1_pids;
};

Layout DetectLayout() {
  // /proc/self/cgroup: "id:controllers:path"; v2 is "0::path".
  std::map<std::string, std::string> own;  // controller ("" for v2) -> path
  if (auto text = ReadText("/proc/self/cgroup")) {
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
      const auto a = line.find(':');
      const auto b = line.find(':', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;
      const std::string controllers = line.substr(a + 1, b - a - 1);
      const std::string path = line.substr(b + 1);
      if (controllers.empty()) {
        own[""] = path;
      } else {
        std::istringstream cs(controllers);
        std::string c;
        while (std::getline(cs, c, ',')) own[c] = path;
      }
    }
  }
  // /proc/self/mountinfo: "id parent dev root mountpoint opts ... - fstype source superopts".
  Layout layout;
  auto text = ReadText("/proc/self/mountinfo");
  if (!text) return layout;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream left(line.substr(0, dash));
    std::istringstream right(line.substr(dash + 3));
    std::string id, parent, dev, root, mountpoint, fstype, source, superopts;
    left >> id >> parent >> dev >> root >> mountpoint;
    right >> fstype >> source >> superopts;
    auto dir_for = [&](const std::string& path) {
      // The mount shows the hierarchy from `root` down; our path is relative to the hierarchy.
      std::string rel = path;
      if (root != "/" && rel.rfind(root, 0) == 0) rel = rel.substr(root.size());
      return fs::path(mountpoint) / fs::path(rel).relative_path();
    };
    if (fstype == "cgroup2" && own.count("") && layout.v2_own.empty()) {
      layout.v2_own = dir_for(own[""]);
    } else if (fstype == "cgroup") {
      if (HasWord(superopts, "memory", ',') && own.count("memory")) layout.v1_memory = dir_for(own["memory"]);
      if (HasWord(superopts, "pids", ',') && own.count("pids")) layout.v1_pids = dir_for(own["pids"]);
    }
  }
  return layout;
}

// Which controllers children of a v2 `parent` get. Memory is required when a memory cap is asked
// for; pids is used when the parent has it (RLIMIT_NPROC covers the task count otherwise).
struct V2Controllers {
  bool memory = false;
  bool pids = false;
};

Result<V2Controllers> PrepareV2Parent(const fs::path& parent, bool need_memory) {
  auto available = ReadText(parent / "cgroup.controllers");
  if (!available) {
    return MakeError(ErrorCode::kFailedPrecondition, "cgroup v2: " + parent.string() + " is not a cgroup v2 directory");
  }
  V2Controllers got;
  std::string refused;
  for (const char* c : {"memory", "pids"}) {
    if (!HasWord(*available, c, ' ')) continue;
    bool enabled = HasWord(ReadText(parent / "cgroup.subtree_control").value_or(""), c, ' ');
    if (!enabled) {
      Status s = WriteText(parent / "cgroup.subtree_control", std::string("+") + c);
      enabled = s.ok();
      if (!s.ok() && refused.empty()) refused = s.error().message;
    }
    (std::string(c) == "memory" ? got.memory : got.pids) = enabled;
  }
  if (need_memory && !got.memory) {
    std::string why = HasWord(*available, "memory", ' ')
                          ? "cannot enable it for children of " + parent.string() + " (" + refused +
                                "; a cgroup that holds processes cannot pass controllers on)"
                          : "it is not delegated to " + parent.string();
    return MakeError(ErrorCode::kFailedPrecondition,
                     "cgroup v2: no memory controller: " + why +
                         "; give the runner a delegated cgroup without processes and pass it as cgroup_parent");
  }
  if (!got.memory && !got.pids) {
    return MakeError(ErrorCode::kFailedPrecondition, "cgroup v2: neither memory nor pids can be enabled under " + parent.string());
  }
  return got;
}

// Removes run cgroups left behind by runners that were killed before they could (named
// kjudge-<pid>-<n>, with <pid> no longer alive). A non-empty one is left alone (rmdir refuses).
void SweepStale(const fs::path& parent) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("kjudge-", 0) != 0) continue;
    const pid_t owner = static_cast<pid_t>(std::strtol(name.c_str() + 7, nullptr, 10));
    if (owner > 0 && owner != getpid() && kill(owner, 0) != 0 && errno == ESRCH) rmdir(entry.path().c_str());
  }
}

std::string UniqueName() {
  static std::atomic<std::uint64_t> next{0};
  return "kjudge-" + std::to_string(getpid()) + "-" + std::to_string(next.fetch_add(1));
}

// v2 is used when its parent has the controllers to give; otherwise the v1 hierarchies.
struct Plan {
  bool v2 = false;
  fs::path v2_parent;
  V2Controllers v2_controllers;
  fs::path v1_memory_parent;
  fs::path v1_pids_parent;
};

Result<Plan> ChoosePlan(const fs::path& parent_override, bool need_memory) {
  Plan plan;
  if (!parent_override.empty()) {
    KJ_ASSIGN_OR_RETURN(plan.v2_controllers, PrepareV2Parent(parent_override, need_memory));
    plan.v2 = true;
    plan.v2_parent = parent_override;
    return plan;
  }
  const Layout layout = DetectLayout();
  Status v2_status = MakeError(ErrorCode::kFailedPrecondition, "no cgroup2 hierarchy");
  if (!layout.v2_own.empty()) {
    auto controllers = PrepareV2Parent(layout.v2_own, need_memory);
    if (controllers.ok()) {
      plan.v2 = true;
      plan.v2_parent = layout.v2_own;
      plan.v2_controllers = *controllers;
      return plan;
    }
    v2_status = controllers.error();
  }
  if (!layout.v1_memory.empty() && access(layout.v1_memory.c_str(), W_OK) == 0) plan.v1_memory_parent = layout.v1_memory;
  if (!layout.v1_pids.empty() && access(layout.v1_pids.c_str(), W_OK) == 0) plan.v1_pids_parent = layout.v1_pids;
  if (plan.v1_memory_parent.empty() && plan.v1_pids_parent.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     v2_status.error().message + "; no writable cgroup v1 memory or pids hierarchy");
  }
  return plan;
}

}  // namespace

Result<std::unique_ptr<RunCgroup>> RunCgroup::Create(const fs::path& parent, const CgroupLimits& limits) {
  KJ_ASSIGN_OR_RETURN(Plan plan, ChoosePlan(parent, limits.memory_limit_bytes > 0));
  std::unique_ptr<RunCgroup> cg(new RunCgroup());
  cg->v2_ = plan.v2;
  const std::string name = UniqueName();
  auto make = [&](const fs::path& dir) -> Status {
    SweepStale(dir.parent_path());
    if (mkdir(dir.c_str(), 0755) != 0) {
      return MakeError(ErrorCode::kIo, "cgroup: mkdir " + dir.string() + ": " + std::strerror(errno));
    }
    cg->dirs_.push_back(dir);
    const int fd = open((dir / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return MakeError(ErrorCode::kIo, "cgroup: open " + (dir / "cgroup.procs").string() + ": " + std::strerror(errno));
    cg->procs_fds_.push_back(fd);
    return Ok();
  };
  if (plan.v2) {
    const fs::path dir = plan.v2_parent / name;
    KJ_RETURN_IF_ERROR(make(dir));
    if (plan.v2_controllers.memory) cg->memory_dir_ = dir;
    if (plan.v2_controllers.pids) cg->pids_dir_ = dir;
    if (limits.memory_limit_bytes > 0) {
      KJ_RETURN_IF_ERROR(WriteText(dir / "memory.max", std::to_string(limits.memory_limit_bytes)));
      // Swapping would turn the cap into a slowdown instead of a verdict.
      if (fs::exists(dir / "memory.swap.max")) KJ_RETURN_IF_ERROR(WriteText(dir / "memory.swap.max", "0"));
      // One OOM kills the whole run rather than leaving a half-dead process tree.
      if (fs::exists(dir / "memory.oom.group")) KJ_RETURN_IF_ERROR(WriteText(dir / "memory.oom.group", "1"));
    }
    if (limits.max_processes > 0 && plan.v2_controllers.pids) {
      KJ_RETURN_IF_ERROR(WriteText(dir / "pids.max", std::to_string(limits.max_processes)));
    }
    return cg;
  }
  if (limits.memory_limit_bytes > 0 && plan.v1_memory_parent.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition, "cgroup v1: no writable memory hierarchy");
  }
  if (!plan.v1_memory_parent.empty()) {
    const fs::path dir = plan.v1_memory_parent / name;
    KJ_RETURN_IF_ERROR(make(dir));
    cg->memory_dir_ = dir;
    if (limits.memory_limit_bytes > 0) {
      const std::string bytes = std::to_string(limits.memory_limit_bytes);
      KJ_RETURN_IF_ERROR(WriteText(dir / "memory.limit_in_bytes", bytes));
      // memory+swap equal to memory: no swapping (the file exists only with swap accounting on).
      if (fs::exists(dir / "memory.memsw.limit_in_bytes")) {
        KJ_RETURN_IF_ERROR(WriteText(dir / "memory.memsw.limit_in_bytes", bytes));
      }
    }
  }
  if (!plan.v1_pids_parent.empty()) {
    const fs::path dir = plan.v1_pids_parent / name;
    KJ_RETURN_IF_ERROR(make(dir));
    cg->pids_dir_ = dir;
    if (limits.max_processes > 0) {
      KJ_RETURN_IF_ERROR(WriteText(dir / "pids.max", std::to_string(limits.max_processes)));
    }
  }
  return cg;
}

RunCgroup::~RunCgroup() {
  for (int fd : procs_fds_) close(fd);
  KillAll();
  const auto deadline = std::chrono::steady_clock::now() + kRemoveWait;
  while (!Empty() && std::chrono::steady_clock::now() < deadline) {
    KillAll();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) rmdir(it->c_str());
}

void RunCgroup::KillAll() {
  for (const fs::path& dir : dirs_) {
    if (v2_ && WriteText(dir / "cgroup.kill", "1").ok()) continue;
    auto procs = ReadText(dir / "cgroup.procs");
    if (!procs) continue;
    std::istringstream in(*procs);
    pid_t pid = 0;
    while (in >> pid) {
      if (pid > 0) kill(pid, SIGKILL);
    }
  }
}

bool RunCgroup::Empty() const {
  for (const fs::path& dir : dirs_) {
    auto procs = ReadText(dir / "cgroup.procs");
    if (procs && procs->find_first_of("0123456789") != std::string::npos) return false;
  }
  return true;
}

CgroupStats RunCgroup::Stats() const {
  CgroupStats stats;
  if (v2_) {
    if (!memory_dir_.empty()) {
      stats.oom_killed = ReadKey(memory_dir_ / "memory.events", "oom_kill").value_or(0) > 0;
      stats.peak_memory_bytes = ReadNumber(memory_dir_ / "memory.peak").value_or(0);
    }
  } else if (!memory_dir_.empty()) {
    // "oom_kill N" exists since Linux 4.13; failcnt counts hitting the limit, a reasonable stand-in.
    auto kills = ReadKey(memory_dir_ / "memory.oom_control", "oom_kill");
    stats.oom_killed = kills ? *kills > 0 : ReadNumber(memory_dir_ / "memory.failcnt").value_or(0) > 0;
    stats.peak_memory_bytes = ReadNumber(memory_dir_ / "memory.max_usage_in_bytes").value_or(0);
  }
  if (!pids_dir_.empty()) stats.process_limit_hit = ReadKey(pids_dir_ / "pids.events", "max").value_or(0) > 0;
  return stats;
}

std::string RunCgroup::Describe() const {
  std::string out = v2_ ? "v2" : "v1";
  for (const fs::path& dir : dirs_) out += " " + dir.string();
  return out;
}

Result<std::string> DescribeCgroupSupport(const fs::path& parent) {
  KJ_ASSIGN_OR_RETURN(Plan plan, ChoosePlan(parent, /*need_memory=*/true));
  if (plan.v2) {
    return std::string("v2 ") + (plan.v2_controllers.pids ? "memory+pids" : "memory") + " under " + plan.v2_parent.string();
  }
  std::string out = "v1";
  if (!plan.v1_memory_parent.empty()) out += " memory under " + plan.v1_memory_parent.string();
  if (!plan.v1_pids_parent.empty()) out += " pids under " + plan.v1_pids_parent.string();
  return out;
}

}  // namespace kjudge::sandbox
