#include "kjudge/runner/device_buffers.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <utility>

namespace kjudge::runner {

namespace {

// The few driver types and constants used here, as cuda.h (CUDA 12/13) defines them: the runner
// is built without CUDA's headers.
using CUresult = int;
using CUdevice = int;
using CUcontext = void*;
using CUdeviceptr = unsigned long long;
using CUmemHandle = unsigned long long;
struct CUmemLocation {
  int type;
  int id;
};
struct CUmemAllocationProp {
  int type;
  int requested_handle_types;
  CUmemLocation location;
  void* win32_metadata;
  struct {
    unsigned char compression_type;
    unsigned char gpu_direct_rdma_capable;
    unsigned short usage;
    unsigned char reserved[4];
  } flags;
};
struct CUmemAccessDesc {
  CUmemLocation location;
  int flags;
};
constexpr int kAllocationPinned = 1;           // CU_MEM_ALLOCATION_TYPE_PINNED
constexpr int kHandlePosixFd = 1;              // CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR
constexpr int kLocationDevice = 1;             // CU_MEM_LOCATION_TYPE_DEVICE
constexpr int kAccessReadWrite = 3;            // CU_MEM_ACCESS_FLAGS_PROT_READWRITE
constexpr int kGranularityRecommended = 1;     // CU_MEM_ALLOC_GRANULARITY_RECOMMENDED
constexpr int kAttrVirtualMemory = 102;        // CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED
constexpr int kAttrPosixFdHandles = 103;       // CU_DEVICE_ATTRIBUTE_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED

}  // namespace

struct DeviceBuffers::Driver {
  void* library = nullptr;
  CUresult (*init)(unsigned);
  CUresult (*device_count)(int*);
  CUresult (*device_get)(CUdevice*, int);
  CUresult (*device_by_bus_id)(CUdevice*, const char*);
  CUresult (*device_attribute)(int*, int, CUdevice);
  CUresult (*primary_retain)(CUcontext*, CUdevice);
  CUresult (*primary_release)(CUdevice);
  CUresult (*set_current)(CUcontext);
  CUresult (*synchronize)();
  CUresult (*granularity)(std::size_t*, const CUmemAllocationProp*, int);
  CUresult (*create)(CUmemHandle*, std::size_t, const CUmemAllocationProp*, unsigned long long);
  CUresult (*release)(CUmemHandle);
  CUresult (*reserve)(CUdeviceptr*, std::size_t, std::size_t, CUdeviceptr, unsigned long long);
  CUresult (*address_free)(CUdeviceptr, std::size_t);
  CUresult (*map)(CUdeviceptr, std::size_t, std::size_t, CUmemHandle, unsigned long long);
  CUresult (*unmap)(CUdeviceptr, std::size_t);
  CUresult (*set_access)(CUdeviceptr, std::size_t, const CUmemAccessDesc*, std::size_t);
  CUresult (*export_handle)(void*, CUmemHandle, int, unsigned long long);
  CUresult (*copy_htod)(CUdeviceptr, const void*, std::size_t);
  CUresult (*copy_dtoh)(void*, CUdeviceptr, std::size_t);
  CUresult (*copy_dtod)(CUdeviceptr, CUdeviceptr, std::size_t);
  CUresult (*error_string)(CUresult, const char**);

  ~Driver() {
    if (library != nullptr) dlclose(library);
  }

