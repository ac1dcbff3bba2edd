// What one sandboxed process costs to start and tear down: /bin/true under the policies the
// runner uses (a compiler step, the judged program), against a plain posix_spawn of the same.
// A cache-hit judging pays this three times: compile, link, and the judged run.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>
#include <string>

#include "kjudge/sandbox/sandbox.h"
#include "kjudge/sandbox/sandbox_check.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using kjudge::sandbox::SandboxPolicy;

/// A work directory the sandbox's unprivileged user can reach; removed at exit.
class WorkDir {
 public:
  WorkDir() {
    char pattern[] = "/tmp/kjudge-sandbox-bench-XXXXXX";
    path_ = mkdtemp(pattern);
    fs::permissions(path_, fs::perms(0755));
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void BM_PlainSpawn(benchmark::State& state) {
  char arg0[] = "/bin/true";
  char* argv[] = {arg0, nullptr};
  for (auto _ : state) {
    pid_t pid = -1;
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv, environ) != 0) {
      state.SkipWithError("posix_spawn failed");
      return;
    }
    int status = 0;
    waitpid(pid, &status, 0);
  }
}

void RunSandboxedTrue(benchmark::State& state, SandboxPolicy (*make)(const fs::path&)) {
  if (auto available = kjudge::sandbox::SandboxAvailable(); !available.ok()) {
    state.SkipWithError(available.error().message.c_str());
    return;
  }
  WorkDir work;
  const SandboxPolicy policy = make(work.path());
  for (auto _ : state) {
    auto ran = kjudge::sandbox::RunSandboxed(policy, {"/bin/true"});
    if (!ran.ok() || !ran->Succeeded()) {
      state.SkipWithError(ran.ok() ? ran->Describe().c_str() : ran.error().message.c_str());
      return;
    }
    state.counters["cgroup"] = ran->cgroup_used ? 1 : 0;
  }
}

void BM_SandboxedTrue_Judged(benchmark::State& state) {
  RunSandboxedTrue(state, [](const fs::path& dir) { return kjudge::sandbox::HostProgramPolicy(dir); });
}

void BM_SandboxedTrue_Compiler(benchmark::State& state) {
  RunSandboxedTrue(state, [](const fs::path& dir) { return kjudge::sandbox::CompilerPolicy(dir); });
}

// The judged policy without its per-run cgroup: how much of the start is joining a cgroup (on
// cgroup v1, or v2 without favordynmods, a task migration waits for an RCU grace period).
void BM_SandboxedTrue_JudgedNoCgroup(benchmark::State& state) {
  RunSandboxedTrue(state, [](const fs::path& dir) {
    auto policy = kjudge::sandbox::HostProgramPolicy(dir);
    policy.cgroup = kjudge::sandbox::CgroupMode::kOff;
    return policy;
  });
}

// Real time: the cost is waiting on the kernel and on child processes, not this thread's CPU.
BENCHMARK(BM_PlainSpawn)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_SandboxedTrue_Judged)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_SandboxedTrue_Compiler)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_SandboxedTrue_JudgedNoCgroup)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
