// Judged side: what a backend (cpu, cuda, hip) provides to the harness main loop.
// Compiled at judge time with the submission's toolchain; C++17 and the standard library only.
#pragma once

#include <cstdint>
#include <string>

#include "kjudge/harness/wire.h"

namespace kjudge::harness::judged {

class Backend {
 public:
  virtual ~Backend() = default;
  /// "cpu", "cuda" or "hip".
  virtual const char* name() const = 0;
  /// How TimedCall measures: "cupti" (GPU timestamps of the call's own work), "events" (device
  /// events around the call), "steady_clock" (the host's clock).
  virtual const char* timer() const = 0;
  /// The device it runs on, for logs ("NVIDIA H100 80GB HBM3 (sm_90)").
  virtual std::string device() const = 0;
  /// Bytes read to flush the cache before a timed call (0: the backend does not flush).
  virtual std::uint64_t flush_bytes() const { return 0; }
  /// Whether the harness should wait for the supervisor's next message by polling (keeping its
  /// core awake) rather than sleeping: true on GPU backends, where a host thread woken from a
  /// ~100 ms sleep issues its first library call several times slower and the timed region
  /// would count that.
  virtual bool poll_between_calls() const { return false; }
  /// Whether the buffers the submission is called on are memory the supervisor hands over with each
  /// Go (the host backend: wire.h) rather than device memory filled from the case's memory.
  virtual bool buffers_with_each_call() const { return false; }
  /// Allocates the case's buffers; `shared` is the mapped case memory of setup.shared_bytes
  /// (nullptr where buffers_with_each_call()).
  virtual bool Prepare(const wire::Setup& setup, unsigned char* shared, std::string* error) = 0;
  /// Whether the backend can map device memory the supervisor allocated (wire::Hello).
  virtual bool device_buffers() const { return false; }
  /// Maps the device buffers that came with this call's Go (`fds`, one per buffer, in order, of
  /// `sizes` bytes each, the descriptors stay the caller's): buffers() points at them until
  /// ReleaseDeviceBuffers.
  virtual bool BindDeviceBuffers(const int* fds, const std::uint64_t* sizes, std::uint32_t count, std::string* error) {
    (void)fds;
    (void)sizes;
    (void)count;
    *error = "this backend cannot map device buffers";
    return false;
  }
  virtual void ReleaseDeviceBuffers() {}
  /// Points the buffers into the memory that came with this call's Go (buffers_with_each_call()).
  virtual bool BindCallMemory(unsigned char* memory, std::string* error) {
    (void)memory;
    *error = "this backend takes no memory with Go";
    return false;
  }
  /// The pointers handed to kj_call, in buffer order (device pointers on GPU backends).
  virtual void* const* buffers() const = 0;
  /// The stream handle passed to kj_call (nullptr on the cpu backend).
  virtual void* stream() const = 0;
  /// Copies every buffer from the shared memory to the device (inputs, and the poisoned outputs).
  virtual bool Upload(std::string* error) = 0;
  /// Readies the device for a timed call: with `flush_l2` undoes persisting-cache state and flushes
  /// the caches; then waits until nothing runs.
  virtual bool Settle(bool flush_l2, std::string* error) = 0;
  /// The harness's own call that does the least device work a submission's call can do (one empty
  /// kernel on GPU backends, nothing on the host): what calibration times. `context` is this.
  virtual void (*EmptyCall() const)(void*) = 0;
  /// Runs `call` once and measures it. The measurement starts only once all earlier work is done
  /// and ends only when all work the call started is done, on any stream.
  virtual bool TimedCall(void (*call)(void*), void* context, double* elapsed_ns, std::string* error) = 0;
  /// Completes the measurement of the last TimedCall, once the supervisor's interval is over:
  /// may replace `elapsed_ns` with a finer one (CUPTI's span). Default: it stands.
  virtual bool FinishTiming(double* elapsed_ns, std::string* error) {
    (void)elapsed_ns;
    (void)error;
    return true;
  }
  /// How long the last TimedCall's steps took on the host, as text ("" when not measured): sent
  /// with CallDone for diagnosing what the harness adds to a call (the supervisor logs it with
  /// KJUDGE_HARNESS_PHASES set; it decides nothing).
  virtual std::string phases() const { return ""; }
  /// Copies the outputs back into the shared memory.
  virtual bool Download(std::string* error) = 0;
};

/// Defined by exactly one backend source linked into the judged binary.
Backend* CreateBackend();

}  // namespace kjudge::harness::judged
