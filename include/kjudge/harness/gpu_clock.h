// GPU clocks seen from outside the judged process: the supervisor reads the SM clock and the
// reasons the driver gives for holding it down (power cap, thermal or hardware slowdown) after
// each timed call, so a result says at which clock it was measured and whether the card throttled.
//
// NVML is opened with dlopen at run time (libnvidia-ml.so.1, installed by the NVIDIA driver):
// kjudge neither links it nor needs it to build, and a host without the driver has no probe.
//
// Thread safety: a probe is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::harness {

/// One look at the clock.
struct ClockReading {
  double sm_mhz = 0;
  std::uint64_t reasons = 0;  ///< NVML's clock-event reasons (nvmlClocksEventReason* bits) at that moment
};

/// The clock-event reason bits that mean the clock is held below what the load asks for: software
/// power cap, hardware slowdown, software and hardware thermal slowdown, power brake. Idle,
/// application-clock settings, sync boost and display settings are not throttling.
constexpr std::uint64_t kThrottleReasonMask = 0x4 | 0x8 | 0x20 | 0x40 | 0x80;

/// Names of the bits set in `reasons` ("sw_power_cap", "hw_thermal_slowdown", ...), lowest bit
/// first; an unknown bit is written in hex ("0x200").
std::vector<std::string> ClockReasonNames(std::uint64_t reasons);

/// Reads one GPU's clock.
class ClockProbe {
 public:
  virtual ~ClockProbe() = default;
  /// The clock now; an error when the driver does not answer.
  virtual Result<ClockReading> Read() = 0;
  /// The card's highest SM clock in MHz (0 when unknown).
  virtual double max_sm_mhz() const = 0;
};

/// Opens NVML and the GPU whose device node is /dev/nvidia<minor> (the node the sandbox binds, so
/// the probe reads the GPU the judged process runs on whatever CUDA_VISIBLE_DEVICES says).
/// Errors: kNotFound (no libnvidia-ml.so.1, or no GPU with that minor number), kUnavailable (NVML
/// failed to start or to answer).
Result<std::unique_ptr<ClockProbe>> OpenNvmlClockProbe(unsigned minor);

}  // namespace kjudge::harness
