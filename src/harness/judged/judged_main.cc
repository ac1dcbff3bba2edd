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
#include <sys/syscall.h>
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

namespace kjudge::harness::judged {
namespace {

template <typename T>
bool Send(const T& message) {
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

/// Receives one message; with `poll` it first spins (see Backend::poll_between_calls).
ssize_t ReceiveMessage(unsigned char* buf, std::size_t size, bool poll) {
  if (poll) {
    const auto until = std::chrono::steady_clock::now() + kPollWindow;
    for (;;) {
      ssize_t n = ::recv(wire::kControlFd, buf, size, MSG_DONTWAIT);
      if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return n;
      if (std::chrono::steady_clock::now() >= until) break;
      for (int i = 0; i < 64; ++i) CpuRelax();
    }
  }
  for (;;) {
    ssize_t n = ::recv(wire::kControlFd, buf, size, 0);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
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

#ifndef SYS_mseal
#define SYS_mseal 462  // x86_64 and aarch64 alike (Linux 6.10)
#endif

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
    hello.flush_bytes = backend_->flush_bytes();
    CopyMessage(hello.timer, sizeof hello.timer, backend_->timer());
    if (!Send(hello)) return 3;
    alignas(8) unsigned char buf[sizeof(wire::Setup) + 64];
    for (;;) {
      ssize_t n = ReceiveMessage(buf, sizeof buf, backend_->poll_between_calls());
      if (n <= 0) return 0;  // the supervisor went away: nothing left to do
      if (static_cast<std::size_t>(n) < sizeof(wire::Header)) Fatal("short message from supervisor");
      wire::Header h;
      std::memcpy(&h, buf, sizeof h);
      if (h.magic != wire::kMagic || h.version != wire::kVersion || h.size != static_cast<std::uint32_t>(n)) {
        Fatal("malformed message from supervisor");
      }
      switch (h.type) {
        case wire::Type::kSetup: OnSetup(buf, n); break;
        case wire::Type::kCall: OnCall(buf, n); break;
        case wire::Type::kShutdown: return 0;
        default: Fatal("unexpected message type from supervisor");
      }
    }
  }

 private:
  void OnSetup(const unsigned char* buf, ssize_t n) {
    if (n != static_cast<ssize_t>(sizeof(wire::Setup))) Fatal("bad Setup size");
    std::memcpy(&setup_, buf, sizeof setup_);
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
    const bool ok = submission_ok_ && MapShared(&error) && backend_->Prepare(setup_, shared_, &error);
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

  bool MapShared(std::string* error) {
    if (shared_ != nullptr && shared_bytes_ == setup_.shared_bytes) return true;
    if (shared_ != nullptr) munmap(shared_, shared_bytes_);
    shared_ = nullptr;
    shared_bytes_ = setup_.shared_bytes;
    if (shared_bytes_ == 0) return true;
    void* p = mmap(nullptr, shared_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, wire::kSharedMemoryFd, 0);
    if (p == MAP_FAILED) {
      *error = std::string("cannot map shared memory: ") + std::strerror(errno);
      return false;
    }
    shared_ = static_cast<unsigned char*>(p);
    return true;
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
    const bool prepared = (calibration || backend_->Upload(&error)) && backend_->Settle(call.flush_l2 != 0, &error);
    if (!prepared) {
      ready.status = 1;
      CopyMessage(ready.message, sizeof ready.message, error);
    }
    if (!Send(ready)) std::_Exit(3);
    if (!prepared) return;
    AwaitGo(call.call_id);

    auto done = wire::Make<wire::CallDone>();
    done.case_id = call.case_id;
    done.call_id = call.call_id;
    CallContext ctx{&params_, backend_->buffers(), backend_->stream()};
    params_.seed = 0;  // the submission never learns the seed the supervisor drew its inputs from
    const bool ok = calibration ? backend_->TimedCall(backend_->EmptyCall(), backend_, &done.elapsed_ns, &error)
                                : backend_->TimedCall(&InvokeSubmission, &ctx, &done.elapsed_ns, &error);
    if (!ok) {
      done.status = 1;
      CopyMessage(done.message, sizeof done.message, error);
    } else {
      CopyMessage(done.message, sizeof done.message, backend_->phases());
    }
    if (!Send(done)) std::_Exit(3);
    if (!ok) return;
    auto downloaded = wire::Make<wire::Downloaded>();
    downloaded.call_id = call.call_id;
    downloaded.elapsed_ns = done.elapsed_ns;
    if (!backend_->FinishTiming(&downloaded.elapsed_ns, &error) || (!calibration && !backend_->Download(&error))) {
      downloaded.status = 1;
      CopyMessage(downloaded.message, sizeof downloaded.message, error);
    }
    if (!Send(downloaded)) std::_Exit(3);
  }

  /// Waits for the supervisor's Go for `call_id`: the supervisor's clock starts when it sends it.
  void AwaitGo(std::uint32_t call_id) {
    alignas(8) unsigned char buf[sizeof(wire::Setup) + 64];
    const ssize_t n = ReceiveMessage(buf, sizeof buf, backend_->poll_between_calls());
    if (n <= 0) std::_Exit(0);  // the supervisor went away
    wire::Go go;
    if (n != static_cast<ssize_t>(sizeof go)) Fatal("expected Go from supervisor");
    std::memcpy(&go, buf, sizeof go);
    if (go.header.magic != wire::kMagic || go.header.version != wire::kVersion || go.header.type != wire::Type::kGo ||
        go.call_id != call_id) {
      Fatal("expected Go from supervisor");
    }
  }

  Backend* backend_;
  const char* library_;
  bool loaded_ = false;         ///< the load was attempted (calibration is over)
  bool submission_ok_ = false;  ///< and succeeded
  wire::Setup setup_{};
  problem_api::Params params_;
  unsigned char* shared_ = nullptr;
  std::uint64_t shared_bytes_ = 0;
};

}  // namespace
}  // namespace kjudge::harness::judged

int main(int argc, char** argv) {
  // Not dumpable: other processes of the same uid cannot ptrace it or open its /proc/<pid>/mem.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (argc != 2) {
    std::fprintf(stderr, "usage: judged SUBMISSION.so\n");
    return 3;
  }
  std::unique_ptr<kjudge::harness::judged::Backend> backend(kjudge::harness::judged::CreateBackend());
  if (!backend) return 3;
  return kjudge::harness::judged::Session(backend.get(), argv[1]).Run();
}
