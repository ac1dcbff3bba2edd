// Profile run: after a profile-mode job passed on an NVIDIA GPU, runs its benchmark cases once
// more under Nsight Compute, in the same sandbox as the judged run, and summarises the report.
//
//  1. The supervisor judges the benchmark cases again (no tests, no warm-up, one call per case,
//     no L2 flush kernel: ncu flushes caches between its replay passes itself). The "judged
//     binary" it starts is the profile launcher (profile_launcher.cc, embedded), which execs ncu
//     with the command line of NcuProfileArgv; ncu starts the real judged binary (an
//     execute-only copy in the work directory) and writes the report into the work directory.
//  2. The report is read back with ReadReportFile (the judged process could have replaced it)
//     and imported with `ncu --import ... --csv --page raw` in a second sandbox (no GPU, no
//     network, only a read-only copy of the report), whose CSV ParseNcuCsv summarises.
// The verdict and timings are the first run's; this run only adds the `profile` summary and the
// report bytes. Whatever goes wrong, the summary says why (kFailed) and nothing throws.
//
// Thread safety: as the JobExecutor that calls it (one run at a time per job directory).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "kjudge/core/result.h"
#include "kjudge/runner/profile_command.h"
#include "kjudge/runner/profile_summary.h"
#include "kjudge/runner/run_result.h"
#include "kjudge/runner/supervise_job.h"
#include "kjudge/sandbox/sandbox_policy.h"

namespace kjudge::runner {

/// Largest report kept (and served for download): a few sections over ≤ launch_count kernels
/// is far smaller; the judged process cannot make the runner hold more. Also the sandbox's
/// file-size limit caps what ncu can write.
inline constexpr std::uint64_t kMaxProfileReportBytes = 64ull << 20;
/// The import's CSV on stdout: the raw page of a few dozen kernels is well under this.
inline constexpr std::uint64_t kMaxImportCsvBytes = 8ull << 20;
inline constexpr std::int64_t kImportWallLimitMs = 120'000;

/// Runs `kjudge supervise` on a job file and returns its result (the executor's RunSupervisor).
using SuperviseRunner = std::function<Result<RunResult>(const std::filesystem::path& job_file, std::int64_t limit_ms)>;

/// What a profile run produced: the summary, and the report's bytes (empty without one).
struct ProfileOutcome {
  ProfileSummary summary;
  std::string report;
};

/// The job for the profiling supervisor, derived from the one that passed: `launcher` as the
/// judged binary, ncu's argv in its environment, ncu's install directory bound read-only, more
/// tasks and memory for ncu itself, and the benchmark cases only, once each.
SuperviseJob ProfileSuperviseJob(const SuperviseJob& passed, const std::filesystem::path& launcher,
                                 const std::filesystem::path& work_dir, const NcuInstall& ncu, const ProfileOptions& options);

/// The sandbox of `ncu --import`: the host-program policy over `work_dir`, ncu's directories
/// read-only, `report` copied in read-only at kImportedReportInSandbox, no devices.
sandbox::SandboxPolicy ImportPolicy(const std::filesystem::path& work_dir, const std::filesystem::path& report,
                                    const NcuInstall& ncu);

/// Profiles the benchmark cases of `passed` (see the header comment). Scratch files go under
/// `job_dir`; `supervise` starts the supervisor. Never fails: problems end up in the summary.
ProfileOutcome RunProfile(const SuperviseJob& passed, const std::filesystem::path& job_dir, const NcuInstall& ncu,
                          const ProfileOptions& options, const SuperviseRunner& supervise);

/// The summary for a run that has no profiler (status kUnavailable, `why` as the message).
ProfileSummary NoProfile(std::string why);

}  // namespace kjudge::runner
