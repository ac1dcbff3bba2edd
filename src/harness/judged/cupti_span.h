// CuptiSpan: the GPU-side span of one timed call, from CUPTI's activity records (the timestamps
// the GPU itself writes when each kernel, copy and memset starts and ends, on every stream of the
// process). The span runs from the start of the first piece of device work the call issued to the
// end of the last one, so:
//  * the host's launch latency before the first kernel is not counted (event timing around one
//    launch reads +12% at 55 us and +40% at 5 us on an H100 for that reason);
//  * gaps between a submission's kernels are counted: they are its cost;
//  * work left running on a stream of the submission's own is counted to its end.
//
// CUPTI is loaded at run time (dlopen), and only the ABI that has been stable since CUDA 11 is
// used: the kind in the first 4 bytes of a record and the start/end timestamps at offsets 16 and
// 24 of every kernel, memcpy, memcpy2 and memset record. Where CUPTI is missing or refuses, the
// backend falls back to event timing and says so (Hello.timer).
//
// The submission runs in this process. The functions CUPTI is reached through therefore live on
// a page of their own that is made read-only and sealed once filled (cupti::Table): a rewritable
// pointer to cuptiActivityGetNextRecord let a submission shorten every record it was handed
// (tests/exploits/memory_scan_cupti.cu). The records and the span being summed stay in writable
// memory (docs/security.md, known gaps).
#pragma once

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "sealed_page.h"

namespace kjudge::harness::judged {

namespace cupti {
using RequestFn = void (*)(std::uint8_t**, std::size_t*, std::size_t*);
using CompleteFn = void (*)(void*, std::uint32_t, std::uint8_t*, std::size_t, std::size_t);
using RegisterFn = int (*)(RequestFn, CompleteFn);
using EnableFn = int (*)(int);
using FlushFn = int (*)(std::uint32_t);
using NextFn = int (*)(std::uint8_t*, std::size_t, void**);

/// Filled once by CuptiSpan::Start, then sealed (sealed_page.h).
struct alignas(kSealedPageBytes) Table {
  RegisterFn register_fn;
  EnableFn enable_fn;
  FlushFn flush_fn;
  NextFn next_fn;
  bool ready;
};
static_assert(sizeof(Table) == kSealedPageBytes);
inline Table g_table{};

}  // namespace cupti

class CuptiSpan {
 public:
  CuptiSpan() = default;
  CuptiSpan(const CuptiSpan&) = delete;
  CuptiSpan& operator=(const CuptiSpan&) = delete;
  // CUPTI may still deliver buffers at exit; they are freed, not read.
  ~CuptiSpan() {
    if (Instance() == this) Instance() = nullptr;
    std::lock_guard lock(pool_mu_);
    for (std::uint8_t* b : pool_) std::free(b);
  }

  /// Loads CUPTI and enables activity recording; false when it is not available here.
  bool Start() {
    static const char* const kCandidates[] = {
        "libcupti.so",
        "libcupti.so.13",
        "libcupti.so.12",
        "/usr/local/cuda/extras/CUPTI/lib64/libcupti.so",
        "/usr/local/cuda/lib64/libcupti.so",
        "/usr/local/cuda/lib/libcupti.so",
        "/usr/local/cuda/targets/x86_64-linux/lib/libcupti.so",
    };
    if (cupti::g_table.ready) return true;  // sealed already: one CuptiSpan per process
    cupti::Table t{};
    void* lib = nullptr;
    for (const char* name : kCandidates) {
      lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (lib != nullptr) break;
    }
    if (lib == nullptr) return false;
    t.register_fn = reinterpret_cast<cupti::RegisterFn>(dlsym(lib, "cuptiActivityRegisterCallbacks"));
    t.enable_fn = reinterpret_cast<cupti::EnableFn>(dlsym(lib, "cuptiActivityEnable"));
    t.flush_fn = reinterpret_cast<cupti::FlushFn>(dlsym(lib, "cuptiActivityFlushAll"));
    t.next_fn = reinterpret_cast<cupti::NextFn>(dlsym(lib, "cuptiActivityGetNextRecord"));
    if (t.register_fn == nullptr || t.enable_fn == nullptr || t.flush_fn == nullptr || t.next_fn == nullptr) return false;
    Instance() = this;
    if (t.register_fn(&OnBufferRequested, &OnBufferCompleted) != 0) return false;
    for (int kind : {kKindConcurrentKernel, kKindMemcpy, kKindMemset, kKindMemcpy2}) {
      if (t.enable_fn(kind) != 0) return false;
    }
    t.ready = true;
    cupti::g_table = t;
    if (!SealPage(&cupti::g_table, sizeof cupti::g_table)) {
      cupti::g_table.ready = false;  // still writable, so this store lands
      return false;
    }
    return true;
  }

