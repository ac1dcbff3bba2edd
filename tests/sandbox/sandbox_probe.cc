// sandbox_probe: the program the sandbox tests run inside the sandbox. Each subcommand tries one
// thing — often something the sandbox must prevent — and reports what happened on stdout:
// "ok" (exit 0) when the operation succeeded, "errno=ENAME" (exit 1) when it failed. Other
// subcommands exit or die in the way their name says. Usage errors exit 2.
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

int Report(long rc) {
  if (rc >= 0) {
    std::printf("ok\n");
    return 0;
  }
  std::printf("errno=%s\n", strerrorname_np(errno));
  return 1;
}

[[noreturn]] void SleepForever() {
  for (;;) pause();
}

int ForkBomb() {
  // Every process keeps forking; failures are expected once the limit is reached.
  for (;;) {
    if (fork() < 0) sched_yield();
  }
}

int SpawnSleepers(const char* token, int n) {
  // The children keep the parent's command line, marker included, from the moment they exist.
  (void)token;
  for (int i = 0; i < n; ++i) {
    if (fork() == 0) SleepForever();
  }
  std::printf("spawned\n");
  std::fflush(stdout);
  // Tests that wait for the children to exist pass a pipe as descriptor 3.
  if (write(3, "spawned\n", 8) < 0) {
  }
  SleepForever();
}

// Leaves a detached process behind and exits at once.
int SpawnDaemon(const char* token) {
  if (fork() == 0) {
    setsid();
    close(0);
    close(1);
    close(2);
    execl("/proc/self/exe", "sandbox_probe", "sleep-forever", token, static_cast<char*>(nullptr));
    _exit(127);
  }
  std::printf("ok\n");
  return 0;
}

int Alloc(long mib) {
  const std::size_t bytes = static_cast<std::size_t>(mib) << 20;
  char* p = static_cast<char*>(std::malloc(bytes));
  if (p == nullptr) {
    std::printf("ENOMEM\n");
    return 3;
  }
  for (std::size_t i = 0; i < bytes; i += 4096) p[i] = 1;  // touch every page
  std::printf("allocated\n");
  return 0;
}

int Print(long bytes) {
  static char chunk[1 << 16];
  std::memset(chunk, 'x', sizeof chunk);
  while (bytes > 0) {
    const long n = bytes < static_cast<long>(sizeof chunk) ? bytes : static_cast<long>(sizeof chunk);
    if (write(1, chunk, static_cast<std::size_t>(n)) != n) return 1;
    bytes -= n;
  }
  return 0;
}

int WriteFile(const char* path, long bytes) {
  const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return Report(-1);
  static char chunk[1 << 16];
  while (bytes > 0) {
    const long n = bytes < static_cast<long>(sizeof chunk) ? bytes : static_cast<long>(sizeof chunk);
    if (write(fd, chunk, static_cast<std::size_t>(n)) != n) return Report(-1);
    bytes -= n;
  }
  return Report(0);
}

int Copy(const char* in, const char* out) {
  FILE* f = std::fopen(in, "rb");
  if (!f) return Report(-1);
  std::string data;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) data.append(buf, n);
  std::fclose(f);
  for (char& c : data) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  FILE* g = std::fopen(out, "wb");
  if (!g) return Report(-1);
  std::fwrite(data.data(), 1, data.size(), g);
  std::fclose(g);
  return Report(0);
}

int ListPids() {
  DIR* d = opendir("/proc");
  if (!d) return Report(-1);
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] >= '1' && e->d_name[0] <= '9') std::printf("%s\n", e->d_name);
  }
  closedir(d);
  return 0;
}

int List(const char* path) {
  DIR* d = opendir(path);
  if (!d) return Report(-1);
  while (dirent* e = readdir(d)) std::printf("%s\n", e->d_name);
  closedir(d);
  return 0;
}

int PtraceChild() {
  const pid_t child = fork();
  if (child == 0) SleepForever();
  const long rc = ptrace(PTRACE_ATTACH, child, nullptr, nullptr);
  const int err = errno;
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  errno = err;
  return Report(rc);
}

