#include "kjudge/problem/sol_model.h"

#include <algorithm>
#include <cmath>

namespace kjudge::problem {

Result<SolEstimate> SpeedOfLight(const GpuSpec& gpu, double flops, double bytes, ComputeType dtype) {
  if (!std::isfinite(flops) || !std::isfinite(bytes) || flops < 0 || bytes < 0) {
    return MakeError(ErrorCode::kInvalidArgument, "flops and bytes must be finite and non-negative");
  }
  if (gpu.memory_bandwidth_bytes_per_s <= 0) {
    return MakeError(ErrorCode::kInternal, std::string(gpu.name) + " has no memory bandwidth in the catalogue");
  }
  SolEstimate sol;
  sol.memory_seconds = bytes / gpu.memory_bandwidth_bytes_per_s;
  if (flops > 0) {
    const auto peak = gpu.PeakFlopsPerS(dtype);
    if (!peak || *peak <= 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string(gpu.name) + " has no " + std::string(ComputeTypeName(dtype)) + " rate");
    }
    sol.compute_seconds = flops / *peak;
  }
  sol.seconds = std::max(sol.compute_seconds, sol.memory_seconds);
  return sol;
}

Result<SolEstimate> CaseSpeedOfLight(const GpuSpec& gpu, const CaseSpec& c) {
  return SpeedOfLight(gpu, c.flops, c.bytes, c.sol.dtype);
}

Result<std::vector<SolEstimate>> BenchmarkSpeedOfLight(const ProblemSpec& spec, std::string_view gpu_name) {
  KJ_ASSIGN_OR_RETURN(const GpuSpec* gpu, LookupGpu(gpu_name));
  std::vector<SolEstimate> out;
  out.reserve(spec.benchmarks.size());
  for (const CaseSpec& c : spec.benchmarks) {
    KJ_ASSIGN_OR_RETURN(SolEstimate sol, CaseSpeedOfLight(*gpu, c));
    out.push_back(sol);
  }
  return out;
}

}  // namespace kjudge::problem
