// ProfileSummary: what profile mode tells a competitor about their kernels, from Nsight Compute.
// Per profiled kernel: its duration, DRAM and SM (compute) throughput as % of the GPU's peak,
// registers per thread, achieved and theoretical occupancy, and the largest warp stall reasons.
// The runner builds it from `ncu --import REPORT --csv --page raw` (ParseNcuCsv) and attaches it
// to the run's result ("profile"); where no profile could be taken it says why (status, message).
//
// The CSV comes from a report the judged (hostile) process could have written, so ParseNcuCsv
// treats it as hostile input: bounded sizes, every number checked, names sanitised.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kjudge/core/result.h"

namespace kjudge::runner {

/// Bounds on what ParseNcuCsv accepts and keeps (hostile input; see the header comment).
inline constexpr std::size_t kMaxProfileCsvBytes = 16u << 20;   ///< the whole CSV text
inline constexpr std::size_t kMaxProfileCsvFieldBytes = 64u << 10;  ///< one cell
inline constexpr std::size_t kMaxProfileCsvColumns = 20'000;    ///< the raw page has ~1000 for --set full
inline constexpr std::size_t kMaxProfileCsvRows = 200'000;      ///< the details page has one row per metric
inline constexpr std::size_t kMaxProfiledKernels = 64;          ///< kernels kept; the rest are counted
inline constexpr std::size_t kTopStallReasons = 5;
inline constexpr std::size_t kMaxKernelNameBytes = 256;

/// One warp stall reason of a kernel: `value` in the unit `KernelProfile::stall_basis` names,
/// `share` its fraction (0..1) of all stall reasons of that kernel.
struct StallReason {
  std::string reason;  ///< Nsight Compute's name without prefix: "long_scoreboard", "barrier", ...
  double value = 0;
  double share = 0;
};

/// One profiled kernel launch. Metrics Nsight Compute did not report are absent.
struct KernelProfile {
  std::int64_t id = 0;       ///< Nsight Compute's result ID (launch order among profiled kernels)
  std::string name;          ///< as Nsight Compute prints it (demangled), cut to kMaxKernelNameBytes
  std::string block_size;    ///< "(256, 1, 1)"
  std::string grid_size;
  std::optional<double> duration_ns;                ///< gpu__time_duration.sum
  std::optional<double> dram_throughput_pct;        ///< dram__throughput.avg.pct_of_peak_sustained_elapsed
  std::optional<double> sm_throughput_pct;          ///< sm__throughput.avg.pct_of_peak_sustained_elapsed
  std::optional<double> registers_per_thread;       ///< launch__registers_per_thread
  std::optional<double> achieved_occupancy_pct;     ///< sm__warps_active.avg.pct_of_peak_sustained_active
  std::optional<double> theoretical_occupancy_pct;  ///< sm__maximum_warps_per_active_cycle_pct
  /// What StallReason::value counts: "cycles_per_issued_instruction"
  /// (smsp__average_warps_issue_stalled_*_per_issue_active.ratio, the Warp State section),
  /// "warp_latency" (smsp__average_warp_latency_issue_stalled_*), "pc_samples"
  /// (smsp__pcsamp_warps_issue_stalled_*) or "pct_of_active_warps"
  /// (smsp__warp_issue_stalled_*_per_warp_active.pct); empty when no stall metric was collected.
  std::string stall_basis;
  std::vector<StallReason> top_stalls;  ///< largest first, at most kTopStallReasons
};

enum class ProfileStatus {
  kOk,           ///< Nsight Compute profiled the benchmark cases; `kernels` holds what it measured
  kUnavailable,  ///< no profiler here (host or AMD backend, ncu not installed, switched off)
  kFailed,       ///< the profiler ran and failed (counter permissions, no report, bad report)
};
std::string_view ProfileStatusName(ProfileStatus status);

/// The downloadable Nsight Compute report file of a profile run.
struct ProfileReportInfo {
  std::string file_name = "profile.ncu-rep";
  std::uint64_t bytes = 0;
  std::string sha256;  ///< hex
};

struct ProfileSummary {
  ProfileStatus status = ProfileStatus::kUnavailable;
  std::string tool = "ncu";
  std::string tool_version;  ///< "2024.3.2.0" when known
  std::string message;       ///< why there is no profile, or what was profiled
  std::vector<KernelProfile> kernels;
  std::size_t kernels_omitted = 0;  ///< profiled beyond kMaxProfiledKernels
  std::optional<ProfileReportInfo> report;
};

/// Parses Nsight Compute's CSV export of a report: the raw page (`--page raw`: a header row of
/// metric names, an optional row of units, one row per kernel) or the details page (`--page
/// details`: one row per metric with "Metric Name", "Metric Unit", "Metric Value"). Lines ncu
/// prints around it (==PROF==, ==WARNING==) are skipped. Kernels whose base name is in
/// `excluded_kernels` (the harness's own, e.g. "ReadFlush") are dropped. kInvalidArgument when
/// the text is over a bound, has no header, or its quoting is broken; a bad number only makes
/// that metric absent. The result's status is kOk (kernels may be empty: the caller decides).
Result<ProfileSummary> ParseNcuCsv(std::string_view csv, const std::vector<std::string>& excluded_kernels = {});

/// A number as Nsight Compute prints it ("1,234.5", "87.31", "n/a"): finite, or nullopt.
std::optional<double> ParseNcuNumber(std::string_view text);

/// A duration with its unit ("nsecond", "usecond", "msecond", "second", "ns", "us", "ms", "s",
/// "cycle" is not a duration) in nanoseconds, or nullopt for an unknown unit.
std::optional<double> DurationToNs(double value, std::string_view unit);

/// One line for the run's message: the slowest kernel's figures and its top stall reasons, or
/// the reason there is no profile.
std::string ProfileOneLine(const ProfileSummary& summary);

nlohmann::json ToJson(const ProfileSummary& summary);
/// kInvalidArgument naming what is malformed.
Result<ProfileSummary> ProfileSummaryFromJson(const nlohmann::json& json);

}  // namespace kjudge::runner
