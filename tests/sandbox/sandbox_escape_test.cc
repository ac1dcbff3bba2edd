// Escape attempts from inside the sandbox: network, host files, writes outside the work
// directory, other processes (the init, the runner, host pids), new namespaces and mounts, kernel
// interfaces, foreign system-call ABIs, /proc/self/mem. Each must fail in the stated way.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "sandbox_fixture.h"

namespace kjudge::sandbox {
namespace {

namespace fs = std::filesystem;
using testing::SandboxTest;

// A TCP listener on 127.0.0.1 at an ephemeral port, as a server the command must not reach.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 4);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { close(fd_); }
  int port() const { return port_; }
  bool AcceptedAnything() const { return accept(fd_, nullptr, nullptr) >= 0; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(SandboxTest, NetworkSocketsAreDenied) {
  Listener server;
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(Attempt({"connect", std::to_string(server.port())}), "errno=EPERM");
  EXPECT_EQ(Attempt({"socket-inet"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"socket-inet6"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"socket-netlink"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"socket-unix"}), "ok");
  EXPECT_FALSE(server.AcceptedAnything());
}

TEST_F(SandboxTest, NetworkIsUnreachableEvenWithoutTheFilter) {
  // The network namespace alone already isolates: its only interface is its own loopback, where
  // nothing listens.
  policy_.seccomp = false;
  Listener server;
  EXPECT_EQ(Attempt({"connect", std::to_string(server.port())}), "errno=ECONNREFUSED");
  EXPECT_FALSE(server.AcceptedAnything());
}

TEST_F(SandboxTest, HostFilesOutsideTheBindsAreInvisible) {
  const fs::path secret_dir = fs::temp_directory_path() / ("kjudge-secret-" + std::to_string(getpid()));
  fs::create_directories(secret_dir);
  std::ofstream(secret_dir / "secret.txt") << "the problem's secret seed";
  fs::permissions(secret_dir / "secret.txt", fs::perms::all);
  EXPECT_EQ(Attempt({"open-read", (secret_dir / "secret.txt").string()}), "errno=ENOENT");
  for (const char* path : {"/etc/shadow", "/etc/passwd", "/etc/hostname", "/root", "/home", "/var/lib", "/run",
                           "/sys/kernel", KJUDGE_SOURCE_DIR "/CMakeLists.txt", KJUDGE_BINARY_DIR "/CMakeCache.txt"}) {
    EXPECT_EQ(Attempt({"open-read", path}), "errno=ENOENT") << path;
  }
  // What is meant to be visible is.
  EXPECT_EQ(Attempt({"open-read", "/etc/ld.so.cache"}), "ok");
  EXPECT_EQ(Attempt({"open-read", "/usr/bin/g++"}), "ok");
  fs::remove_all(secret_dir);
}

TEST_F(SandboxTest, WritesOutsideTheWorkDirFail) {
  for (const char* path : {"/usr/evil", "/evil", "/etc/evil", "/dev/evil", "/proc/evil", "/opt/evil",
                           "/probe/sandbox_probe"}) {
    const std::string got = Attempt({"open-write", path});
    EXPECT_TRUE(got == "errno=EROFS" || got == "errno=EACCES" || got == "errno=ENOENT") << path << ": " << got;
  }
  EXPECT_EQ(Attempt({"mkdir", "/newdir"}), "errno=EROFS");
  EXPECT_EQ(Attempt({"open-write", "/work/allowed"}), "ok");
  EXPECT_TRUE(fs::exists(work_ / "allowed"));
  // /tmp is writable but private: nothing lands in the host's /tmp.
  const std::string name = testing::UniqueMarker("tmpfile");
  EXPECT_EQ(Attempt({"open-write", "/tmp/" + name}), "ok");
  EXPECT_FALSE(fs::exists(fs::path("/tmp") / name));
}

TEST_F(SandboxTest, OtherProcessesCannotBeTracedOrRead) {
  EXPECT_EQ(Attempt({"ptrace-child"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"ptrace-pid", "1"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"vm-readv"}), "errno=EPERM");
}

TEST_F(SandboxTest, NamespacesAndMountsCannotBeMade) {
  EXPECT_EQ(Attempt({"unshare-user"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"unshare-mount"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"clone-newuser"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"clone-newnet"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"clone3"}), "errno=ENOSYS");
  EXPECT_EQ(Attempt({"setns"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"mount"}), "errno=EPERM");
  EXPECT_EQ(Attempt({"chroot"}), "errno=EPERM");
}

TEST_F(SandboxTest, NestedUserNamespacesAreRefusedEvenWithoutTheFilter) {
  // bwrap --disable-userns: a second line of defence behind the seccomp rule.
  policy_.seccomp = false;
  const std::string got = Attempt({"unshare-user"});
  EXPECT_TRUE(got == "errno=ENOSPC" || got == "errno=EPERM" || got == "errno=EUSERS") << got;
}

TEST_F(SandboxTest, KernelInterfacesAreDenied) {
  for (const char* what : {"bpf", "perf", "io-uring", "keyctl", "userfaultfd", "personality", "seccomp"}) {
    EXPECT_EQ(Attempt({what}), "errno=EPERM") << what;
  }
  EXPECT_EQ(Attempt({"personality-query"}), "ok");
}

TEST_F(SandboxTest, DumpabilityCanBeDroppedButNotRaised) {
  EXPECT_EQ(Attempt({"dumpable-off"}), "ok");
  EXPECT_EQ(Attempt({"dumpable-on"}), "errno=EPERM");
}

TEST_F(SandboxTest, ProcSelfMemOfAnExecuteOnlyBinaryCannotBeOpened) {
  // Copied in execute-only, the binary starts non-dumpable: its /proc/self/mem belongs to root.
  policy_.copied_files = {{SANDBOX_PROBE_PATH, testing::kProbe, 0111}};
  EXPECT_EQ(Attempt({"open-rdwr", "/proc/self/mem"}), "errno=EACCES");
  // A readable binary can: that is why the runner copies judged binaries in with mode 0111
  // (docs/sandbox.md, "What remains").
  policy_.copied_files = {{SANDBOX_PROBE_PATH, testing::kProbe, 0555}};
  EXPECT_EQ(Attempt({"open-rdwr", "/proc/self/mem"}), "ok");
}

TEST_F(SandboxTest, TheInitCannotBeReadOrKilled) {
  EXPECT_EQ(Attempt({"open-read", "/proc/1/environ"}), "errno=EACCES");
  EXPECT_EQ(Attempt({"open-rdwr", "/proc/1/mem"}), "errno=EACCES");
  EXPECT_EQ(Attempt({"ls", "/proc/1/fd"}), "errno=EACCES");
  EXPECT_EQ(Attempt({"open-read", "/.kjudge/init"}), "errno=EACCES");
  // Signals to everything visible: the init survives and still reports the real exit.
  SandboxResult r = Probe({"kill-everything"});
  EXPECT_EQ(r.termination, Termination::kExited);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(r.out.data, "alive\n");
}

TEST_F(SandboxTest, HostProcessesAreInvisibleAndUnreachable) {
  std::istringstream pids(Probe({"list-pids"}).out.data);
  std::vector<int> seen;
  for (int pid; pids >> pid;) seen.push_back(pid);
  // Only the init (1) and the probe (2).
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));
  EXPECT_EQ(Attempt({"kill", std::to_string(getpid()), "0"}), "errno=ESRCH");
  EXPECT_EQ(Attempt({"kill", std::to_string(getppid()), std::to_string(SIGKILL)}), "errno=ESRCH");
}

TEST_F(SandboxTest, DevIsMinimalAndSysIsAbsent) {
  std::istringstream names(Probe({"ls", "/dev"}).out.data);
  std::set<std::string> dev;
  for (std::string n; names >> n;) dev.insert(n);
  for (const char* expected : {"null", "zero", "urandom", "shm"}) EXPECT_TRUE(dev.count(expected)) << expected;
  for (const char* forbidden : {"mem", "kmsg", "sda", "vda", "nvme0", "kvm", "nvidiactl", "kfd"}) {
    EXPECT_FALSE(dev.count(forbidden)) << forbidden;
  }
  EXPECT_EQ(Attempt({"ls", "/sys"}), "errno=ENOENT");
}

#if defined(__x86_64__)
/// Whether this kernel answers the i386 entry point at all: kernels built or booted without IA-32
/// emulation (ia32_emulation=0) raise SIGSEGV for `int $0x80` in any process, sandboxed or not.
bool KernelHasIa32Entry(const std::string& probe) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execl(probe.c_str(), probe.c_str(), "foreign-abi", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return !(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

TEST_F(SandboxTest, ForeignSyscallAbiKillsTheProcess) {
  SandboxResult r = Probe({"foreign-abi"});
  EXPECT_EQ(r.termination, Termination::kSignaled) << r.out.data;
  EXPECT_EQ(r.out.data.find("returned"), std::string::npos) << "the i386 getpid ran: " << r.out.data;
  if (KernelHasIa32Entry(SANDBOX_PROBE_PATH)) {
    EXPECT_EQ(r.signal, SIGSYS) << "the filter, not the kernel, must stop the i386 entry point";
  } else {
    EXPECT_EQ(r.signal, SIGSEGV) << "this kernel has no i386 entry point";
  }
}
#endif

}  // namespace
}  // namespace kjudge::sandbox
