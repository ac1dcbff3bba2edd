// Host CPU backend: the buffers are the memory the supervisor hands over with each Go (wire.h),
// the clock is steady_clock.
#include <chrono>
#include <vector>

#include "backend.h"

namespace kjudge::harness::judged {
namespace {

void Nothing(void*) {}

class CpuBackend final : public Backend {
 public:
  const char* name() const override { return "cpu"; }
  const char* timer() const override { return "steady_clock"; }
  std::string device() const override { return "host CPU"; }

  bool buffers_with_each_call() const override { return true; }
  bool Prepare(const wire::Setup& setup, unsigned char*, std::string*) override {
    setup_ = setup;
    pointers_.assign(setup.buffer_count, nullptr);
    return true;
  }
  bool BindCallMemory(unsigned char* memory, std::string*) override {
    for (std::uint32_t i = 0; i < setup_.buffer_count; ++i) pointers_[i] = memory == nullptr ? nullptr : memory + setup_.buffers[i].offset;
    return true;
  }
  void* const* buffers() const override { return pointers_.data(); }
  void* stream() const override { return nullptr; }
  bool Upload(std::string*) override { return true; }
  bool Download(std::string*) override { return true; }

  bool Settle(bool, std::string*) override { return true; }
  void (*EmptyCall() const)(void*) override { return &Nothing; }

  bool TimedCall(void (*call)(void*), void* context, double* elapsed_ns, std::string*) override {
    const auto start = std::chrono::steady_clock::now();
    call(context);
    const auto end = std::chrono::steady_clock::now();
    *elapsed_ns = std::chrono::duration<double, std::nano>(end - start).count();
    return true;
  }

 private:
  wire::Setup setup_{};
  std::vector<void*> pointers_;
};

}  // namespace

Backend* CreateBackend() { return new CpuBackend(); }

}  // namespace kjudge::harness::judged
