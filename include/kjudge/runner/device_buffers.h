// DeviceBuffers: memory the supervisor allocates on the judged process's GPU itself, through the
// CUDA driver's virtual memory management (cuMemCreate), and hands over as file descriptors with
// a call's Go (wire.h). The supervisor fills the inputs and poisons the outputs before the call,
// so no copy of a call's inputs exists in the judged process before the clock starts, and it
// copies the outputs out of memory it owns right at CallDone (harness/judged/backend_cuda.cu maps
// the descriptors; docs/security.md).
//
// The driver is loaded at run time (libcuda.so.1): the runner builds and runs without CUDA, and a
// machine without the driver, or a GPU that cannot export memory as descriptors, is an error here
// that the supervisor answers by keeping the buffers in the judged process (the older path).
//
// Thread safety: one supervisor thread uses an instance and its allocations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kjudge/core/result.h"

namespace kjudge::runner {

class DeviceBuffers {
 public:
  struct Driver;  ///< the driver's entry points (device_buffers.cc)

  /// One allocation, mapped in the supervisor's address space; released when destroyed (the
  /// memory itself lives on while the judged process still maps it).
  class Allocation {
   public:
    Allocation() = default;
    Allocation(Allocation&& other) noexcept;
    Allocation& operator=(Allocation&& other) noexcept;
    ~Allocation();
    std::uint64_t bytes() const { return bytes_; }         ///< as asked for
    std::uint64_t mapped_bytes() const { return size_; }  ///< rounded up to the granularity

   private:
    friend class DeviceBuffers;
    void Reset();
    std::shared_ptr<const Driver> driver_;
    unsigned long long handle_ = 0;
    unsigned long long address_ = 0;
    std::uint64_t size_ = 0;
    std::uint64_t bytes_ = 0;
  };

  /// The GPU whose device node is /dev/nvidia<minor>, with this process's own context on it.
  static Result<std::unique_ptr<DeviceBuffers>> OpenCuda(unsigned minor);
  ~DeviceBuffers();

  Result<Allocation> Create(std::uint64_t bytes);
  Status Upload(const Allocation& to, const void* from, std::uint64_t bytes);
  Status Download(void* to, const Allocation& from, std::uint64_t bytes);
  /// Copies on the device and waits until the copy is done.
  Status CopyOnDevice(const Allocation& to, const Allocation& from, std::uint64_t bytes);
  /// A new descriptor for the allocation (the caller closes it once it is sent).
  Result<int> Export(const Allocation& allocation);
  /// What the device is, for logs ("CUDA device 0 (0000:18:00.0)").
  const std::string& description() const { return description_; }

 private:
  DeviceBuffers() = default;
  std::shared_ptr<const Driver> driver_;
  int device_ = 0;
  std::uint64_t granularity_ = 0;
  std::string description_;
};

}  // namespace kjudge::runner
