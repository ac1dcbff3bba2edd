#include "kjudge/problem/gpu_catalog.h"

#include <string>

namespace kjudge::problem {

namespace {

constexpr double kTera = 1e12;
constexpr double kGiga = 1e9;
constexpr std::uint64_t kMiB = 1024ull * 1024;
constexpr std::uint64_t kGB = 1'000'000'000ull;  // vendors state memory capacity in decimal GB

struct Rates {
  std::optional<double> fp64, fp32, tf32, bf16, fp16, fp8, fp4, int8;
};

constexpr std::array<std::optional<double>, kComputeTypeCount> Tflops(Rates r) {
  auto t = [](std::optional<double> v) -> std::optional<double> {
    if (!v) return std::nullopt;
    return *v * kTera;
  };
  return {t(r.fp64), t(r.fp32), t(r.tf32), t(r.bf16), t(r.fp16), t(r.fp8), t(r.fp4), t(r.int8)};
}

// Aliases are matched after normalisation (case and '-', '_', ' ' ignored), so only names that
// differ in more than separators need listing.
constexpr std::string_view kH100SxmAliases[] = {"H100", "H100_SXM5", "H100_80GB"};
constexpr std::string_view kH100PcieAliases[] = {"H100_PCIE5"};
constexpr std::string_view kH200Aliases[] = {"H200_SXM", "H200_141GB"};
constexpr std::string_view kB200Aliases[] = {"B200_SXM", "HGX_B200", "DGX_B200"};
constexpr std::string_view kA100SxmAliases[] = {"A100", "A100_SXM4", "A100_80GB"};
constexpr std::string_view kL4Aliases[] = {"NVIDIA_L4"};
constexpr std::string_view kMi300xAliases[] = {"MI300", "AMD_MI300X"};
constexpr std::string_view kMi355xAliases[] = {"MI355", "AMD_MI355X"};
constexpr std::string_view kCpuAliases[] = {"host"};

// Sources for every figure: docs/gpus.md. Dense rates, fastest unit per type (see the header).
const GpuSpec kCatalog[] = {
    {.name = "H100_SXM",
     .display_name = "NVIDIA H100 SXM5 80GB",
     .aliases = kH100SxmAliases,
     .vendor = Vendor::kNvidia,
     .toolchain_target = "sm_90a",
     .peak_flops_per_s = Tflops({.fp64 = 66.9, .fp32 = 66.9, .tf32 = 494.7, .bf16 = 989.4, .fp16 = 989.4,
                                 .fp8 = 1978.9, .fp4 = std::nullopt, .int8 = 1978.9}),
     .memory_bandwidth_bytes_per_s = 3.35e12,
     .memory_bytes = 80 * kGB,
     .l2_bytes = 50 * kMiB,
     .last_level_cache_bytes = 50 * kMiB,
     .sm_count = 132,
     .interconnect = "NVLink 4",
     .interconnect_bandwidth_bytes_per_s = 900 * kGiga},
    {.name = "H100_PCIe",
     .display_name = "NVIDIA H100 PCIe 80GB",
     .aliases = kH100PcieAliases,
     .vendor = Vendor::kNvidia,
     .toolchain_target = "sm_90a",
     .peak_flops_per_s = Tflops({.fp64 = 51.2, .fp32 = 51.2, .tf32 = 378.0, .bf16 = 756.0, .fp16 = 756.0,
                                 .fp8 = 1513.0, .fp4 = std::nullopt, .int8 = 1513.0}),
     .memory_bandwidth_bytes_per_s = 2.0e12,
     .memory_bytes = 80 * kGB,
     .l2_bytes = 50 * kMiB,
     .last_level_cache_bytes = 50 * kMiB,
     .sm_count = 114,
     .interconnect = "NVLink 4 bridge",
     .interconnect_bandwidth_bytes_per_s = 600 * kGiga},
    {.name = "H200",
     .display_name = "NVIDIA H200 SXM 141GB",
     .aliases = kH200Aliases,
     .vendor = Vendor::kNvidia,
     .toolchain_target = "sm_90a",
     .peak_flops_per_s = Tflops({.fp64 = 66.9, .fp32 = 66.9, .tf32 = 494.7, .bf16 = 989.4, .fp16 = 989.4,
                                 .fp8 = 1978.9, .fp4 = std::nullopt, .int8 = 1978.9}),
     .memory_bandwidth_bytes_per_s = 4.8e12,
     .memory_bytes = 141 * kGB,
     .l2_bytes = 50 * kMiB,
     .last_level_cache_bytes = 50 * kMiB,
     .sm_count = 132,
     .interconnect = "NVLink 4",
     .interconnect_bandwidth_bytes_per_s = 900 * kGiga},
    {.name = "B200",
     .display_name = "NVIDIA B200 (HGX) 180GB",
     .aliases = kB200Aliases,
     .vendor = Vendor::kNvidia,
     .toolchain_target = "sm_100a",
     .peak_flops_per_s = Tflops({.fp64 = 37.0, .fp32 = 75.0, .tf32 = 1100.0, .bf16 = 2250.0, .fp16 = 2250.0,
                                 .fp8 = 4500.0, .fp4 = 9000.0, .int8 = 4500.0}),
     .memory_bandwidth_bytes_per_s = 8.0e12,
     .memory_bytes = 180 * kGB,
     .l2_bytes = 126 * kMiB,
     .last_level_cache_bytes = 126 * kMiB,
     .sm_count = 148,
     .interconnect = "NVLink 5",
     .interconnect_bandwidth_bytes_per_s = 1800 * kGiga},
    {.name = "A100_SXM",
     .display_name = "NVIDIA A100 SXM4 80GB",
     .aliases = kA100SxmAliases,
     .vendor = Vendor::kNvidia,
     .toolchain_target = "sm_80",
     .peak_flops_per_s = Tflops({.fp64 = 19.5, .fp32 = 19.5, .tf32 = 156.0, .bf16 = 312.0, .fp16 = 312.0,
                                 .fp8 = std::nullopt, .fp4 = std::nullopt, .int8 = 624.0}),
     .memory_bandwidth_bytes_per_s = 2.039e12,
     .memory_bytes = 80 * kGB,
     .l2_bytes = 40 * kMiB,
     .last_level_cache_bytes = 40 * kMiB,
     .sm_count = 108,
     .interconnect = "NVLink 3",
     .interconnect_bandwidth_bytes_per_s = 600 * kGiga},
    {.name = "L4",
     .display_name = "NVIDIA L4 24GB",
     .aliases = kL4Aliases,
     .vendor = Vendor::kNvidia,
     .toolchain_target = "sm_89",
     .peak_flops_per_s = Tflops({.fp64 = 0.473, .fp32 = 30.3, .tf32 = 60.0, .bf16 = 121.0, .fp16 = 121.0,
                                 .fp8 = 242.5, .fp4 = std::nullopt, .int8 = 242.5}),
     .memory_bandwidth_bytes_per_s = 300 * kGiga,
     .memory_bytes = 24 * kGB,
     .l2_bytes = 48 * kMiB,
     .last_level_cache_bytes = 48 * kMiB,
     .sm_count = 58,
     .interconnect = "PCIe 4.0 x16",
     .interconnect_bandwidth_bytes_per_s = 64 * kGiga},
    {.name = "MI300X",
     .display_name = "AMD Instinct MI300X 192GB",
     .aliases = kMi300xAliases,
     .vendor = Vendor::kAmd,
     .toolchain_target = "gfx942",
     .peak_flops_per_s = Tflops({.fp64 = 163.4, .fp32 = 163.4, .tf32 = 653.7, .bf16 = 1307.4, .fp16 = 1307.4,
                                 .fp8 = 2614.9, .fp4 = std::nullopt, .int8 = 2614.9}),
     .memory_bandwidth_bytes_per_s = 5.3e12,
     .memory_bytes = 192 * kGB,
     .l2_bytes = 32 * kMiB,
     .last_level_cache_bytes = 256 * kMiB,
     .sm_count = 304,
     .interconnect = "Infinity Fabric (7 links)",
     .interconnect_bandwidth_bytes_per_s = 896 * kGiga},
    {.name = "MI355X",
     .display_name = "AMD Instinct MI355X 288GB",
     .aliases = kMi355xAliases,
     .vendor = Vendor::kAmd,
     .toolchain_target = "gfx950",
     .peak_flops_per_s = Tflops({.fp64 = 78.6, .fp32 = 157.3, .tf32 = std::nullopt, .bf16 = 2516.6,
                                 .fp16 = 2516.6, .fp8 = 5033.2, .fp4 = 10066.3, .int8 = 5033.2}),
     .memory_bandwidth_bytes_per_s = 8.0e12,
     .memory_bytes = 288 * kGB,
     .l2_bytes = 32 * kMiB,
     .last_level_cache_bytes = 256 * kMiB,
     .sm_count = 256,
     .interconnect = "Infinity Fabric (7 links)",
     .interconnect_bandwidth_bytes_per_s = 1075.2 * kGiga},
    // Nominal ceilings, not measurements (see the header): above what any host reaches, even a
    // many-core server working from its caches, so the host's speed of light is a floor no honest
    // run goes under. Capacities are not applicable (0).
    {.name = "cpu",
     .display_name = "Host CPU (nominal figures)",
     .aliases = kCpuAliases,
     .vendor = Vendor::kHost,
     .toolchain_target = "host",
     .peak_flops_per_s = Tflops({.fp64 = 50.0, .fp32 = 100.0, .tf32 = std::nullopt, .bf16 = 1000.0,
                                 .fp16 = 1000.0, .fp8 = std::nullopt, .fp4 = std::nullopt, .int8 = 2000.0}),
     .memory_bandwidth_bytes_per_s = 10e12,
     .memory_bytes = 0,
     .l2_bytes = 0,
     .last_level_cache_bytes = 0,
     .sm_count = 0,
     .interconnect = "none",
     .interconnect_bandwidth_bytes_per_s = 0},
};

struct TypeName {
  std::string_view name;
  ComputeType type;
};
// Canonical names first (ComputeTypeName returns the first match), then aliases.
constexpr TypeName kTypeNames[] = {
    {"fp64", ComputeType::kFp64},     {"fp32", ComputeType::kFp32},   {"tf32", ComputeType::kTf32},
    {"bf16", ComputeType::kBf16},     {"fp16", ComputeType::kFp16},   {"fp8", ComputeType::kFp8},
    {"fp4", ComputeType::kFp4},       {"int8", ComputeType::kInt8},   {"f64", ComputeType::kFp64},
    {"float64", ComputeType::kFp64},  {"double", ComputeType::kFp64}, {"f32", ComputeType::kFp32},
    {"float32", ComputeType::kFp32},  {"float", ComputeType::kFp32},  {"bfloat16", ComputeType::kBf16},
    {"f16", ComputeType::kFp16},      {"float16", ComputeType::kFp16}, {"half", ComputeType::kFp16},
    {"fp8_e4m3", ComputeType::kFp8},  {"fp8_e5m2", ComputeType::kFp8}, {"e4m3", ComputeType::kFp8},
    {"e5m2", ComputeType::kFp8},      {"mxfp8", ComputeType::kFp8},   {"nvfp4", ComputeType::kFp4},
    {"mxfp4", ComputeType::kFp4},     {"fp4_e2m1", ComputeType::kFp4}, {"i8", ComputeType::kInt8},
};

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

/// Lower case, with '-' and ' ' folded into '_'.
std::string NormalizeGpuName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) out += (c == '-' || c == ' ') ? '_' : Lower(c);
  return out;
}

}  // namespace

