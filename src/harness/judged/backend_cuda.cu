// CUDA backend. How one call of the submission is timed:
//  * every buffer is on the device before the timed region (Upload copies and synchronizes);
//  * before a timed call the persisting-L2 carve-out is set to 0, every persisting line is made
//    normal again (cudaCtxResetPersistingL2Cache) and the harness stream's access-policy window is
//    cleared, so no submission keeps data warm from one call to the next; then the L2 is flushed
//    by *reading* a buffer twice its size, as the device reports it (writing would leave dirty
//    lines whose write-back lands inside the timed kernel: +12% on a 55 us copy on the H100);
//  * the whole device is synchronized before the measurement opens, so neither the flush nor
//    anything else overlaps the timed region, even work the submission launched earlier on a
//    stream of its own (a kernel that never ends makes the call time out);
//  * the submission is called, then the whole device synchronized: work it left on any stream,
//    non-blocking ones included, is inside the measurement;
//  * the time reported is CUPTI's span (cupti_span.h): from the GPU's start timestamp of the first
//    kernel, copy or memset the call issued to the end timestamp of the last, on any stream. That
//    leaves out the host's launch latency, which event timing around a call includes. Where CUPTI
//    is unavailable, or saw no device work, CUDA events recorded on the harness stream before the
//    call and after the device synchronization are used instead: always an over-estimate (the
//    floor measured at start-up, wire::Hello, is about what they add), never an under-estimate.
//
// Where the GPU can import memory from file descriptors, the supervisor allocates every call's
// buffers itself (runner/device_buffers.h) and hands them over with Go: they are mapped here
// after Go, unmapped after Downloaded, and nothing is uploaded or downloaded by this process.
#include <cuda.h>
#include <cuda_runtime.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "backend.h"
#include "cupti_span.h"

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

/// Calibration's stand-in for a submission's call: one launch, no work.
__global__ void KjudgeEmptyCall() {}

bool Check(cudaError_t err, const char* what, std::string* error) {
  if (err == cudaSuccess) return true;
  *error = std::string(what) + ": " + cudaGetErrorString(err);
  return false;
}

/// The driver's virtual memory calls, for mapping the supervisor's buffers (resolved through the
/// runtime: the harness links no driver library of its own).
struct VmmApi {
  CUresult (*import_handle)(CUmemGenericAllocationHandle*, void*, CUmemAllocationHandleType) = nullptr;
  CUresult (*reserve)(CUdeviceptr*, size_t, size_t, CUdeviceptr, unsigned long long) = nullptr;
  CUresult (*map)(CUdeviceptr, size_t, size_t, CUmemGenericAllocationHandle, unsigned long long) = nullptr;
  CUresult (*set_access)(CUdeviceptr, size_t, const CUmemAccessDesc*, size_t) = nullptr;
  CUresult (*release)(CUmemGenericAllocationHandle) = nullptr;
  CUresult (*unmap)(CUdeviceptr, size_t) = nullptr;
  CUresult (*address_free)(CUdeviceptr, size_t) = nullptr;
  CUresult (*attribute)(int*, CUdevice_attribute, CUdevice) = nullptr;

  template <typename F>
  static bool Resolve(const char* name, F*& out) {
    void* fn = nullptr;
    cudaDriverEntryPointQueryResult found{};
    if (cudaGetDriverEntryPointByVersion(name, &fn, 12000, cudaEnableDefault, &found) != cudaSuccess ||
        found != cudaDriverEntryPointSuccess || fn == nullptr) {
      (void)cudaGetLastError();
      return false;
    }
    out = reinterpret_cast<F*>(fn);
    return true;
  }
  /// Whether the driver has the calls and `device` imports descriptors.
  bool Load(int device) {
    if (!Resolve("cuMemImportFromShareableHandle", import_handle) || !Resolve("cuMemAddressReserve", reserve) ||
        !Resolve("cuMemMap", map) || !Resolve("cuMemSetAccess", set_access) || !Resolve("cuMemRelease", release) ||
        !Resolve("cuMemUnmap", unmap) || !Resolve("cuMemAddressFree", address_free) || !Resolve("cuDeviceGetAttribute", attribute)) {
      return false;
    }
    int vmm = 0, fds = 0;
    return attribute(&vmm, CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED, device) == CUDA_SUCCESS && vmm != 0 &&
           attribute(&fds, CU_DEVICE_ATTRIBUTE_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED, device) == CUDA_SUCCESS && fds != 0;
  }
};

