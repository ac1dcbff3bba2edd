// Profile commands: how the runner finds Nsight Compute and the command lines it runs it with.
// Profile mode runs the judged process a second time, after it passed, under `ncu` in the same
// sandbox; then `ncu --import` (sandboxed too: the report was written by a hostile process)
// turns the report into CSV for ParseNcuCsv. Everything here is pure (no process is started), so
// the command lines and binds are unit-tested without a GPU; profile_run.h runs them.
//
// Thread safety: pure functions, except FindNcu, which only reads the file system.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::runner {

/// Environment variable naming the ncu binary; "off" switches profiling off on this runner.
inline constexpr const char* kNcuEnv = "KJUDGE_NCU";
/// Environment variable through which the profile launcher (inside the sandbox) gets its argv.
inline constexpr const char* kProfileArgvEnv = "KJUDGE_PROFILE_ARGV";
/// Separates the arguments in kProfileArgvEnv (ASCII unit separator; no argument may hold it).
inline constexpr char kProfileArgvSeparator = '\x1f';

/// Where the judged binary, the report and the import's copy of it lie inside the sandbox.
inline constexpr const char* kProfiledBinaryName = ".kjudge-judged";  ///< in the work directory
inline constexpr const char* kProfiledBinaryInSandbox = "/work/.kjudge-judged";
inline constexpr const char* kReportStemInSandbox = "/work/profile";  ///< ncu appends .ncu-rep
inline constexpr const char* kReportFileName = "profile.ncu-rep";
inline constexpr const char* kImportedReportInSandbox = "/report/profile.ncu-rep";

/// Kernels the harness launches itself (the L2 flush); never the submission's.
const std::vector<std::string>& HarnessKernelNames();

/// A usable ncu: the path to run (a host path, visible at the same path inside the sandbox) and
/// the host directories to bind read-only for it (empty when the default binds cover it).
struct NcuInstall {
  std::filesystem::path binary;
  std::vector<std::filesystem::path> bind_dirs;
};

/// Finds ncu: `configured` when not empty (a path, or "off": kUnavailable), else `ncu` on
/// `path_env` (PATH), /usr/local/cuda/bin/ncu, then the newest /opt/nvidia/nsight-compute/*/ncu.
/// kNotFound (saying where it looked) when there is none.
Result<NcuInstall> FindNcu(const std::string& configured, const std::string& path_env);

/// The install directory of an ncu binary to bind into the sandbox: the directory holding the
/// real executable once symbolic links are resolved, or its install root when that is
/// <root>/target/<platform>/ncu (the ncu front script execs that). Empty when `binary` lies
/// under one of the sandbox's default read-only binds (/usr, /opt, ...), which show it already.
std::vector<std::filesystem::path> NcuBindDirs(const std::filesystem::path& binary);

/// What the profiling run measures. Defaults keep ncu's cost small: ncu replays every kernel
/// once per counter pass, so only a few sections and a bounded number of kernels.
struct ProfileOptions {
  /// Sections collected (Nsight Compute's section identifiers): throughput vs. peak, memory,
  /// occupancy, launch figures, warp stall reasons, scheduler.
  std::vector<std::string> sections = {"SpeedOfLight", "MemoryWorkloadAnalysis", "Occupancy",
                                       "LaunchStats",  "WarpStateStats",         "SchedulerStats"};
  /// Metrics collected besides the sections: the ones the summary reads, so a section's
  /// contents changing between ncu versions cannot drop them.
  std::vector<std::string> metrics = {"gpu__time_duration.sum",
                                      "dram__throughput.avg.pct_of_peak_sustained_elapsed",
                                      "sm__throughput.avg.pct_of_peak_sustained_elapsed",
                                      "launch__registers_per_thread",
                                      "sm__warps_active.avg.pct_of_peak_sustained_active",
                                      "sm__maximum_warps_per_active_cycle_pct"};
  /// Kernels profiled in all (ncu --launch-count): each costs tens of replays.
  int launch_count = 32;
  /// When the harness marks timed calls with an NVTX range of this name, only kernels inside it
  /// are profiled (ncu --nvtx --nvtx-include "<name>/"); empty: filter by kernel name instead.
  std::string nvtx_range;
};

/// The argv (inside the sandbox) that profiles the judged binary: ncu with clocks left alone
/// (--clock-control none: the same clocks as the timed runs), every child process followed,
/// the harness's own kernels excluded by name, the sections and metrics of `options`, at most
/// `options.launch_count` kernels, the report written to kReportStemInSandbox.ncu-rep.
std::vector<std::string> NcuProfileArgv(const std::filesystem::path& ncu, const ProfileOptions& options);

/// The argv (inside the import sandbox) that prints the report's raw page as CSV.
std::vector<std::string> NcuImportArgv(const std::filesystem::path& ncu);

/// The argv as one environment value for the profile launcher; kInvalidArgument when an
/// argument holds the separator or a NUL, or there are none.
Result<std::string> EncodeLauncherArgv(const std::vector<std::string>& argv);
/// The inverse (what the launcher does, in C, inside the sandbox).
std::vector<std::string> DecodeLauncherArgv(std::string_view value);

/// Why a profiling run produced no usable report, for the competitor, from ncu's output (its
/// ==ERROR== lines) — ERR_NVGPUCTRPERM (the driver keeps performance counters to admins) gets
/// the fix an administrator can apply. Empty when the output shows no known failure.
std::string ExplainNcuFailure(std::string_view output);

/// The version ncu printed ("NVIDIA (R) Nsight Compute Command Line Profiler ... Version
/// 2024.3.2.0 (build ...)"), or empty.
std::string NcuVersionFrom(std::string_view output);

/// Reads the report the sandboxed profiler left at `path`, which the judged process could have
/// replaced: a regular file (not a link, no other hard links), at most `max_bytes` long.
/// kNotFound when absent, kFailedPrecondition for anything else wrong.
Result<std::string> ReadReportFile(const std::filesystem::path& path, std::uint64_t max_bytes);

}  // namespace kjudge::runner