  Status Check(CUresult r, const char* what) const {
    if (r == 0) return Ok();
    const char* text = nullptr;
    if (error_string == nullptr || error_string(r, &text) != 0 || text == nullptr) text = "unknown error";
    return MakeError(ErrorCode::kUnavailable, std::string(what) + ": " + text + " (CUDA error " + std::to_string(r) + ")");
  }
};

namespace {

template <typename F>
bool Resolve(void* library, const char* name, F*& out) {
  out = reinterpret_cast<F*>(dlsym(library, name));
  return out != nullptr;
}

/// The PCI bus id of the GPU with device node /dev/nvidia<minor>, from the driver's /proc files.
std::optional<std::string> BusIdOfMinor(unsigned minor) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/driver/nvidia/gpus", ec)) {
    std::ifstream in(entry.path() / "information");
    std::string line;
    std::optional<unsigned> found;
    while (std::getline(in, line)) {
      if (line.rfind("Device Minor:", 0) == 0) found = static_cast<unsigned>(std::strtoul(line.c_str() + 13, nullptr, 10));
    }
    if (found && *found == minor) return entry.path().filename().string();
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<DeviceBuffers>> DeviceBuffers::OpenCuda(unsigned minor) {
  auto driver = std::make_shared<Driver>();
  driver->library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver->library == nullptr) return MakeError(ErrorCode::kUnavailable, "no CUDA driver (libcuda.so.1) here");
  void* l = driver->library;
  const bool resolved =
      Resolve(l, "cuInit", driver->init) && Resolve(l, "cuDeviceGetCount", driver->device_count) &&
      Resolve(l, "cuDeviceGet", driver->device_get) && Resolve(l, "cuDeviceGetByPCIBusId", driver->device_by_bus_id) &&
      Resolve(l, "cuDeviceGetAttribute", driver->device_attribute) &&
      Resolve(l, "cuDevicePrimaryCtxRetain", driver->primary_retain) &&
      Resolve(l, "cuDevicePrimaryCtxRelease_v2", driver->primary_release) && Resolve(l, "cuCtxSetCurrent", driver->set_current) &&
      Resolve(l, "cuCtxSynchronize", driver->synchronize) && Resolve(l, "cuMemGetAllocationGranularity", driver->granularity) &&
      Resolve(l, "cuMemCreate", driver->create) && Resolve(l, "cuMemRelease", driver->release) &&
      Resolve(l, "cuMemAddressReserve", driver->reserve) && Resolve(l, "cuMemAddressFree", driver->address_free) &&
      Resolve(l, "cuMemMap", driver->map) && Resolve(l, "cuMemUnmap", driver->unmap) &&
      Resolve(l, "cuMemSetAccess", driver->set_access) && Resolve(l, "cuMemExportToShareableHandle", driver->export_handle) &&
      Resolve(l, "cuMemcpyHtoD_v2", driver->copy_htod) && Resolve(l, "cuMemcpyDtoH_v2", driver->copy_dtoh) &&
      Resolve(l, "cuMemcpyDtoD_v2", driver->copy_dtod) && Resolve(l, "cuGetErrorString", driver->error_string);
  if (!resolved) return MakeError(ErrorCode::kUnavailable, "the CUDA driver lacks the virtual memory API");
  KJ_RETURN_IF_ERROR(driver->Check(driver->init(0), "cuInit"));

