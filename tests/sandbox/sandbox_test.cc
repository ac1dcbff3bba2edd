// Normal operation of the sandbox: commands run, see their work directory, get the descriptors
// and environment they are given and nothing else, and their exit is reported exactly. Plus the
// pieces (policy validation, bwrap command line, output capture, seccomp export) on their own.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stop_token>

#include "sandbox/launcher.h"
#include "sandbox/output_capture.h"
#include "sandbox/seccomp_filter.h"
#include "sandbox_fixture.h"

namespace kjudge::sandbox {
namespace {

namespace fs = std::filesystem;
using testing::SandboxTest;

std::string ReadAll(int fd) {
  std::string out;
  char buf[256];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

TEST_F(SandboxTest, CheckReportsWhatTheHostSupports) {
  auto support = CheckSandbox();
  ASSERT_TRUE(support.ok()) << support.error().message;
  EXPECT_FALSE(support->bwrap_version.empty());
  EXPECT_NE(support->Describe().find("bubblewrap"), std::string::npos);
}

TEST(SandboxCheck, MissingBwrapIsReportedClearly) {
  Status s = SandboxAvailable("/nonexistent/bwrap");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.error().message.rfind("sandbox unavailable: bubblewrap not found at /nonexistent/bwrap", 0), 0u)
      << s.error().message;
}

TEST_F(SandboxTest, ExitCodeIsReported) {
  SandboxResult r = Probe({"exit", "42"});
  EXPECT_EQ(r.termination, Termination::kExited);
  EXPECT_EQ(r.exit_code, 42);
  EXPECT_FALSE(r.Succeeded());
  EXPECT_EQ(r.Describe(), "exited with status 42");
  EXPECT_TRUE(Probe({"exit", "0"}).Succeeded());
}

TEST_F(SandboxTest, SignalIsReportedAsASignalNotAnExitCode) {
  SandboxResult segv = Probe({"signal", std::to_string(SIGSEGV)});
  EXPECT_EQ(segv.termination, Termination::kSignaled);
  EXPECT_EQ(segv.signal, SIGSEGV);
  EXPECT_EQ(segv.Describe(), "killed by SIGSEGV");
  SandboxResult abrt = Probe({"signal", std::to_string(SIGABRT)});
  EXPECT_EQ(abrt.termination, Termination::kSignaled);
  EXPECT_EQ(abrt.signal, SIGABRT);
  // And an exit code that looks like a signal stays an exit code.
  SandboxResult exit139 = Probe({"exit", "139"});
  EXPECT_EQ(exit139.termination, Termination::kExited);
  EXPECT_EQ(exit139.exit_code, 139);
}

TEST_F(SandboxTest, StdoutAndStderrAreCapturedSeparately) {
  SandboxResult r = Probe({"echo-both", "to stdout\n", "to stderr\n"});
  EXPECT_TRUE(r.Succeeded()) << r.Describe();
  EXPECT_EQ(r.out.data, "to stdout\n");
  EXPECT_EQ(r.err.data, "to stderr\n");
  EXPECT_FALSE(r.out.truncated);
  EXPECT_EQ(r.out.total_bytes, 10u);
}

TEST_F(SandboxTest, ReadsInputAndWritesOutputInTheWorkDir) {
  std::ofstream(work_ / "input.txt") << "hello sandbox";
  SandboxResult r = Probe({"copy-upper", "/work/input.txt", "/work/output.txt"});
  ASSERT_TRUE(r.Succeeded()) << r.Describe() << r.out.data << r.err.data;
  std::ifstream in(work_ / "output.txt");
  std::string got((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(got, "HELLO SANDBOX");
}

TEST_F(SandboxTest, RunsAsAnUnprivilegedUserInItsOwnPidNamespace) {
  SandboxResult r = Probe({"id"});
  // The init is pid 1 and the command's parent; the command starts in the work directory.
  EXPECT_EQ(r.out.data, "uid=65534 gid=65534 pid=2 ppid=1 cwd=/work\n");
}

TEST_F(SandboxTest, PassedDescriptorReachesTheCommandAndNothingElseDoes) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  // A descriptor the runner holds without close-on-exec must not leak in.
  const int leaked = open("/dev/null", O_RDONLY);
  ASSERT_GE(leaked, 0);
  SandboxResult r = Probe({"write-fd", "5", "hello over fd 5"}, {{fds[1], 5}});
  close(fds[1]);
  EXPECT_TRUE(r.Succeeded()) << r.Describe() << r.out.data;
  EXPECT_EQ(ReadAll(fds[0]), "hello over fd 5");
  close(fds[0]);
  EXPECT_EQ(Attempt({"fd-open", std::to_string(leaked)}), "errno=EBADF");
  for (int fd = 3; fd < 12; ++fd) EXPECT_EQ(Attempt({"fd-open", std::to_string(fd)}), "errno=EBADF") << fd;
  close(leaked);
}

TEST_F(SandboxTest, EnvironmentIsOnlyWhatThePolicyAllows) {
  setenv("KJUDGE_TEST_SECRET", "hunter2", 1);
  setenv("KJUDGE_TEST_PASSED", "visible", 1);
  policy_.env["KJUDGE_TEST_SET"] = "set-by-policy";
  policy_.env_passthrough = {"KJUDGE_TEST_PASSED"};
  EXPECT_EQ(Attempt({"env", "KJUDGE_TEST_SECRET"}), "(unset)");
  EXPECT_EQ(Attempt({"env", "KJUDGE_TEST_PASSED"}), "visible");
  EXPECT_EQ(Attempt({"env", "KJUDGE_TEST_SET"}), "set-by-policy");
  EXPECT_EQ(Attempt({"env", "HOME"}), "/work");
  EXPECT_EQ(Attempt({"env", "TMPDIR"}), "/tmp");
  unsetenv("KJUDGE_TEST_SECRET");
  unsetenv("KJUDGE_TEST_PASSED");
}

TEST_F(SandboxTest, ExecuteOnlyCopyRuns) {
  policy_.copied_files = {{SANDBOX_PROBE_PATH, testing::kProbe, 0111}};
  EXPECT_TRUE(Probe({"exit", "0"}).Succeeded());
}

TEST_F(SandboxTest, MissingCommandIsAnError) {
  auto r = RunSandboxed(policy_, {"/work/does-not-exist"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("/work/does-not-exist"), std::string::npos) << r.error().message;
}

TEST_F(SandboxTest, SetupFailureIsReportedWithBwrapsMessage) {
  // A file bound over a directory: valid as a policy, refused by the kernel when bwrap mounts it.
  policy_.read_only.push_back({"/etc/ld.so.cache", "/usr/share"});
  auto r = RunSandboxed(policy_, ProbeArgs({"exit", "0"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("bwrap"), std::string::npos) << r.error().message;
}

TEST_F(SandboxTest, InvalidRequestsAreRejected) {
  SandboxPolicy relative = policy_;
  relative.work_dir = "relative/dir";
  EXPECT_EQ(RunSandboxed(relative, {"/bin/true"}).error().code, ErrorCode::kInvalidArgument);
  SandboxPolicy root = policy_;
  root.host_uid = 0;
  EXPECT_EQ(RunSandboxed(root, {"/bin/true"}).error().code, ErrorCode::kInvalidArgument);
  SandboxPolicy etc = policy_;
  etc.read_only.push_back({"/etc", "/proc"});
  EXPECT_EQ(RunSandboxed(etc, {"/bin/true"}).error().code, ErrorCode::kInvalidArgument);
  SandboxPolicy twice = policy_;
  twice.copied_files.push_back(twice.copied_files.front());
  EXPECT_EQ(RunSandboxed(twice, {"/bin/true"}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RunSandboxed(policy_, {}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RunSandboxed(policy_, {"/bin/true"}, {{0, 1}}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RunSandboxed(policy_, {"/bin/true"}, {{0, 7}, {0, 7}}).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SandboxTest, CancelKillsTheRun) {
  auto process = SandboxedProcess::Start(policy_, ProbeArgs({"sleep-forever"}));
  ASSERT_TRUE(process.ok()) << process.error().message;
  process->Cancel();
  auto r = process->Wait();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->termination, Termination::kCancelled);
  EXPECT_FALSE(r->wall_limit_hit);
  EXPECT_LT(r->wall_time_ms, 5'000);
  EXPECT_TRUE(process->Finished());
  EXPECT_FALSE(process->Wait().ok());  // once only
}

TEST_F(SandboxTest, StopTokenCancels) {
  std::stop_source stop;
  stop.request_stop();
  auto r = RunSandboxed(policy_, ProbeArgs({"sleep-forever"}), {}, stop.get_token());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->termination, Termination::kCancelled);
}

TEST_F(SandboxTest, ConcurrentRunsAreIndependent) {
  std::vector<SandboxedProcess> running;
  for (int i = 0; i < 4; ++i) {
    auto p = SandboxedProcess::Start(policy_, ProbeArgs({"exit", std::to_string(10 + i)}));
    ASSERT_TRUE(p.ok()) << p.error().message;
    running.push_back(std::move(p).value());
  }
  for (int i = 0; i < 4; ++i) {
    auto r = running[static_cast<std::size_t>(i)].Wait();
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->exit_code, 10 + i);
  }
}

TEST_F(SandboxTest, CompilerWorksInsideAndItsOutputRuns) {
  std::ofstream(work_ / "hello.cc") << "#include <cstdio>\nint main() { std::puts(\"compiled in the sandbox\"); }\n";
  SandboxPolicy compile = CompilerPolicy(work_);
  auto built = RunSandboxed(compile, {"g++", "-O1", "-o", "hello", "hello.cc"});
  ASSERT_TRUE(built.ok()) << built.error().message;
  ASSERT_TRUE(built->Succeeded()) << built->Describe() << "\n" << built->out.data << built->err.data;
  auto ran = RunSandboxed(policy_, {"/work/hello"});
  ASSERT_TRUE(ran.ok()) << ran.error().message;
  EXPECT_EQ(ran->out.data, "compiled in the sandbox\n");
}

TEST(SandboxPolicy, GpuPolicyUsesAMemoryCapNotAnAddressSpaceCap) {
  SandboxPolicy gpu = GpuProgramPolicy("/tmp", {});
  EXPECT_EQ(gpu.limits.address_space_bytes, 0u);
  EXPECT_GT(gpu.limits.memory_limit_bytes, 0u);
  EXPECT_TRUE(std::any_of(gpu.read_only.begin(), gpu.read_only.end(), [](const Bind& b) { return b.source == "/sys"; }));
  SandboxPolicy host = HostProgramPolicy("/tmp");
  EXPECT_GT(host.limits.address_space_bytes, 0u);
  for (const Bind& b : host.read_only) {
    EXPECT_NE(b.source, "/etc") << "all of /etc must never be visible";
    EXPECT_NE(b.source, "/sys");
  }
}

TEST(SandboxPolicy, MissingGpuNodesAreNamed) {
  auto nvidia = NvidiaDeviceNodes(99);
  if (!nvidia.ok()) {
    EXPECT_EQ(nvidia.error().code, ErrorCode::kNotFound);
    EXPECT_NE(nvidia.error().message.find("/dev/nvidia"), std::string::npos);
  }
  EXPECT_EQ(NvidiaDeviceNodes(-1).error().code, ErrorCode::kInvalidArgument);
}

TEST(BwrapArgs, UnshareEverythingAndKeepTheRootReadOnly) {
  SandboxPolicy policy = HostProgramPolicy("/tmp");
  policy.read_only.push_back({"/definitely/not/here", ""});
  LaunchFds fds;
  fds.work_dir = 7;
  fds.init_binary = 8;
  fds.json_status = 9;
  fds.status = 10;
  fds.seccomp = 11;
  const auto args = BuildBwrapArgs(policy, fds, {5}, {"/work/a.out", "x"});
  auto has = [&](const std::string& flag) { return std::find(args.begin(), args.end(), flag) != args.end(); };
  for (const char* flag : {"--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                           "--disable-userns", "--die-with-parent", "--new-session", "--as-pid-1"}) {
    EXPECT_TRUE(has(flag)) << flag;
  }
  EXPECT_FALSE(has("/definitely/not/here"));
  auto ro = std::find(args.begin(), args.end(), "--remount-ro");
  ASSERT_NE(ro, args.end());
  // The init gets its descriptors, then the command follows the last "--".
  const std::vector<std::string> start_init = {"--", kInitPath};
  auto init = std::search(args.begin(), args.end(), start_init.begin(), start_init.end()) + 1;
  auto last = std::find(args.rbegin(), args.rend(), "--");
  ASSERT_NE(init, args.end());
  EXPECT_EQ(*(init + 1), "10");
  EXPECT_EQ(*(init + 2), "11");
  EXPECT_EQ(*(init + 3), "5");
  EXPECT_EQ(*(last.base()), "/work/a.out");
}

TEST(BwrapArgs, RlimitsAreWholeSecondsAndInfForZero) {
  SandboxLimits limits;
  limits.cpu_limit_ms = 1'500;
  limits.address_space_bytes = 0;
  limits.max_processes = 10;
  const std::string arg = RlimitArgument(limits);
  EXPECT_NE(arg.find(std::to_string(RLIMIT_CPU) + ":2:3"), std::string::npos) << arg;
  EXPECT_NE(arg.find(std::to_string(RLIMIT_AS) + ":inf:inf"), std::string::npos) << arg;
  EXPECT_NE(arg.find(std::to_string(RLIMIT_NPROC) + ":11:11"), std::string::npos) << arg;
  EXPECT_NE(arg.find(std::to_string(RLIMIT_CORE) + ":0:0"), std::string::npos) << arg;
}

TEST(OutputCapture, KeepsTheLimitAndCountsTheRest) {
  OutputCapture capture(10);
  capture.Append("0123456", 7);
  capture.Append("789abcdef", 9);
  CapturedOutput out = capture.Finish();
  EXPECT_TRUE(out.truncated);
  EXPECT_EQ(out.total_bytes, 16u);
  EXPECT_EQ(out.data.substr(0, 10), "0123456789");
  EXPECT_NE(out.data.find("truncated after 10 bytes; 6 more bytes dropped"), std::string::npos) << out.data;
  OutputCapture exact(4);
  exact.Append("abcd", 4);
  CapturedOutput whole = exact.Finish();
  EXPECT_FALSE(whole.truncated);
  EXPECT_EQ(whole.data, "abcd");
}

TEST(SeccompFilter, ExportsABpfProgram) {
  auto bpf = BuildSeccompFilter();
  ASSERT_TRUE(bpf.ok()) << bpf.error().message;
  EXPECT_GT(bpf->size(), 0u);
  EXPECT_EQ(bpf->size() % 8, 0u);  // struct sock_filter
  const auto& denied = DeniedSyscalls();
  for (const char* name : {"ptrace", "process_vm_readv", "mount", "unshare", "bpf", "io_uring_setup", "seccomp"}) {
    EXPECT_NE(std::find(denied.begin(), denied.end(), name), denied.end()) << name;
  }
}

}  // namespace
}  // namespace kjudge::sandbox
