// Limits: wall time (with the whole process tree killed and nothing left behind), CPU time,
// processes (a fork bomb), memory (address space, and the cgroup cap where the host has one),
// output, file size, open files, /tmp size. Each run must end, be reported as what it was, and
// leave the host as it found it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "sandbox/cgroup.h"
#include "sandbox_fixture.h"

namespace kjudge::sandbox {
namespace {

using testing::HostProcessesWith;
namespace fs = std::filesystem;
using testing::SandboxTest;
using testing::UniqueMarker;

// Slack for the runner's own reaction (bwrap teardown, a loaded 2-core CI machine).
constexpr std::int64_t kSlackMs = 5'000;

// Reads one line from `fd` within `timeout_ms`; empty on timeout.
std::string ReadLine(int fd, int timeout_ms) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
    char c;
    if (read(fd, &c, 1) != 1) return "";
    line += c;
  }
  return line;
}

TEST_F(SandboxTest, WallLimitKillsTheWholeTreeAndLeavesNoOrphans) {
  const std::string marker = UniqueMarker("sleepers");
  policy_.limits.wall_limit_ms = 1'000;
  const auto begin = std::chrono::steady_clock::now();
  SandboxResult r = Probe({"spawn-sleepers", marker, "3"});
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
  EXPECT_EQ(r.termination, Termination::kWallTimeout);
  EXPECT_TRUE(r.wall_limit_hit);
  EXPECT_EQ(r.out.data, "spawned\n");
  EXPECT_GE(r.wall_time_ms, 1'000);
  EXPECT_LT(took.count(), 1'000 + kSlackMs);
  EXPECT_NE(r.Describe().find("wall time limit exceeded"), std::string::npos);
  // Checked at once, not after a pause: Wait() returns only once the namespace is gone.
  EXPECT_EQ(HostProcessesWith(marker), std::vector<pid_t>{});
}

TEST_F(SandboxTest, DetachedProcessesDieWithTheCommand) {
  const std::string marker = UniqueMarker("daemon");
  SandboxResult r = Probe({"spawn-daemon", marker});
  EXPECT_TRUE(r.Succeeded()) << r.Describe();
  EXPECT_EQ(HostProcessesWith(marker), std::vector<pid_t>{});
}

TEST_F(SandboxTest, CancelledRunLeavesNoOrphans) {
  const std::string marker = UniqueMarker("cancel");
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  auto p = SandboxedProcess::Start(policy_, ProbeArgs({"spawn-sleepers", marker, "4"}), {{fds[1], 3}});
  ASSERT_TRUE(p.ok()) << p.error().message;
  close(fds[1]);
  // The probe says when its children exist; then they are visible from the host (which also
  // shows that the orphan checks in these tests can see sandboxed processes at all).
  ASSERT_EQ(ReadLine(fds[0], 10'000), "spawned\n");
  close(fds[0]);
  // bwrap and the init carry the command line too: bwrap, init, the probe and its 4 children.
  EXPECT_EQ(HostProcessesWith(marker).size(), 7u);
  p->Cancel();
  auto r = p->Wait();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->termination, Termination::kCancelled);
  EXPECT_EQ(HostProcessesWith(marker), std::vector<pid_t>{});
}

TEST_F(SandboxTest, SandboxDiesWithTheRunner) {
  const std::string marker = UniqueMarker("runner-killed");
  int ready[2];
  ASSERT_EQ(pipe2(ready, O_CLOEXEC), 0);
  const pid_t runner = fork();
  ASSERT_GE(runner, 0);
  if (runner == 0) {
    // A stand-in runner: it starts a run and is killed (SIGKILL, no clean-up) while it lasts.
    auto p = SandboxedProcess::Start(policy_, ProbeArgs({"spawn-sleepers", marker, "2"}), {{ready[1], 3}});
    if (!p.ok()) _exit(1);
    for (;;) pause();
  }
  close(ready[1]);
  ASSERT_EQ(ReadLine(ready[0], 10'000), "spawned\n");
  close(ready[0]);
  // bwrap, the init, the probe and its 2 children, each watched through a pidfd.
  std::vector<int> pidfds;
  for (pid_t pid : HostProcessesWith(marker)) pidfds.push_back(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  EXPECT_EQ(pidfds.size(), 5u);
  kill(runner, SIGKILL);
  waitpid(runner, nullptr, 0);
  // Nobody reaps them for us: each must end on its own (bwrap by its parent-death signal, the
  // init by bwrap's --die-with-parent, the rest with the init's pid namespace).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<int> alive = pidfds;
  while (!alive.empty() && std::chrono::steady_clock::now() < deadline) {
    std::vector<pollfd> fds;
    for (int fd : alive) fds.push_back(pollfd{fd, POLLIN, 0});
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    poll(fds.data(), fds.size(), static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
    alive.clear();
    for (const pollfd& p : fds) {
      if (!(p.revents & POLLIN)) alive.push_back(p.fd);
    }
  }
  EXPECT_TRUE(alive.empty()) << alive.size() << " sandbox processes outlived their runner";
  for (int fd : pidfds) close(fd);
}

TEST_F(SandboxTest, BusyLoopIsKilledAtTheWallLimit) {
  policy_.limits.wall_limit_ms = 700;
  SandboxResult r = Probe({"spin"});
  EXPECT_EQ(r.termination, Termination::kWallTimeout);
  EXPECT_LT(r.wall_time_ms, 700 + kSlackMs);
}

TEST_F(SandboxTest, CpuLimitStopsASpinner) {
  policy_.limits.cpu_limit_ms = 1'000;
  SandboxResult r = Probe({"spin"});
  EXPECT_EQ(r.termination, Termination::kSignaled);
  EXPECT_EQ(r.signal, SIGXCPU);
  EXPECT_TRUE(r.cpu_limit_hit);
  // Not >= 1000: on a virtual machine the kernel charges RLIMIT_CPU with time the host stole from
  // the vCPU, which rusage leaves out (seen: SIGXCPU at 660 ms of rusage on a loaded 2-core VM).
  EXPECT_GT(r.cpu_time_ms, 0);
  EXPECT_NE(r.Describe().find("CPU time limit exceeded"), std::string::npos);
}

TEST_F(SandboxTest, ForkBombIsContainedAndEndsAtTheWallLimit) {
  const std::string marker = UniqueMarker("forkbomb");
  policy_.limits.max_processes = 16;
  policy_.limits.wall_limit_ms = 1'500;
  const auto begin = std::chrono::steady_clock::now();
  SandboxResult r = Probe({"fork-bomb", marker});
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
  EXPECT_EQ(r.termination, Termination::kWallTimeout);
  EXPECT_LT(took.count(), 1'500 + kSlackMs);
  EXPECT_EQ(HostProcessesWith(marker), std::vector<pid_t>{});
  if (r.cgroup_used) {
    EXPECT_TRUE(r.process_limit_hit);
  }
}

TEST_F(SandboxTest, ProcessLimitHoldsWithRlimitsAlone) {
  policy_.cgroup = CgroupMode::kOff;
  policy_.limits.max_processes = 10;
  SandboxResult r = Probe({"fork-count"});
  ASSERT_TRUE(r.Succeeded()) << r.Describe() << r.err.data;
  const int children = std::stoi(r.out.data);
  // The probe itself is one of the 10.
  EXPECT_EQ(children, 9);
  EXPECT_FALSE(r.cgroup_used);
}

TEST_F(SandboxTest, ProcessLimitIsPerSandboxNotPerHostUser) {
  // Two sandboxes run as the same host uid; each gets its own 10 (each has its own user
  // namespace), so one competitor's fork bomb cannot starve another's run.
  policy_.cgroup = CgroupMode::kOff;
  policy_.limits.max_processes = 10;
  int a[2], b[2];
  ASSERT_EQ(pipe2(a, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(b, O_CLOEXEC), 0);
  auto first = SandboxedProcess::Start(policy_, ProbeArgs({"fork-count-hold"}), {{a[1], 3}});
  ASSERT_TRUE(first.ok()) << first.error().message;
  close(a[1]);
  EXPECT_EQ(ReadLine(a[0], 10'000), "9\n");
  auto second = SandboxedProcess::Start(policy_, ProbeArgs({"fork-count-hold"}), {{b[1], 3}});
  ASSERT_TRUE(second.ok()) << second.error().message;
  close(b[1]);
  EXPECT_EQ(ReadLine(b[0], 10'000), "9\n");
  first->Cancel();
  second->Cancel();
  EXPECT_TRUE(first->Wait().ok());
  EXPECT_TRUE(second->Wait().ok());
  close(a[0]);
  close(b[0]);
}

TEST_F(SandboxTest, AddressSpaceLimitMakesAllocationFail) {
  policy_.limits.address_space_bytes = 256ull << 20;
  SandboxResult r = Probe({"alloc", "1024"});
  EXPECT_EQ(r.termination, Termination::kExited);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out.data, "ENOMEM\n");
  // Within the limit, the same program works.
  EXPECT_EQ(Probe({"alloc", "64"}).out.data, "allocated\n");
}

TEST_F(SandboxTest, CgroupMemoryLimitKillsTheRun) {
  auto support = DescribeCgroupSupport(policy_.cgroup_parent);
  if (!support.ok()) GTEST_SKIP() << "no cgroup on this host: " << support.error().message;
  policy_.cgroup = CgroupMode::kRequired;
  policy_.limits.address_space_bytes = 0;
  policy_.limits.memory_limit_bytes = 64ull << 20;
  SandboxResult r = Probe({"alloc", "512"});
  EXPECT_TRUE(r.cgroup_used);
  EXPECT_EQ(r.termination, Termination::kSignaled) << r.Describe() << r.out.data;
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_TRUE(r.memory_limit_hit);
  EXPECT_NE(r.Describe().find("memory limit exceeded"), std::string::npos);
  // And a run within the cap is unaffected.
  SandboxResult ok = Probe({"alloc", "16"});
  EXPECT_TRUE(ok.Succeeded()) << ok.Describe();
  EXPECT_FALSE(ok.memory_limit_hit);
  EXPECT_GT(ok.peak_memory_bytes, 16ull << 20);
}

TEST_F(SandboxTest, RequiredCgroupThatCannotBeMadeIsAnError) {
  policy_.cgroup = CgroupMode::kRequired;
  policy_.cgroup_parent = "/nonexistent/cgroup";
  auto r = RunSandboxed(policy_, ProbeArgs({"exit", "0"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("cgroup"), std::string::npos);
}

TEST_F(SandboxTest, HundredMegabytesOfStdoutAreCapped) {
  constexpr std::uint64_t kBytes = 100ull << 20;
  SandboxResult r = Probe({"print", std::to_string(kBytes)});
  EXPECT_EQ(r.termination, Termination::kExited);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.truncated);
  EXPECT_TRUE(r.output_limit_hit);
  EXPECT_FALSE(r.Succeeded());
  EXPECT_EQ(r.out.total_bytes, kBytes);
  EXPECT_LT(r.out.data.size(), (1u << 20) + 200);
  EXPECT_NE(r.out.data.find("[kjudge: output truncated after 1048576 bytes"), std::string::npos);
  EXPECT_NE(r.Describe().find("stdout truncated"), std::string::npos);
}

TEST_F(SandboxTest, StderrIsCappedOnItsOwn) {
  policy_.limits.stderr_limit_bytes = 1000;
  SandboxResult r = Probe({"print-err", "5000"});
  EXPECT_TRUE(r.err.truncated);
  EXPECT_EQ(r.err.total_bytes, 5000u);
  EXPECT_FALSE(r.out.truncated);
  EXPECT_EQ(r.out.total_bytes, 0u);
}

TEST_F(SandboxTest, FileSizeLimitStopsTheWriter) {
  policy_.limits.file_size_bytes = 1ull << 20;
  SandboxResult r = Probe({"write-file", "/work/big", std::to_string(2ull << 20)});
  EXPECT_EQ(r.termination, Termination::kSignaled);
  EXPECT_EQ(r.signal, SIGXFSZ);
  EXPECT_TRUE(r.file_size_limit_hit);
  EXPECT_LE(fs::file_size(work_ / "big"), 1ull << 20);
}

TEST_F(SandboxTest, OpenFileLimitHolds) {
  policy_.limits.open_files = 32;
  EXPECT_EQ(Attempt({"open-many", "100"}), "errno=EMFILE");
  EXPECT_EQ(Attempt({"open-many", "20"}), "ok");
}

TEST_F(SandboxTest, TmpIsPrivateAndSizeCapped) {
  policy_.limits.tmp_size_bytes = 1ull << 20;
  EXPECT_EQ(Attempt({"write-file", "/tmp/big", std::to_string(4ull << 20)}), "errno=ENOSPC");
  EXPECT_EQ(Attempt({"write-file", "/dev/shm/big", std::to_string(4ull << 20)}), "errno=ENOSPC");
  EXPECT_EQ(Attempt({"write-file", "/tmp/small", "1000"}), "ok");
}

}  // namespace
}  // namespace kjudge::sandbox
