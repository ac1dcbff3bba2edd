#include "kjudge/harness/gpu_clock.h"

#include <dlfcn.h>

#include <cstdio>
#include <iterator>

namespace kjudge::harness {

namespace {

// The few NVML declarations used here (nvml.h, stable C ABI). Handles are opaque pointers.
using NvmlReturn = int;  // nvmlReturn_t; 0 is NVML_SUCCESS
using NvmlDevice = void*;
constexpr NvmlReturn kNvmlSuccess = 0;
constexpr int kNvmlClockSm = 1;  // NVML_CLOCK_SM

struct NvmlApi {
  NvmlReturn (*init)();
  NvmlReturn (*shutdown)();
  const char* (*error_string)(NvmlReturn);
  NvmlReturn (*device_count)(unsigned*);
  NvmlReturn (*device_by_index)(unsigned, NvmlDevice*);
  NvmlReturn (*minor_number)(NvmlDevice, unsigned*);
  NvmlReturn (*clock)(NvmlDevice, int, unsigned*);
  NvmlReturn (*max_clock)(NvmlDevice, int, unsigned*);
  NvmlReturn (*reasons)(NvmlDevice, unsigned long long*);
};

template <typename F>
bool Bind(void* lib, const char* name, F* out) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  return *out != nullptr;
}

class NvmlClockProbe final : public ClockProbe {
 public:
  NvmlClockProbe(void* lib, const NvmlApi& api, NvmlDevice device, double max_mhz)
      : lib_(lib), api_(api), device_(device), max_mhz_(max_mhz) {}
  ~NvmlClockProbe() override {
    api_.shutdown();
    dlclose(lib_);
  }

  Result<ClockReading> Read() override {
    unsigned mhz = 0;
    unsigned long long reasons = 0;
    if (NvmlReturn r = api_.clock(device_, kNvmlClockSm, &mhz); r != kNvmlSuccess) {
      return MakeError(ErrorCode::kUnavailable, std::string("nvmlDeviceGetClockInfo: ") + api_.error_string(r));
    }
    if (NvmlReturn r = api_.reasons(device_, &reasons); r != kNvmlSuccess) {
      return MakeError(ErrorCode::kUnavailable, std::string("NVML clock-event reasons: ") + api_.error_string(r));
    }
    return ClockReading{static_cast<double>(mhz), static_cast<std::uint64_t>(reasons)};
  }

  double max_sm_mhz() const override { return max_mhz_; }

 private:
  void* lib_;
  NvmlApi api_;
  NvmlDevice device_;
  double max_mhz_;
};

}  // namespace

std::vector<std::string> ClockReasonNames(std::uint64_t reasons) {
  static const char* const kNames[] = {"gpu_idle",           "applications_clocks_setting", "sw_power_cap",
                                       "hw_slowdown",        "sync_boost",                  "sw_thermal_slowdown",
                                       "hw_thermal_slowdown", "hw_power_brake_slowdown",    "display_clock_setting"};
  std::vector<std::string> names;
  for (int bit = 0; bit < 64; ++bit) {
    const std::uint64_t mask = std::uint64_t{1} << bit;
    if ((reasons & mask) == 0) continue;
    if (bit < static_cast<int>(std::size(kNames))) {
      names.emplace_back(kNames[bit]);
    } else {
      char hex[24];
      std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(mask));
      names.emplace_back(hex);
    }
  }
  return names;
}

Result<std::unique_ptr<ClockProbe>> OpenNvmlClockProbe(unsigned minor) {
  void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    return MakeError(ErrorCode::kNotFound, std::string("cannot load NVML: ") + (why ? why : "libnvidia-ml.so.1 not found"));
  }
  NvmlApi api{};
  const bool bound = Bind(lib, "nvmlInit_v2", &api.init) && Bind(lib, "nvmlShutdown", &api.shutdown) &&
                     Bind(lib, "nvmlErrorString", &api.error_string) && Bind(lib, "nvmlDeviceGetCount_v2", &api.device_count) &&
                     Bind(lib, "nvmlDeviceGetHandleByIndex_v2", &api.device_by_index) &&
                     Bind(lib, "nvmlDeviceGetMinorNumber", &api.minor_number) && Bind(lib, "nvmlDeviceGetClockInfo", &api.clock) &&
                     Bind(lib, "nvmlDeviceGetMaxClockInfo", &api.max_clock) &&
                     // Renamed in CUDA 12.2's NVML; the old name stays exported by older drivers.
                     (Bind(lib, "nvmlDeviceGetCurrentClocksEventReasons", &api.reasons) ||
                      Bind(lib, "nvmlDeviceGetCurrentClocksThrottleReasons", &api.reasons));
  if (!bound) {
    dlclose(lib);
    return MakeError(ErrorCode::kNotFound, "libnvidia-ml.so.1 lacks a function kjudge needs (driver too old?)");
  }
  if (NvmlReturn r = api.init(); r != kNvmlSuccess) {
    const std::string why = api.error_string(r);
    dlclose(lib);
    return MakeError(ErrorCode::kUnavailable, "nvmlInit: " + why);
  }
  auto fail = [&](ErrorCode code, std::string message) {
    api.shutdown();
    dlclose(lib);
    return MakeError(code, std::move(message));
  };
  unsigned count = 0;
  if (NvmlReturn r = api.device_count(&count); r != kNvmlSuccess) {
    return fail(ErrorCode::kUnavailable, std::string("nvmlDeviceGetCount: ") + api.error_string(r));
  }
  for (unsigned i = 0; i < count; ++i) {
    NvmlDevice device = nullptr;
    unsigned device_minor = 0;
    if (api.device_by_index(i, &device) != kNvmlSuccess || api.minor_number(device, &device_minor) != kNvmlSuccess) continue;
    if (device_minor != minor) continue;
    unsigned max_mhz = 0;
    if (api.max_clock(device, kNvmlClockSm, &max_mhz) != kNvmlSuccess) max_mhz = 0;
    return std::unique_ptr<ClockProbe>(new NvmlClockProbe(lib, api, device, static_cast<double>(max_mhz)));
  }
  return fail(ErrorCode::kNotFound, "NVML sees no GPU with device node /dev/nvidia" + std::to_string(minor));
}

}  // namespace kjudge::harness
