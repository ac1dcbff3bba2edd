// The judged process's main: answers the supervisor's Setup/Call messages by running the
// submission through the problem's glue (kj_call) on the backend. It holds no expected outputs,
// no seeds for later calls and no verdict: the supervisor checks everything it reports.
//
// The submission is a shared library (argv[1]) loaded only after the harness has started the
// backend and answered the supervisor's calibration calls, so none of its code (constructors
// included) runs before the supervisor has timed the harness on its own. Right before loading it,
// every read-only and executable mapping of a file (the harness, the C library, the CUDA runtime
// and driver, CUPTI; their relocation tables are read-only too, full RELRO) is sealed with mseal
// where the kernel has it: the submission cannot make them writable again to patch a timer.
#include <dlfcn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "kjudge/harness/problem_api.h"
#include "kjudge/harness/wire.h"
#include "sealed_page.h"

namespace kjudge::harness::judged {
namespace {

/// The control socket as the harness found it at start (sealed_page.h). A submission that puts
/// something else on fd 4 (dup2 of a socketpair, to relay and rewrite the conversation) is
/// caught at the harness's next message: every send and receive first checks the descriptor is
/// still that socket.
struct alignas(kSealedPageBytes) ChannelIdentity {
  dev_t dev;
  ino_t ino;
};
ChannelIdentity g_channel{};

/// Records the control socket's identity and seals it; false when fd 4 is not a socket.
bool SealChannelIdentity() {
  struct stat st {};
  if (fstat(wire::kControlFd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  g_channel.dev = st.st_dev;
  g_channel.ino = st.st_ino;
  return SealPage(&g_channel, sizeof g_channel);
}

void CheckChannel() {
  struct stat st {};
  if (fstat(wire::kControlFd, &st) != 0 || st.st_dev != g_channel.dev || st.st_ino != g_channel.ino) {
    // Nothing more goes out on a descriptor that is not the supervisor's: it sees the channel close.
    std::fprintf(stderr, "kjudge harness: the control socket was replaced\n");
    std::_Exit(3);
  }
}

template <typename T>
bool Send(const T& message) {
  CheckChannel();
  for (;;) {
    ssize_t n = ::send(wire::kControlFd, &message, sizeof message, MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(sizeof message)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

void CopyMessage(char* dst, std::size_t cap, const std::string& text) {
  std::snprintf(dst, cap, "%s", text.c_str());
}

/// How long a GPU harness polls for the supervisor's next message before it blocks. Long enough to
/// cover the supervisor's work between two calls (new inputs, reference, comparison: ~100 ms for
/// the largest cases), short enough that the spinning thread cannot eat the sandbox's CPU limit.
constexpr auto kPollWindow = std::chrono::milliseconds(250);

void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// The descriptors attached to one message (wire.h): memory, in buffer order.
struct Attached {
  int fds[wire::kMaxBuffers];
  std::uint32_t count = 0;
  int first() const { return count > 0 ? fds[0] : -1; }
  void CloseAll() {
    for (std::uint32_t i = 0; i < count; ++i) close(fds[i]);
    count = 0;
  }
};

/// One recvmsg: the message into `buf`, what is attached to it into `*attached`. More descriptors
/// than any message carries truncate the control data: the kernel closes the rest, and the
/// harness gives up (the supervisor never sends that many).
ssize_t ReceiveOnce(unsigned char* buf, std::size_t size, int flags, Attached* attached) {
  iovec iov{buf, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * wire::kMaxBuffers)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(wire::kControlFd, &msg, flags | MSG_CMSG_CLOEXEC);
  if (n < 0) return n;
  CheckChannel();  // per message, not per poll: nothing from a replaced descriptor is acted on
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0)) continue;
    const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (attached->count < static_cast<std::uint32_t>(wire::kMaxBuffers)) {
        attached->fds[attached->count++] = fd;
      } else {
        close(fd);
      }
    }
  }
  if ((msg.msg_flags & MSG_CTRUNC) != 0) {
    attached->CloseAll();
    errno = EPROTO;
    return -1;
  }
  return n;
}

/// Receives one message and what is attached to it; with `poll` it first spins (see
/// Backend::poll_between_calls).
ssize_t ReceiveMessage(unsigned char* buf, std::size_t size, bool poll, Attached* attached) {
  attached->count = 0;
  if (poll) {
    const auto until = std::chrono::steady_clock::now() + kPollWindow;
    for (;;) {
      ssize_t n = ReceiveOnce(buf, size, MSG_DONTWAIT, attached);
      if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return n;
      if (std::chrono::steady_clock::now() >= until) break;
      for (int i = 0; i < 64; ++i) CpuRelax();
    }
  }
  for (;;) {
    ssize_t n = ReceiveOnce(buf, size, 0, attached);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

/// Maps `bytes` of the memfd `fd` (then closes it). A missing descriptor or a memfd smaller than
/// the layout says is the supervisor's mistake, never the submission's: the harness gives up.
unsigned char* MapMemory(int fd, std::uint64_t bytes, std::string* error) {
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < bytes) {
    if (fd >= 0) close(fd);
    *error = "no memory of the announced size came with the message";
    return nullptr;
  }
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) {
    *error = std::string("cannot map the buffers: ") + std::strerror(errno);
    return nullptr;
  }
  return static_cast<unsigned char*>(p);
}

[[noreturn]] void Fatal(const std::string& text) {
  auto m = wire::Make<wire::Fatal>();
  CopyMessage(m.message, sizeof m.message, text);
  Send(m);
  std::fprintf(stderr, "kjudge harness: %s\n", text.c_str());
  std::_Exit(3);
}

struct CallContext {
  const problem_api::Params* params;
  void* const* buffers;
  void* stream;
};

/// Empty calls timed at start-up, flush included: the median is the floor under every time the
/// backend reports (synchronization and event overhead).
constexpr int kFloorCalls = 21;

double MeasureTimerFloor(Backend* backend) {
  std::vector<double> samples;
  std::string error;
  for (int i = 0; i < kFloorCalls; ++i) {
    double ns = 0;
    if (!backend->Settle(true, &error) || !backend->TimedCall(backend->EmptyCall(), backend, &ns, &error) ||
        !backend->FinishTiming(&ns, &error)) {
      return 0;  // Prepare reports the failure
    }
    samples.push_back(ns);
  }
  std::nth_element(samples.begin(), samples.begin() + kFloorCalls / 2, samples.end());
  return samples[kFloorCalls / 2];
}

using EntryPoint = void (*)(const problem_api::Params&, void* const*, void*);
EntryPoint g_entry = nullptr;

void InvokeSubmission(void* raw) {
  auto* ctx = static_cast<CallContext*>(raw);
  g_entry(*ctx->params, ctx->buffers, ctx->stream);
}

/// Seals every mapping of a file that is not writable: code, read-only data and the relocation
/// tables made read-only at start-up. Device and memfd mappings are left alone (the GPU driver
/// maps and unmaps those as memory comes and goes). Where the kernel lacks mseal, nothing is
/// sealed and the seccomp filter and the supervisor's checks stand alone.
void SealLoadedCode() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    unsigned long start = 0, end = 0;
    char perms[5] = {};
    int path_at = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx %4s %*s %*s %*s %n", &start, &end, perms, &path_at) < 3) continue;
    const char* path = line.c_str() + path_at;
    if (path_at <= 0 || path[0] != '/' || std::strncmp(path, "/dev/", 5) == 0 || std::strncmp(path, "/memfd:", 7) == 0) continue;
    if (perms[1] == 'w') continue;
    if (syscall(SYS_mseal, start, end - start, 0) != 0 && errno == ENOSYS) return;
  }
}

/// Loads the submission's library (full binding now, kept out of the global scope so nothing
/// loaded later binds to its names) and finds the glue's entry point.
bool LoadSubmission(const char* library, std::string* error) {
  SealLoadedCode();
  void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    *error = std::string("cannot load the submission: ") + (why != nullptr ? why : "unknown error");
    return false;
  }
  g_entry = reinterpret_cast<EntryPoint>(dlsym(handle, "kj_call"));
  if (g_entry == nullptr) {
    *error = "the submission's library has no kj_call";
    return false;
  }
  return true;
}