/// Used when the device does not report its L2 size: the largest L2 of the GPUs kjudge knows (B200).
constexpr std::size_t kFallbackL2Bytes = 126u << 20;

class CudaBackend final : public Backend {
 public:
  CudaBackend() {
    // A failure here is reported by the first Prepare (or TimedCall), so the supervisor sees it as
    // a failed run.
    if (!Init(&init_error_) && init_error_.empty()) init_error_ = "CUDA initialisation failed";
  }
  ~CudaBackend() override {
    ReleaseDeviceBuffers();
    Free();
    (void)cudaFree(flush_);
    (void)cudaFree(sink_);
  }

  const char* name() const override { return "cuda"; }
  const char* timer() const override { return cupti_.ready() ? "cupti" : "events"; }
  std::string device() const override {
    return std::string(props_.name) + " (sm_" + std::to_string(props_.major) + std::to_string(props_.minor) + ", " +
           std::to_string(props_.multiProcessorCount) + " SMs, " + std::to_string(l2_bytes_ >> 20) + " MiB L2)";
  }
  std::uint64_t flush_bytes() const override { return flush_bytes_; }
  bool poll_between_calls() const override { return true; }
  bool device_buffers() const override { return vmm_ready_; }

  bool BindDeviceBuffers(const int* fds, const std::uint64_t* sizes, std::uint32_t count, std::string* error) override {
    ReleaseDeviceBuffers();
    CUmemAccessDesc access{};
    access.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    access.location.id = device_;
    access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
    for (std::uint32_t i = 0; i < count; ++i) {
      CUmemGenericAllocationHandle handle = 0;
      CUdeviceptr at = 0;
      const auto fd_handle = reinterpret_cast<void*>(static_cast<std::uintptr_t>(fds[i]));
      if (vmm_.import_handle(&handle, fd_handle, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR) != CUDA_SUCCESS) {
        *error = "cannot import a device buffer";
        return false;
      }
      const bool mapped = vmm_.reserve(&at, sizes[i], 0, 0, 0) == CUDA_SUCCESS;
      const bool ok = mapped && vmm_.map(at, sizes[i], 0, handle, 0) == CUDA_SUCCESS;
      (void)vmm_.release(handle);  // the mapping holds the memory from here on
      if (!ok) {
        if (mapped) (void)vmm_.address_free(at, sizes[i]);
        *error = "cannot map a device buffer";
        return false;
      }
      imported_.push_back({at, sizes[i]});
      if (vmm_.set_access(at, sizes[i], &access, 1) != CUDA_SUCCESS) {
        *error = "cannot make a device buffer accessible";
        return false;
      }
    }
    if (pointers_.size() == count) {
      for (std::uint32_t i = 0; i < count; ++i) pointers_[i] = reinterpret_cast<void*>(imported_[i].at);
    }
    return true;
  }

