// Judged side: what a backend (cpu, cuda, hip) provides to the harness main loop.
// Compiled at judge time with the submission's toolchain; C++17 and the standard library only.
#pragma once

#include <string>

#include "kjudge/harness/wire.h"

namespace kjudge::harness::judged {

class Backend {
 public:
  virtual ~Backend() = default;
  /// "cpu", "cuda" or "hip".
  virtual const char* name() const = 0;
  /// The device it runs on, for logs ("NVIDIA H100 80GB HBM3 (sm_90)").
  virtual std::string device() const = 0;
  /// Allocates the case's buffers; `shared` is the mapped shared memory of setup.shared_bytes.
  virtual bool Prepare(const wire::Setup& setup, unsigned char* shared, std::string* error) = 0;
  /// The pointers handed to kj_call, in buffer order (device pointers on GPU backends).
  virtual void* const* buffers() const = 0;
  /// The stream handle passed to kj_call (nullptr on the cpu backend).
  virtual void* stream() const = 0;
  /// Copies every buffer from the shared memory to the device (inputs, and the poisoned outputs).
  virtual bool Upload(std::string* error) = 0;
  /// Runs `call` once and measures it; the measurement ends only when all work it started is done.
  virtual bool TimedCall(void (*call)(void*), void* context, bool flush_l2, double* elapsed_ns, std::string* error) = 0;
  /// Copies the outputs back into the shared memory.
  virtual bool Download(std::string* error) = 0;
};

/// Defined by exactly one backend source linked into the judged binary.
Backend* CreateBackend();

}  // namespace kjudge::harness::judged