class Session {
 public:
  Session(Backend* backend, const char* library) : backend_(backend), library_(library) {}

  int Run() {
    auto hello = wire::Make<wire::Hello>();
    CopyMessage(hello.backend, sizeof hello.backend, backend_->name());
    CopyMessage(hello.device, sizeof hello.device, backend_->device());
    hello.timer_floor_ns = MeasureTimerFloor(backend_);
    hello.device_buffers = backend_->device_buffers() ? 1 : 0;
    hello.flush_bytes = backend_->flush_bytes();
    CopyMessage(hello.timer, sizeof hello.timer, backend_->timer());
    if (!Send(hello)) return 3;
    alignas(8) unsigned char buf[sizeof(wire::Setup) + 64];
    for (;;) {
      Attached attached;
      ssize_t n = ReceiveMessage(buf, sizeof buf, backend_->poll_between_calls(), &attached);
      if (n <= 0) return 0;  // the supervisor went away: nothing left to do
      if (static_cast<std::size_t>(n) < sizeof(wire::Header)) Fatal("short message from supervisor");
      wire::Header h;
      std::memcpy(&h, buf, sizeof h);
      if (h.magic != wire::kMagic || h.version != wire::kVersion || h.size != static_cast<std::uint32_t>(n)) {
        Fatal("malformed message from supervisor");
      }
      if (attached.count > (h.type == wire::Type::kSetup ? 1u : 0u)) Fatal("memory attached to a message that carries none");
      switch (h.type) {
        case wire::Type::kSetup: OnSetup(buf, n, attached.first()); break;
        case wire::Type::kCall: OnCall(buf, n); break;
        case wire::Type::kShutdown: return 0;
        default: Fatal("unexpected message type from supervisor");
      }
    }
  }