  void ReleaseDeviceBuffers() override {
    for (const auto& b : imported_) {
      (void)vmm_.unmap(b.at, b.bytes);
      (void)vmm_.address_free(b.at, b.bytes);
    }
    imported_.clear();
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
    if (setup.device_buffers != 0) return true;  // they come with every Go
    for (std::uint32_t i = 0; i < setup.buffer_count; ++i) {
      if (!Check(cudaMalloc(&pointers_[i], setup.buffers[i].bytes > 0 ? setup.buffers[i].bytes : 1), "cudaMalloc", error)) {
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
      if (!Check(cudaMemcpy(pointers_[i], shared_ + b.offset, b.bytes, cudaMemcpyHostToDevice), "upload", error)) return false;
    }
    return Check(cudaDeviceSynchronize(), "upload", error);
  }

  bool Settle(bool flush_l2, std::string* error) override {
    if (!init_error_.empty()) {
      *error = init_error_;
      return false;
    }
    if (flush_l2) {
      if (!ResetPersistingL2(error)) return false;
      KjudgeReadFlush<<<props_.multiProcessorCount * 4, 256, 0, stream_>>>(static_cast<const int4*>(flush_), flush_bytes_ / sizeof(int4),
                                                                       sink_);
      if (!Check(cudaGetLastError(), "L2 flush", error)) return false;
    }
    if (!Check(cudaDeviceSynchronize(), "before the timed call", error)) return false;
    if (cupti_.ready()) cupti_.Drain();
    return true;
  }

  void (*EmptyCall() const)(void*) override { return &LaunchEmpty; }
  std::string phases() const override { return last_phases_; }

  bool TimedCall(void (*call)(void*), void* context, double* elapsed_ns, std::string* error) override {
    if (!init_error_.empty()) {
      *error = init_error_;
      return false;
    }
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    // Nothing runs when the clock starts: the flush is over, and so is anything else.
    if (!Check(cudaDeviceSynchronize(), "before the timed call", error)) return false;
    if (cupti_.ready()) cupti_.Open();
    if (!Check(cudaEventRecord(start_, stream_), "cudaEventRecord", error)) return false;
    const auto t1 = Clock::now();
    call(context);
    const auto t2 = Clock::now();
    // Wait for every stream, then close the measurement: work the submission left running
    // elsewhere is inside the interval.
    if (!Check(cudaDeviceSynchronize(), "submission", error)) return false;
    if (!Check(cudaEventRecord(stop_, stream_), "cudaEventRecord", error)) return false;
    if (!Check(cudaEventSynchronize(stop_), "cudaEventSynchronize", error)) return false;
    const auto t3 = Clock::now();
    float ms = 0;
    if (!Check(cudaEventElapsedTime(&ms, start_, stop_), "cudaEventElapsedTime", error)) return false;
    events_ns_ = static_cast<double>(ms) * 1e6;
    *elapsed_ns = events_ns_;
    auto us = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::micro>(b - a).count(); };
    last_phases_ = "pre " + std::to_string(us(t0, t1)) + " call " + std::to_string(us(t1, t2)) + " sync " + std::to_string(us(t2, t3));
    return Check(cudaGetLastError(), "submission", error);
  }

  bool FinishTiming(double* elapsed_ns, std::string* error) override {
    (void)error;
    const double span_ns = cupti_.ready() ? cupti_.Close() : 0;
    // The span lies inside the events' interval; anything else means the records are not this
    // call's, and the events' (larger) time stands.
    *elapsed_ns = span_ns > 0 && span_ns <= events_ns_ ? span_ns : events_ns_;
    return true;
  }

  bool Download(std::string* error) override {
    for (std::uint32_t i = 0; i < setup_.buffer_count; ++i) {
      const auto& b = setup_.buffers[i];
      if (!b.is_output) continue;
      if (!Check(cudaMemcpy(shared_ + b.offset, pointers_[i], b.bytes, cudaMemcpyDeviceToHost), "download", error)) return false;
    }
    return true;
  }

 private:
  static void LaunchEmpty(void* self) { KjudgeEmptyCall<<<1, 1, 0, static_cast<CudaBackend*>(self)->stream_>>>(); }