int VmReadv() {
  int value = 42, copy = 0;
  iovec local{&copy, sizeof copy};
  iovec remote{&value, sizeof value};
  return Report(process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
}

int CloneNamespace(unsigned long flag) {
  const long pid = syscall(SYS_clone, flag | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid == 0) _exit(0);
  if (pid > 0) waitpid(static_cast<pid_t>(pid), nullptr, 0);
  return Report(pid);
}

int Perf() {
  perf_event_attr attr{};
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  return Report(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

int Bpf() {
  bpf_attr attr{};
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 4;
  attr.max_entries = 1;
  return Report(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
}

int Connect(int port) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return Report(-1);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return Report(connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
}

int ForeignAbi() {
#if defined(__x86_64__)
  // getpid through the i386 entry point: a filter written for x86_64 must not be bypassed by it.
  long ret = 20;
  asm volatile("int $0x80" : "+a"(ret) : : "memory");
  std::printf("returned %ld\n", ret);
  return 0;
#else
  return 2;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string cmd = argv[1];
  auto arg = [&](int i) -> const char* { return i < argc ? argv[i] : ""; };
  auto num = [&](int i) { return std::strtol(arg(i), nullptr, 10); };
  if (cmd == "exit") return static_cast<int>(num(2));
  if (cmd == "signal") {
    raise(static_cast<int>(num(2)));
    return 0;
  }
  if (cmd == "echo-both") {
    std::printf("%s", arg(2));
    std::fflush(stdout);
    std::fprintf(stderr, "%s", arg(3));
    return 0;
  }
  if (cmd == "copy-upper") return Copy(arg(2), arg(3));
  if (cmd == "write-fd") {
    const std::string text = arg(3);
    return Report(write(static_cast<int>(num(2)), text.data(), text.size()));
  }
  if (cmd == "fd-open") return Report(fcntl(static_cast<int>(num(2)), F_GETFD));
  if (cmd == "env") {
    const char* v = std::getenv(arg(2));
    std::printf("%s\n", v ? v : "(unset)");
    return 0;
  }
  if (cmd == "id") {
    char cwd[256] = {};
    if (!getcwd(cwd, sizeof cwd)) return 1;
    std::printf("uid=%d gid=%d pid=%d ppid=%d cwd=%s\n", getuid(), getgid(), getpid(), getppid(), cwd);
    return 0;
  }
  if (cmd == "socket-inet") return Report(socket(AF_INET, SOCK_STREAM, 0));
  if (cmd == "socket-inet6") return Report(socket(AF_INET6, SOCK_DGRAM, 0));
  if (cmd == "socket-netlink") return Report(socket(AF_NETLINK, SOCK_RAW, 0));
  if (cmd == "socket-unix") return Report(socket(AF_UNIX, SOCK_STREAM, 0));
  if (cmd == "connect") return Connect(static_cast<int>(num(2)));
  if (cmd == "open-read") return Report(open(arg(2), O_RDONLY));
  if (cmd == "open-write") return Report(open(arg(2), O_WRONLY | O_CREAT, 0644));
  if (cmd == "open-rdwr") return Report(open(arg(2), O_RDWR));
  if (cmd == "mkdir") return Report(mkdir(arg(2), 0755));
  if (cmd == "ptrace-child") return PtraceChild();
  if (cmd == "ptrace-pid") return Report(ptrace(PTRACE_ATTACH, static_cast<pid_t>(num(2)), nullptr, nullptr));
  if (cmd == "vm-readv") return VmReadv();
  if (cmd == "unshare-user") return Report(unshare(CLONE_NEWUSER));
  if (cmd == "unshare-mount") return Report(unshare(CLONE_NEWNS));
  if (cmd == "clone-newuser") return CloneNamespace(CLONE_NEWUSER);
  if (cmd == "clone-newnet") return CloneNamespace(CLONE_NEWNET);
  if (cmd == "clone3") return Report(syscall(SYS_clone3, nullptr, 0));
  if (cmd == "setns") return Report(setns(0, 0));
  if (cmd == "mount") return Report(mount("none", "/tmp", "tmpfs", 0, nullptr));
  if (cmd == "chroot") return Report(chroot("/tmp"));
  if (cmd == "bpf") return Bpf();
  if (cmd == "perf") return Perf();
  if (cmd == "io-uring") return Report(syscall(SYS_io_uring_setup, 1, nullptr));
  if (cmd == "keyctl") return Report(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
  if (cmd == "userfaultfd") return Report(syscall(SYS_userfaultfd, 0));
  if (cmd == "personality") return Report(personality(ADDR_NO_RANDOMIZE));
  if (cmd == "personality-query") return Report(personality(0xffffffff));
  if (cmd == "seccomp") return Report(syscall(SYS_seccomp, 0 /* SECCOMP_SET_MODE_STRICT */, 0, nullptr));
  if (cmd == "dumpable-on") return Report(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
  if (cmd == "dumpable-off") return Report(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
  if (cmd == "foreign-abi") return ForeignAbi();
  if (cmd == "list-pids") return ListPids();
  if (cmd == "ls") return List(arg(2));
  if (cmd == "kill") return Report(kill(static_cast<pid_t>(num(2)), static_cast<int>(num(3))));
  if (cmd == "kill-everything") {
    // Signal every process we can see, the init included, then prove we are still judged.
    kill(1, SIGKILL);
    kill(-1, SIGKILL);
    std::printf("alive\n");
    return 5;
  }
  if (cmd == "fork-bomb") return ForkBomb();
  if (cmd == "fork-count") {
    // How many children can be alive at once.
    int n = 0;
    while (n < 100000) {
      const pid_t p = fork();
      if (p < 0) break;
      if (p == 0) SleepForever();
      ++n;
    }
    std::printf("%d\n", n);
    return 0;  // the children die with the sandbox
  }
  if (cmd == "fork-count-hold") {
    // Like fork-count, but reports on descriptor 3 and keeps the children alive.
    int n = 0;
    while (n < 100000) {
      const pid_t p = fork();
      if (p < 0) break;
      if (p == 0) SleepForever();
      ++n;
    }
    const std::string text = std::to_string(n) + "\n";
    if (write(3, text.data(), text.size()) < 0) return 1;
    SleepForever();
  }
  if (cmd == "alloc") return Alloc(num(2));
  if (cmd == "sleep-forever") SleepForever();
  if (cmd == "spin") {
    volatile unsigned long spins = 0;
    for (;;) spins = spins + 1;
  }
  if (cmd == "print") return Print(num(2));
  if (cmd == "print-err") {
    if (dup2(2, 1) < 0) return 1;
    return Print(num(2));
  }
  if (cmd == "spawn-sleepers") return SpawnSleepers(arg(2), static_cast<int>(num(3)));
  if (cmd == "spawn-daemon") return SpawnDaemon(arg(2));
  if (cmd == "write-file") return WriteFile(arg(2), num(3));
  if (cmd == "open-many") {
    int opened = 0;
    while (opened < static_cast<int>(num(2)) && open("/dev/null", O_RDONLY) >= 0) ++opened;
    if (opened < static_cast<int>(num(2))) return Report(-1);
    return Report(0);
  }
  return 2;
}
