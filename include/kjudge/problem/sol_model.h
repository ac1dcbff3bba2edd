// Speed-of-light model: the least time a case could take on a GPU, from the spec's operation and
// byte counts and the catalogue's peaks:
//   sol_seconds = max(flops / peak_flops_per_s[gpu][dtype], bytes / memory_bandwidth_bytes_per_s[gpu])
// Scores are reported as time / sol, and the supervisor rejects times below it as impossible.
// A case with flops but a data type the GPU has no rate for is an error; with zero flops the
// data type does not matter (a pure copy runs on any GPU).
//
// Thread safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/problem/spec.h"

namespace kjudge::problem {

struct SolEstimate {
  double seconds = 0;          ///< max(compute_seconds, memory_seconds)
  double compute_seconds = 0;  ///< flops / peak rate of the data type
  double memory_seconds = 0;   ///< bytes / memory bandwidth
  bool memory_bound() const { return memory_seconds >= compute_seconds; }
};

/// The speed of light of `flops` operations in `dtype` moving `bytes` on `gpu`.
Result<SolEstimate> SpeedOfLight(const GpuSpec& gpu, double flops, double bytes, ComputeType dtype);

/// The speed of light of one case (its evaluated flops and bytes, its data type) on `gpu`.
Result<SolEstimate> CaseSpeedOfLight(const GpuSpec& gpu, const CaseSpec& c);

/// The speed of light of every benchmark case of `spec`, in order, on the GPU named `gpu_name`
/// (catalogue name or alias).
Result<std::vector<SolEstimate>> BenchmarkSpeedOfLight(const ProblemSpec& spec, std::string_view gpu_name);

}  // namespace kjudge::problem
