// HIP backend; mirrors the CUDA one (see backend_cuda.cu for the method):
//  * every buffer is on the device before the timed region;
//  * before a timed call the last-level cache is flushed by *reading* a buffer twice its size. On
//    CDNA 3/4 (gfx94x, gfx95x) that level is the 256 MiB Infinity Cache behind the L2, which the
//    runtime does not report, so the flush covers the larger of the two. HIP has no persisting-L2
//    carve-out to reset;
//  * the whole device is synchronized before the start event and after the submission's call,
//    before the stop event: nothing overlaps the timed region, and work the submission left on
//    any stream is counted.
#include <hip/hip_runtime.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "backend.h"

namespace kjudge::harness::judged {
namespace {

__global__ void KjudgeReadFlush(const int4* data, std::size_t n, int* sink) {
  int4 acc{0, 0, 0, 0};
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += static_cast<std::size_t>(gridDim.x) * blockDim.x) {
    int4 v = data[i];
    acc.x ^= v.x; acc.y ^= v.y; acc.z ^= v.z; acc.w ^= v.w;
  }
  if ((acc.x ^ acc.y ^ acc.z ^ acc.w) == 0x7fffffff) *sink = 1;  // keeps the loads alive
}

/// The Infinity Cache (MALL) of MI300X and MI355X: the last level a flush must cover.
constexpr std::size_t kInfinityCacheBytes = 256u << 20;
/// Used when the device reports no L2 size.
constexpr std::size_t kFallbackCacheBytes = 256u << 20;

/// Calibration's stand-in for a submission's call: one launch, no work.
__global__ void KjudgeEmptyCall() {}

bool Check(hipError_t err, const char* what, std::string* error) {
  if (err == hipSuccess) return true;
  *error = std::string(what) + ": " + hipGetErrorString(err);
  return false;
}

class HipBackend final : public Backend {
 public:
  HipBackend() {
    // A failure here is reported by the first Prepare (or TimedCall), so the supervisor sees it as
    // a failed run.
    if (!Init(&init_error_) && init_error_.empty()) init_error_ = "HIP initialisation failed";
  }
  ~HipBackend() override {
    Free();
    (void)hipFree(flush_);
    (void)hipFree(sink_);
  }

  const char* name() const override { return "hip"; }
  const char* timer() const override { return "events"; }
  std::string device() const override {
    return std::string(props_.name) + " (" + std::string(props_.gcnArchName) + ", " + std::to_string(props_.multiProcessorCount) +
           " CUs, " + std::to_string(cache_bytes_ >> 20) + " MiB LLC)";
  }
  std::uint64_t flush_bytes() const override { return flush_bytes_; }
  bool poll_between_calls() const override { return true; }

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

  bool Settle(bool flush_l2, std::string* error) override {
    if (!init_error_.empty()) {
      *error = init_error_;
      return false;
    }
    if (flush_l2) {
      KjudgeReadFlush<<<props_.multiProcessorCount * 4, 256, 0, stream_>>>(static_cast<const int4*>(flush_), flush_bytes_ / sizeof(int4),
                                                                       sink_);
      if (!Check(hipGetLastError(), "cache flush", error)) return false;
    }
    return Check(hipDeviceSynchronize(), "before the timed call", error);
  }

  void (*EmptyCall() const)(void*) override { return &LaunchEmpty; }

  bool TimedCall(void (*call)(void*), void* context, double* elapsed_ns, std::string* error) override {
    if (!init_error_.empty()) {
      *error = init_error_;
      return false;
    }
    // Nothing runs when the clock starts: the flush is over, and so is anything else.
    if (!Check(hipDeviceSynchronize(), "before the timed call", error)) return false;
    if (!Check(hipEventRecord(start_, stream_), "hipEventRecord", error)) return false;
    call(context);
    // Wait for every stream, then close the measurement: work the submission left running
    // elsewhere is inside the interval.
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
  static void LaunchEmpty(void* self) { KjudgeEmptyCall<<<1, 1, 0, static_cast<HipBackend*>(self)->stream_>>>(); }

  bool Init(std::string* e) {
    // Synchronization spins instead of sleeping: the end of a call is seen at once, so the
    // supervisor's own clock around the call (supervisor.h) carries no wake-up latency.
    (void)hipSetDeviceFlags(hipDeviceScheduleSpin);
    (void)hipGetLastError();
    if (!Check(hipGetDevice(&device_), "hipGetDevice", e) || !Check(hipGetDeviceProperties(&props_, device_), "hipGetDeviceProperties", e)) {
      return false;
    }
    int l2 = 0;
    if (!Check(hipDeviceGetAttribute(&l2, hipDeviceAttributeL2CacheSize, device_), "hipDeviceGetAttribute(L2)", e)) return false;
    cache_bytes_ = l2 > 0 ? static_cast<std::size_t>(l2) : kFallbackCacheBytes;
    const std::string arch(props_.gcnArchName);
    if (arch.rfind("gfx94", 0) == 0 || arch.rfind("gfx95", 0) == 0) cache_bytes_ = std::max(cache_bytes_, kInfinityCacheBytes);
    flush_bytes_ = 2 * cache_bytes_;
    return Check(hipStreamCreateWithFlags(&stream_, hipStreamNonBlocking), "hipStreamCreate", e) &&
           Check(hipEventCreate(&start_), "hipEventCreate", e) && Check(hipEventCreate(&stop_), "hipEventCreate", e) &&
           Check(hipMalloc(&flush_, flush_bytes_), "hipMalloc(flush)", e) &&
           Check(hipMemset(flush_, 1, flush_bytes_), "hipMemset(flush)", e) &&
           Check(hipMalloc(&sink_, sizeof(int)), "hipMalloc", e) && Check(hipDeviceSynchronize(), "init", e);
  }

  void Free() {
    for (void* p : pointers_) (void)hipFree(p);
    pointers_.clear();
  }

  int device_ = 0;
  hipDeviceProp_t props_{};
  std::size_t cache_bytes_ = 0;
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