  bool Init(std::string* e) {
    // Synchronization spins instead of sleeping: the end of a call is seen at once, so the
    // supervisor's own clock around the call (supervisor.h) carries no wake-up latency.
    (void)cudaSetDeviceFlags(cudaDeviceScheduleSpin);
    (void)cudaGetLastError();
    if (!Check(cudaGetDevice(&device_), "cudaGetDevice", e) || !Check(cudaGetDeviceProperties(&props_, device_), "cudaGetDeviceProperties", e)) {
      return false;
    }
    int l2 = 0;
    if (!Check(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device_), "cudaDeviceGetAttribute(L2)", e)) return false;
    l2_bytes_ = l2 > 0 ? static_cast<std::size_t>(l2) : kFallbackL2Bytes;
    flush_bytes_ = 2 * l2_bytes_;
    int persisting_max = 0;
    (void)cudaDeviceGetAttribute(&persisting_max, cudaDevAttrMaxPersistingL2CacheSize, device_);
    if (persisting_max > 0) {
      // Some setups (MIG slices, some virtual GPUs) refuse the limit: then nobody can set it.
      persisting_l2_ = cudaDeviceSetLimit(cudaLimitPersistingL2CacheSize, 0) == cudaSuccess;
      (void)cudaGetLastError();
    }
    vmm_ready_ = std::getenv("KJUDGE_NO_DEVICE_BUFFERS") == nullptr && vmm_.Load(device_);
    return Check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate", e) &&
           Check(cudaEventCreate(&start_), "cudaEventCreate", e) && Check(cudaEventCreate(&stop_), "cudaEventCreate", e) &&
           Check(cudaMalloc(&flush_, flush_bytes_), "cudaMalloc(flush)", e) &&
           Check(cudaMemset(flush_, 1, flush_bytes_), "cudaMemset(flush)", e) &&
           Check(cudaMalloc(&sink_, sizeof(int)), "cudaMalloc", e) && Check(cudaDeviceSynchronize(), "init", e) &&
           StartCupti();
  }

  /// CUPTI is optional: without it the backend times with events (timer() says which).
  bool StartCupti() {
    if (std::getenv("KJUDGE_NO_CUPTI") == nullptr) (void)cupti_.Start();
    (void)cudaGetLastError();
    return true;
  }

  /// Undoes whatever a submission did to keep lines in the L2 across calls.
  bool ResetPersistingL2(std::string* error) {
    if (!persisting_l2_) return true;
    if (!Check(cudaDeviceSetLimit(cudaLimitPersistingL2CacheSize, 0), "resetting the persisting-L2 limit", error) ||
        !Check(cudaCtxResetPersistingL2Cache(), "cudaCtxResetPersistingL2Cache", error)) {
      return false;
    }
    // With no persisting lines allowed a window is harmless; clearing it is only tidiness, so a
    // refusal is not an error.
    cudaStreamAttrValue no_window{};  // num_bytes 0: no access-policy window
    if (cudaStreamSetAttribute(stream_, cudaStreamAttributeAccessPolicyWindow, &no_window) != cudaSuccess) {
      (void)cudaGetLastError();
    }
    return true;
  }

  void Free() {
    if (setup_.device_buffers == 0) {
      for (void* p : pointers_) (void)cudaFree(p);
    }
    pointers_.clear();
  }

  int device_ = 0;
  cudaDeviceProp props_{};
  std::size_t l2_bytes_ = 0;
  bool persisting_l2_ = false;
  cudaStream_t stream_ = nullptr;
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
  void* flush_ = nullptr;
  int* sink_ = nullptr;
  std::size_t flush_bytes_ = 0;
  std::string init_error_;
  CuptiSpan cupti_;
  std::string last_phases_;  ///< host time of TimedCall's steps (phases())
  double events_ns_ = 0;     ///< the last TimedCall's event time
  unsigned char* shared_ = nullptr;
  wire::Setup setup_{};
  std::vector<void*> pointers_;
  VmmApi vmm_;
  bool vmm_ready_ = false;
  struct Imported {
    CUdeviceptr at;
    std::uint64_t bytes;
  };
  std::vector<Imported> imported_;  ///< this call's device buffers, mapped from the supervisor's
};

}  // namespace

Backend* CreateBackend() { return new CudaBackend(); }

}  // namespace kjudge::harness::judged