  bool ready() const { return cupti::g_table.ready; }

  /// Delivers every record of work already finished (the caller synchronized the device) without
  /// counting it: done before the timed interval, so the copies and the flush of the previous and
  /// this call (many records) are not processed inside it.
  void Drain() { cupti::g_table.flush_fn(0); }

  /// Starts a new span: records delivered from now on count. (Drain first.)
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    first_start_ = UINT64_MAX;
    last_end_ = 0;
    records_ = 0;
  }

  /// Delivers the call's records (the caller synchronized the device) and closes the span.
  /// Returns the span in nanoseconds, or 0 when the call did no device work CUPTI saw.
  double Close() {
    cupti::g_table.flush_fn(0);
    std::lock_guard lock(mu_);
    open_ = false;
    if (records_ == 0 || last_end_ <= first_start_) return 0;
    return static_cast<double>(last_end_ - first_start_);
  }

 private:
  // cupti_activity.h values, stable across CUPTI releases.
  static constexpr int kKindMemcpy = 1, kKindMemset = 2, kKindConcurrentKernel = 10, kKindMemcpy2 = 22;
  // A call needs a few records; a flush hands the buffer back and the next launch asks for a new
  // one, so buffers are small and recycled: a fresh allocation inside the launch path is the
  // submission's time (a new 1 MiB buffer per call added ~250 us to each launch on an H200).
  static constexpr std::size_t kBufferBytes = 64 << 10;
  static CuptiSpan*& Instance() {
    static CuptiSpan* instance = nullptr;
    return instance;
  }

  static void OnBufferRequested(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records) {
    *buffer = nullptr;
    CuptiSpan* self = Instance();
    if (self != nullptr) {
      std::lock_guard lock(self->pool_mu_);
      if (!self->pool_.empty()) {
        *buffer = self->pool_.back();
        self->pool_.pop_back();
      }
    }
    // CUPTI wants 8-byte aligned buffers.
    if (*buffer == nullptr) *buffer = static_cast<std::uint8_t*>(std::aligned_alloc(8, kBufferBytes));
    *size = *buffer != nullptr ? kBufferBytes : 0;
    *max_records = 0;
  }

  static void OnBufferCompleted(void*, std::uint32_t, std::uint8_t* buffer, std::size_t, std::size_t valid) {
    if (buffer == nullptr) return;
    CuptiSpan* self = Instance();
    if (self == nullptr) {
      std::free(buffer);
      return;
    }
    self->Consume(buffer, valid);
    std::lock_guard lock(self->pool_mu_);
    self->pool_.push_back(buffer);
  }

  void Consume(std::uint8_t* buffer, std::size_t valid) {
    std::lock_guard lock(mu_);
    void* record = nullptr;
    while (cupti::g_table.next_fn(buffer, valid, &record) == 0) {
      if (!open_) continue;  // the flush kernel, or work from before the call
      const auto* bytes = static_cast<const std::uint8_t*>(record);
      std::uint32_t kind = 0;
      std::memcpy(&kind, bytes, sizeof kind);
      if (kind != kKindConcurrentKernel && kind != kKindMemcpy && kind != kKindMemset && kind != kKindMemcpy2) continue;
      std::uint64_t start = 0, end = 0;
      std::memcpy(&start, bytes + 16, sizeof start);
      std::memcpy(&end, bytes + 24, sizeof end);
      if (start == 0 || end < start) continue;  // CUPTI could not time this one
      if (start < first_start_) first_start_ = start;
      if (end > last_end_) last_end_ = end;
      ++records_;
    }
  }

  std::mutex mu_;
  bool open_ = false;
  std::uint64_t first_start_ = UINT64_MAX, last_end_ = 0;
  std::uint64_t records_ = 0;
  std::mutex pool_mu_;  ///< separate from mu_: CUPTI may ask for a buffer while one is consumed
  std::vector<std::uint8_t*> pool_;
};

}  // namespace kjudge::harness::judged