 private:
  void OnSetup(const unsigned char* buf, ssize_t n, int memory_fd) {
    if (n != static_cast<ssize_t>(sizeof(wire::Setup))) Fatal("bad Setup size");
    std::memcpy(&setup_, buf, sizeof setup_);
    if (setup_.buffer_count > static_cast<std::uint32_t>(wire::kMaxBuffers) ||
        setup_.param_count > static_cast<std::uint32_t>(wire::kMaxParams)) {
      Fatal("malformed Setup");
    }
    if (setup_.device_buffers != 0 && !backend_->device_buffers()) Fatal("device buffers offered to a backend that cannot map them");
    auto done = wire::Make<wire::SetupDone>();
    done.case_id = setup_.case_id;
    std::string error;
    if (setup_.case_id == wire::kCalibrationCase) Fatal("Setup of the calibration case");
    if (!loaded_) {
      loaded_ = true;
      if (!LoadSubmission(library_, &error)) {
        done.status = 1;
        CopyMessage(done.message, sizeof done.message, error);
        if (!Send(done)) std::_Exit(3);
        return;
      }
      submission_ok_ = true;
    }
    const bool ok = submission_ok_ && MapCaseMemory(memory_fd, &error) && backend_->Prepare(setup_, shared_, &error);
    if (!submission_ok_) error = "the submission could not be loaded";
    if (!ok) {
      done.status = 1;
      CopyMessage(done.message, sizeof done.message, error);
    }
    params_ = problem_api::Params{};
    for (std::uint32_t i = 0; i < setup_.param_count && i < wire::kMaxParams; ++i) {
      const auto& p = setup_.params[i];
      params_.values[std::string(p.name, strnlen(p.name, sizeof p.name))] = p.value;
    }
    if (!Send(done)) std::_Exit(3);
  }

  /// The case's memory (GPU backends); the host backend gets every call's with its Go instead.
  bool MapCaseMemory(int fd, std::string* error) {
    if (shared_ != nullptr) munmap(shared_, shared_bytes_);
    shared_ = nullptr;
    shared_bytes_ = 0;
    if (backend_->buffers_with_each_call() || setup_.device_buffers != 0 || setup_.shared_bytes == 0) {
      if (fd >= 0) close(fd);
      return true;
    }
    shared_ = MapMemory(fd, setup_.shared_bytes, error);
    if (shared_ == nullptr) return false;
    shared_bytes_ = setup_.shared_bytes;
    return true;
  }

  /// The call's memory, arrived with Go (host backend): the buffers the submission is called on.
  bool MapCallMemory(int fd, std::string* error) {
    if (setup_.shared_bytes == 0) {
      if (fd >= 0) close(fd);
      return backend_->BindCallMemory(nullptr, error);
    }
    call_memory_ = MapMemory(fd, setup_.shared_bytes, error);
    return call_memory_ != nullptr && backend_->BindCallMemory(call_memory_, error);
  }

  void UnmapCallMemory() {
    if (call_memory_ != nullptr) munmap(call_memory_, setup_.shared_bytes);
    call_memory_ = nullptr;
  }