  std::unique_ptr<DeviceBuffers> self(new DeviceBuffers());
  self->driver_ = driver;
  if (auto bus = BusIdOfMinor(minor)) {
    KJ_RETURN_IF_ERROR(driver->Check(driver->device_by_bus_id(&self->device_, bus->c_str()), "cuDeviceGetByPCIBusId"));
    self->description_ = "CUDA device " + std::to_string(self->device_) + " (" + *bus + ")";
  } else {
    // No /proc/driver/nvidia (a container): only a machine with one GPU leaves no doubt.
    int count = 0;
    KJ_RETURN_IF_ERROR(driver->Check(driver->device_count(&count), "cuDeviceGetCount"));
    if (count != 1) return MakeError(ErrorCode::kUnavailable, "cannot tell which CUDA device is /dev/nvidia" + std::to_string(minor));
    KJ_RETURN_IF_ERROR(driver->Check(driver->device_get(&self->device_, 0), "cuDeviceGet"));
    self->description_ = "CUDA device 0";
  }
  int vmm = 0, fds = 0;
  KJ_RETURN_IF_ERROR(driver->Check(driver->device_attribute(&vmm, kAttrVirtualMemory, self->device_), "cuDeviceGetAttribute"));
  KJ_RETURN_IF_ERROR(driver->Check(driver->device_attribute(&fds, kAttrPosixFdHandles, self->device_), "cuDeviceGetAttribute"));
  if (vmm == 0 || fds == 0) return MakeError(ErrorCode::kUnavailable, "the GPU cannot export memory as file descriptors");
  CUcontext ctx = nullptr;
  KJ_RETURN_IF_ERROR(driver->Check(driver->primary_retain(&ctx, self->device_), "cuDevicePrimaryCtxRetain"));
  KJ_RETURN_IF_ERROR(driver->Check(driver->set_current(ctx), "cuCtxSetCurrent"));
  CUmemAllocationProp prop{};
  prop.type = kAllocationPinned;
  prop.requested_handle_types = kHandlePosixFd;
  prop.location = {kLocationDevice, self->device_};
  std::size_t granularity = 0;
  KJ_RETURN_IF_ERROR(driver->Check(driver->granularity(&granularity, &prop, kGranularityRecommended), "cuMemGetAllocationGranularity"));
  self->granularity_ = granularity > 0 ? granularity : (2u << 20);
  return self;
}

DeviceBuffers::~DeviceBuffers() {
  if (driver_) (void)driver_->primary_release(device_);
}

Result<DeviceBuffers::Allocation> DeviceBuffers::Create(std::uint64_t bytes) {
  Allocation a;
  a.driver_ = driver_;
  a.bytes_ = bytes;
  a.size_ = (std::max<std::uint64_t>(bytes, 1) + granularity_ - 1) / granularity_ * granularity_;
  CUmemAllocationProp prop{};
  prop.type = kAllocationPinned;
  prop.requested_handle_types = kHandlePosixFd;
  prop.location = {kLocationDevice, device_};
  KJ_RETURN_IF_ERROR(driver_->Check(driver_->create(&a.handle_, a.size_, &prop, 0), "cuMemCreate"));
  if (auto st = driver_->Check(driver_->reserve(&a.address_, a.size_, 0, 0, 0), "cuMemAddressReserve"); !st.ok()) {
    a.address_ = 0;
    return st.error();
  }
  if (auto st = driver_->Check(driver_->map(a.address_, a.size_, 0, a.handle_, 0), "cuMemMap"); !st.ok()) {
    (void)driver_->address_free(a.address_, a.size_);
    a.address_ = 0;
    return st.error();
  }
  CUmemAccessDesc access{{kLocationDevice, device_}, kAccessReadWrite};
  KJ_RETURN_IF_ERROR(driver_->Check(driver_->set_access(a.address_, a.size_, &access, 1), "cuMemSetAccess"));
  return a;
}

Status DeviceBuffers::Upload(const Allocation& to, const void* from, std::uint64_t bytes) {
  if (bytes == 0) return Ok();
  return driver_->Check(driver_->copy_htod(to.address_, from, bytes), "cuMemcpyHtoD");
}

Status DeviceBuffers::Download(void* to, const Allocation& from, std::uint64_t bytes) {
  if (bytes == 0) return Ok();
  return driver_->Check(driver_->copy_dtoh(to, from.address_, bytes), "cuMemcpyDtoH");
}

Status DeviceBuffers::CopyOnDevice(const Allocation& to, const Allocation& from, std::uint64_t bytes) {
  if (bytes > 0) KJ_RETURN_IF_ERROR(driver_->Check(driver_->copy_dtod(to.address_, from.address_, bytes), "cuMemcpyDtoD"));
  return driver_->Check(driver_->synchronize(), "cuCtxSynchronize");
}

Result<int> DeviceBuffers::Export(const Allocation& allocation) {
  int fd = -1;
  KJ_RETURN_IF_ERROR(driver_->Check(driver_->export_handle(&fd, allocation.handle_, kHandlePosixFd, 0), "cuMemExportToShareableHandle"));
  return fd;
}

DeviceBuffers::Allocation::Allocation(Allocation&& other) noexcept { *this = std::move(other); }

DeviceBuffers::Allocation& DeviceBuffers::Allocation::operator=(Allocation&& other) noexcept {
  if (this != &other) {
    Reset();
    driver_ = std::move(other.driver_);
    handle_ = std::exchange(other.handle_, 0);
    address_ = std::exchange(other.address_, 0);
    size_ = std::exchange(other.size_, 0);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

DeviceBuffers::Allocation::~Allocation() { Reset(); }

void DeviceBuffers::Allocation::Reset() {
  if (driver_) {
    if (address_ != 0) {
      (void)driver_->unmap(address_, size_);
      (void)driver_->address_free(address_, size_);
    }
    if (handle_ != 0) (void)driver_->release(handle_);
  }
  driver_.reset();
  handle_ = address_ = 0;
  size_ = bytes_ = 0;
}

}  // namespace kjudge::runner
