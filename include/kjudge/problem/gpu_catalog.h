// GPU catalogue: the machines kjudge judges on, with the vendor figures the speed of light is
// computed from (peak dense rate per data type, memory bandwidth) and the facts toolchains and
// harnesses need (compiler target, L2 size, SM/CU count, interconnect for multi-GPU problems).
//
// Figures are the vendors' published peaks; docs/gpus.md lists each with its source. Rates are
// DENSE (no 2:4 structured sparsity) and, per data type, the fastest unit that computes it (tensor
// or matrix cores where they exist): the speed of light is a lower bound on time, so it must use
// the highest rate the chip can reach. A data type the chip has no hardware rate for is absent.
//
// The `cpu` entry (host backend, used in CI) carries deliberately generous nominal figures, not
// measurements: its speed of light must stay below what any host can reach, so that the
// supervisor's "faster than light" check never rejects an honest host run.
//
// Thread safety: the catalogue is immutable static data; every function here is safe to call
// from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "kjudge/core/result.h"

namespace kjudge::problem {

/// The arithmetic a problem's flops are counted in (spec key `sol.dtype`). Distinct from buffer
/// element types: fp8 covers e4m3 and e5m2, fp4 covers NVFP4/MXFP4.
enum class ComputeType : std::uint8_t { kFp64, kFp32, kTf32, kBf16, kFp16, kFp8, kFp4, kInt8 };
constexpr std::size_t kComputeTypeCount = 8;

/// "fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8".
std::string_view ComputeTypeName(ComputeType type);
/// Accepts the canonical names and common aliases (f32, float16, half, bfloat16, fp8_e4m3, e5m2,
/// mxfp4, nvfp4, i8, ...), case-insensitively.
std::optional<ComputeType> ParseComputeType(std::string_view name);

enum class Vendor : std::uint8_t { kNvidia, kAmd, kHost };
std::string_view VendorName(Vendor vendor);  ///< "nvidia", "amd", "host"

/// The languages a vendor's machines run ("cuda" for NVIDIA, "hip" for AMD, "cpp" for the host).
std::string_view VendorLanguage(Vendor vendor);

struct GpuSpec {
  std::string_view name;          ///< canonical name used everywhere (URLs, leaderboards): "H100_SXM"
  std::string_view display_name;  ///< "NVIDIA H100 SXM5 80GB"
  std::span<const std::string_view> aliases;  ///< other names accepted on input ("H100", "h100-sxm")
  Vendor vendor = Vendor::kHost;
  std::string_view toolchain_target;  ///< nvcc -arch / hipcc --offload-arch / "host"
  /// Peak dense rate per ComputeType, indexed by the enum; nullopt = no hardware rate.
  std::array<std::optional<double>, kComputeTypeCount> peak_flops_per_s{};
  double memory_bandwidth_bytes_per_s = 0;  ///< device memory (HBM/GDDR) peak
  std::uint64_t memory_bytes = 0;           ///< device memory capacity
  std::uint64_t l2_bytes = 0;               ///< L2 cache, whole device
  std::uint64_t last_level_cache_bytes = 0; ///< what an L2 flush must cover: L2, or AMD's Infinity Cache
  int sm_count = 0;                         ///< streaming multiprocessors (NVIDIA) or compute units (AMD)
  std::string_view interconnect;            ///< "NVLink 4", "Infinity Fabric", "PCIe 4.0 x16"
  /// Aggregate GPU-to-GPU bandwidth of one device, both directions summed (vendors' convention).
  double interconnect_bandwidth_bytes_per_s = 0;

  /// Peak rate for `type`, or nullopt when the device has none.
  std::optional<double> PeakFlopsPerS(ComputeType type) const {
    return peak_flops_per_s[static_cast<std::size_t>(type)];
  }
};

/// Every catalogued device, in a stable order (NVIDIA, AMD, host).
std::span<const GpuSpec> GpuCatalog();

/// The device named `name`: its canonical name or an alias, compared case-insensitively with
/// '-', '_' and ' ' treated alike ("h100", "H100-SXM", "h100_sxm" all find H100_SXM).
const GpuSpec* FindGpu(std::string_view name);

/// FindGpu, or a kNotFound error listing the known names.
Result<const GpuSpec*> LookupGpu(std::string_view name);

}  // namespace kjudge::problem