std::string_view ComputeTypeName(ComputeType type) {
  for (const auto& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "unknown";
}

std::optional<ComputeType> ParseComputeType(std::string_view name) {
  for (const auto& t : kTypeNames) {
    if (SameIgnoringCase(t.name, name)) return t.type;
  }
  return std::nullopt;
}

std::string_view VendorName(Vendor vendor) {
  switch (vendor) {
    case Vendor::kNvidia: return "nvidia";
    case Vendor::kAmd: return "amd";
    case Vendor::kHost: return "host";
  }
  return "unknown";
}

std::string_view VendorLanguage(Vendor vendor) {
  switch (vendor) {
    case Vendor::kNvidia: return "cuda";
    case Vendor::kAmd: return "hip";
    case Vendor::kHost: return "cpp";
  }
  return "cpp";
}

std::span<const GpuSpec> GpuCatalog() { return kCatalog; }

const GpuSpec* FindGpu(std::string_view name) {
  const std::string wanted = NormalizeGpuName(name);
  if (wanted.empty()) return nullptr;
  for (const auto& gpu : kCatalog) {
    if (NormalizeGpuName(gpu.name) == wanted) return &gpu;
    for (std::string_view alias : gpu.aliases) {
      if (NormalizeGpuName(alias) == wanted) return &gpu;
    }
  }
  return nullptr;
}

Result<const GpuSpec*> LookupGpu(std::string_view name) {
  if (const GpuSpec* gpu = FindGpu(name)) return gpu;
  std::string known;
  for (const auto& gpu : kCatalog) {
    if (!known.empty()) known += ", ";
    known += gpu.name;
  }
  return MakeError(ErrorCode::kNotFound, "unknown GPU '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace kjudge::problem
