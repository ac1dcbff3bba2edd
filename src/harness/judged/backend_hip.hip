// HIP backend (mirrors the CUDA one): every buffer is copied to device memory before the timed region; the timed region
// is bracketed by events on the harness's stream and ends only after the whole device is idle, so
// work the submission left on other streams is counted. Before each timed call the L2 is flushed by
// *reading* a buffer twice its size (writing would leave dirty lines whose write-back lands inside
// the timed kernel), and any persisting-L2 carve-out is reset.
#include <hip/hip_runtime.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "backend.h"

namespace kjudge::harness::judged {
namespace {

__global__ void ReadFlush(const int4* data, std::size_t n, int* sink) {
  int4 acc{0, 0, 0, 0};
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
    int4 v = data[i];
    acc.x ^= v.x; acc.y ^= v.y; acc.z ^= v.z; acc.w ^= v.w;
  }
  if ((acc.x ^ acc.y ^ acc.z ^ acc.w) == 0x7fffffff) *sink = 1;  // keeps the loads alive
}

bool Check(hipError_t err, const char* what, std::string* error) {
  if (err == hipSuccess) return true;
  *error = std::string(what) + ": " + hipGetErrorString(err);
  return false;
}

class HipBackend final : public Backend {
 public:
  HipBackend() {
    // A failure here is reported by the first Prepare, so the supervisor sees it as a failed run.
    std::string* e = &init_error_;
    Check(hipGetDevice(&device_), "hipGetDevice", e) && Check(hipGetDeviceProperties(&props_, device_), "hipGetDeviceProperties", e) &&
        Check(hipStreamCreateWithFlags(&stream_, hipStreamNonBlocking), "hipStreamCreate", e) &&
        Check(hipEventCreate(&start_), "hipEventCreate", e) && Check(hipEventCreate(&stop_), "hipEventCreate", e) &&
        Check(hipMalloc(&flush_, FlushBytes()), "hipMalloc(flush)", e) &&
        Check(hipMemset(flush_, 1, FlushBytes()), "hipMemset(flush)", e) &&
        Check(hipMalloc(&sink_, sizeof(int)), "hipMalloc", e);
    flush_bytes_ = FlushBytes();
  }
  ~HipBackend() override {
    Free();
    (void)hipFree(flush_);
    (void)hipFree(sink_);
  }

  const char* name() const override { return "hip"; }
  std::string device() const override {
    return std::string(props_.name) + " (" + std::string(props_.gcnArchName) + ")";
  }

  bool Prepare(const wire::Setup& setup, unsigned char* shared, std::string* error) override {
    if (!init_error_.empty()) {
      *error = init_error_;
      return false;
    }
    Free();
    shared_ = shared;
    setup_ = setup;
    pointers_.assign(setup.buffer_count, nullptr);
    for (std::uint32_t i = 0; i < setup.buffer_count; ++i) {
      if (!Check(hipMalloc(&pointers_[i], setup.buffers[i].bytes > 0 ? setup.buffers[i].bytes : 1), "hipMalloc", error)) {
        return false;
      }
    }
    return true;
  }
  void* const* buffers() const override { return pointers_.data(); }
  void* stream() const override { return stream_; }

  bool Upload(std::string* error) override {
    for (std::uint32_t i = 0; i < setup_.buffer_count; ++i) {
      const auto& b = setup_.buffers[i];
      if (!Check(hipMemcpy(pointers_[i], shared_ + b.offset, b.bytes, hipMemcpyHostToDevice), "upload", error)) return false;
    }
    return Check(hipDeviceSynchronize(), "upload", error);
  }

  bool TimedCall(void (*call)(void*), void* context, bool flush_l2, double* elapsed_ns, std::string* error) override {
    if (flush_l2) {
      // HIP has no persisting-L2 carve-out to reset.
      ReadFlush<<<props_.multiProcessorCount * 4, 256, 0, stream_>>>(static_cast<const int4*>(flush_), flush_bytes_ / sizeof(int4),
                                                                       sink_);
    }
    if (!Check(hipEventRecord(start_, stream_), "hipEventRecord", error)) return false;
    call(context);
    // Wait for every stream, then close the measurement: work the submission left running elsewhere
    // is inside the interval.
    if (!Check(hipDeviceSynchronize(), "submission", error)) return false;
    if (!Check(hipEventRecord(stop_, stream_), "hipEventRecord", error)) return false;
    if (!Check(hipEventSynchronize(stop_), "hipEventSynchronize", error)) return false;
    float ms = 0;
    if (!Check(hipEventElapsedTime(&ms, start_, stop_), "hipEventElapsedTime", error)) return false;
    *elapsed_ns = static_cast<double>(ms) * 1e6;
    return Check(hipGetLastError(), "submission", error);
  }

  bool Download(std::string* error) override {
    for (std::uint32_t i = 0; i < setup_.buffer_count; ++i) {
      const auto& b = setup_.buffers[i];
      if (!b.is_output) continue;
      if (!Check(hipMemcpy(shared_ + b.offset, pointers_[i], b.bytes, hipMemcpyDeviceToHost), "download", error)) return false;
    }
    return true;
  }

 private:
  void Free() {
    for (void* p : pointers_) (void)hipFree(p);
    pointers_.clear();
  }

  std::size_t FlushBytes() const {
    return 2 * static_cast<std::size_t>(props_.l2CacheSize > 0 ? props_.l2CacheSize : (50 << 20));
  }

  int device_ = 0;
  hipDeviceProp_t props_{};
  hipStream_t stream_ = nullptr;
  hipEvent_t start_ = nullptr, stop_ = nullptr;
  void* flush_ = nullptr;
  int* sink_ = nullptr;
  std::size_t flush_bytes_ = 0;
  std::string init_error_;
  unsigned char* shared_ = nullptr;
  wire::Setup setup_{};
  std::vector<void*> pointers_;
};

}  // namespace

Backend* CreateBackend() { return new HipBackend(); }

}  // namespace kjudge::harness::judged