  void OnCall(const unsigned char* buf, ssize_t n) {
    if (n != static_cast<ssize_t>(sizeof(wire::Call))) Fatal("bad Call size");
    wire::Call call;
    std::memcpy(&call, buf, sizeof call);
    const bool calibration = call.case_id == wire::kCalibrationCase;
    if (calibration && loaded_) Fatal("calibration after the submission was loaded");
    if (!calibration && (!submission_ok_ || call.case_id != setup_.case_id)) Fatal("Call for a case that was not set up");
    std::string error;
    auto ready = wire::Make<wire::Ready>();
    ready.case_id = call.case_id;
    ready.call_id = call.call_id;
    const bool device_buffers = !calibration && setup_.device_buffers != 0;  // already on the device, filled by the supervisor
    const bool prepared = (calibration || device_buffers || backend_->Upload(&error)) && backend_->Settle(call.flush_l2 != 0, &error);
    if (!prepared) {
      ready.status = 1;
      CopyMessage(ready.message, sizeof ready.message, error);
    }
    if (!Send(ready)) std::_Exit(3);
    if (!prepared) return;
    Attached attached;
    const wire::Go go = AwaitGo(call.call_id, &attached);
    bool mapped = true;
    if (go.buffer_count > 0) {
      // Device buffers (calibration calls get some too, so that mapping them is calibrated).
      if (!backend_->device_buffers() || go.buffer_count != attached.count ||
          (!calibration && (setup_.device_buffers == 0 || go.buffer_count != setup_.buffer_count))) {
        Fatal("device buffers that do not match the case");
      }
      mapped = backend_->BindDeviceBuffers(attached.fds, go.mapped_bytes, go.buffer_count, &error);
      attached.CloseAll();
    } else if (!calibration && backend_->buffers_with_each_call()) {
      if (attached.count > 1) Fatal("more than one call memory attached to Go");
      mapped = MapCallMemory(attached.first(), &error);
    } else if (attached.count > 0) {
      Fatal("memory attached to a Go that carries none");
    }

    auto done = wire::Make<wire::CallDone>();
    done.case_id = call.case_id;
    done.call_id = call.call_id;
    CallContext ctx{&params_, backend_->buffers(), backend_->stream()};
    params_.seed = 0;  // the submission never learns the seed the supervisor drew its inputs from
    ctx.buffers = backend_->buffers();
    const bool ok = mapped && (calibration ? backend_->TimedCall(backend_->EmptyCall(), backend_, &done.elapsed_ns, &error)
                                           : backend_->TimedCall(&InvokeSubmission, &ctx, &done.elapsed_ns, &error));
    if (!ok) {
      done.status = 1;
      CopyMessage(done.message, sizeof done.message, error);
    } else {
      CopyMessage(done.message, sizeof done.message, backend_->phases());
    }
    if (!Send(done)) std::_Exit(3);
    if (!ok) {
      ReleaseCallBuffers();
      return;
    }
    auto downloaded = wire::Make<wire::Downloaded>();
    downloaded.call_id = call.call_id;
    downloaded.elapsed_ns = done.elapsed_ns;
    if (!backend_->FinishTiming(&downloaded.elapsed_ns, &error) || (!calibration && !device_buffers && !backend_->Download(&error))) {
      downloaded.status = 1;
      CopyMessage(downloaded.message, sizeof downloaded.message, error);
    }
    if (!Send(downloaded)) std::_Exit(3);
    ReleaseCallBuffers();
  }

  void ReleaseCallBuffers() {
    UnmapCallMemory();
    backend_->ReleaseDeviceBuffers();
  }

  /// Waits for the supervisor's Go for `call_id` (the supervisor's clock starts when it sends it)
  /// and the memory attached to it.
  wire::Go AwaitGo(std::uint32_t call_id, Attached* attached) {
    alignas(8) unsigned char buf[sizeof(wire::Setup) + 64];
    const ssize_t n = ReceiveMessage(buf, sizeof buf, backend_->poll_between_calls(), attached);
    if (n <= 0) std::_Exit(0);  // the supervisor went away
    wire::Go go;
    if (n != static_cast<ssize_t>(sizeof go)) Fatal("expected Go from supervisor");
    std::memcpy(&go, buf, sizeof go);
    if (go.header.magic != wire::kMagic || go.header.version != wire::kVersion || go.header.type != wire::Type::kGo ||
        go.call_id != call_id) {
      Fatal("expected Go from supervisor");
    }
    if (go.buffer_count > static_cast<std::uint32_t>(wire::kMaxBuffers)) Fatal("malformed Go");
    return go;
  }

  Backend* backend_;
  const char* library_;
  bool loaded_ = false;         ///< the load was attempted (calibration is over)
  bool submission_ok_ = false;  ///< and succeeded
  wire::Setup setup_{};
  problem_api::Params params_;
  unsigned char* shared_ = nullptr;  ///< the case's memory (GPU backends)
  std::uint64_t shared_bytes_ = 0;
  unsigned char* call_memory_ = nullptr;  ///< the current call's (host backend), between Go and Downloaded
};

}  // namespace
}  // namespace kjudge::harness::judged

int main(int argc, char** argv) {
  // Not dumpable: other processes of the same uid cannot ptrace it or open its /proc/<pid>/mem.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (!kjudge::harness::judged::SealChannelIdentity()) {
    std::fprintf(stderr, "kjudge harness: fd %d is not the supervisor's socket\n", kjudge::harness::wire::kControlFd);
    return 3;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: judged SUBMISSION.so\n");
    return 3;
  }
  std::unique_ptr<kjudge::harness::judged::Backend> backend(kjudge::harness::judged::CreateBackend());
  if (!backend) return 3;
  return kjudge::harness::judged::Session(backend.get(), argv[1]).Run();
}
