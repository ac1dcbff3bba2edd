// The judged process's main: answers the supervisor's Setup/Call messages by running the
// submission through the problem's glue (kj_call) on the backend. It holds no expected outputs,
// no seeds for later calls and no verdict: the supervisor checks everything it reports.
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
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

void Nothing(void*) {}

/// Empty calls timed at start-up, flush included: the median is the floor under every time the
/// backend reports (synchronization and event overhead).
constexpr int kFloorCalls = 21;

double MeasureTimerFloor(Backend* backend) {
  std::vector<double> samples;
  std::string error;
  for (int i = 0; i < kFloorCalls; ++i) {
    double ns = 0;
    if (!backend->TimedCall(&Nothing, nullptr, true, &ns, &error)) return 0;  // Prepare reports the failure
    samples.push_back(ns);
  }
  std::nth_element(samples.begin(), samples.begin() + kFloorCalls / 2, samples.end());
  return samples[kFloorCalls / 2];
}

void InvokeSubmission(void* raw) {
  auto* ctx = static_cast<CallContext*>(raw);
  kj_call(*ctx->params, ctx->buffers, ctx->stream);
}

class Session {
 public:
  explicit Session(Backend* backend) : backend_(backend) {}

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
    if (!MapShared(&error) || !backend_->Prepare(setup_, shared_, &error)) {
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
    auto done = wire::Make<wire::CallDone>();
    done.case_id = call.case_id;
    done.call_id = call.call_id;
    std::string error;
    CallContext ctx{&params_, backend_->buffers(), backend_->stream()};
    params_.seed = 0;  // the submission never learns the seed the supervisor drew its inputs from
    bool ok = backend_->Upload(&error) &&
              backend_->TimedCall(&InvokeSubmission, &ctx, call.flush_l2 != 0, &done.elapsed_ns, &error) &&
              backend_->Download(&error);
    if (!ok) {
      done.status = 1;
      CopyMessage(done.message, sizeof done.message, error);
    }
    if (!Send(done)) std::_Exit(3);
  }

  Backend* backend_;
  wire::Setup setup_{};
  problem_api::Params params_;
  unsigned char* shared_ = nullptr;
  std::uint64_t shared_bytes_ = 0;
};

}  // namespace
}  // namespace kjudge::harness::judged

int main() {
  // Not dumpable: other processes of the same uid cannot ptrace it or open its /proc/<pid>/mem.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  std::unique_ptr<kjudge::harness::judged::Backend> backend(kjudge::harness::judged::CreateBackend());
  if (!backend) return 3;
  return kjudge::harness::judged::Session(backend.get()).Run();
}
