// What judging a submission produced: the verdict, each case's outcome and timings, the score.
// The runner builds it from what the supervisor observed, posts it to the server as JSON, and the
// server stores it with the run; pages and APIs read it back from there.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kjudge/core/result.h"
#include "kjudge/runner/profile_summary.h"
#include "kjudge/store/schema_enums.h"

namespace kjudge::runner {

/// Judging modes and verdicts are the store's enums (their names are the schema's strings):
/// test | benchmark | leaderboard | profile, and passed | wrong_answer | compile_error |
/// runtime_error | time_limit | rejected | internal_error (best to worst).
using store::Mode;
using store::Verdict;
std::string_view ModeName(Mode mode);
Result<Mode> ParseMode(std::string_view name);
std::string_view VerdictName(Verdict verdict);
Result<Verdict> ParseVerdict(std::string_view name);

/// The GPU's SM clock during one benchmark case, as the supervisor read it (NVML) after each
/// timed call.
struct ClockStats {
  std::size_t samples = 0;
  double min_mhz = 0;
  double mean_mhz = 0;
  double max_mhz = 0;
  double rated_max_mhz = 0;        ///< the card's highest SM clock (0 when unknown)
  std::uint64_t reasons = 0;       ///< every NVML clock-event reason seen (harness::ClockReasonNames)
  bool throttled = false;          ///< a reason in harness::kThrottleReasonMask was seen
  /// Every reading, in call order (a missed reading leaves no entry): kept for audits, stored in
  /// the case's "audit" object rather than in the statistics.
  std::vector<double> readings_mhz;
};

/// Why a benchmark case took no more samples.
enum class StopReason { kConverged, kBudget, kMaxSamples };
std::string_view StopReasonName(StopReason reason);

/// Timing statistics of one benchmark case, in nanoseconds.
struct TimingStats {
  std::size_t samples = 0;
  double mean_ns = 0;
  double median_ns = 0;
  double stddev_ns = 0;
  double min_ns = 0;
  double max_ns = 0;
  double wall_mean_ns = 0;  ///< the supervisor's own observation of each call, for comparison
  double rel_sem = 0;       ///< standard error of the mean over the mean
  StopReason stop = StopReason::kConverged;
  std::size_t warmup_calls = 0;
  bool l2_flushed = false;     ///< the cache was flushed before every timed call
  /// What the harness measured for an empty call (its floor, see harness::wire::Hello); 0 unknown.
  double timer_floor_ns = 0;
  /// How the harness timed each call: "cupti" (GPU timestamps of the call's own device work),
  /// "events" (device events around the call), "steady_clock" (host backend); "" unknown.
  std::string timer;
  /// The supervisor's calibration: what the harness adds to a call's observed time (Go to
  /// CallDone) beyond the time it reports, measured on its own empty calls before the submission
  /// was loaded.
  double harness_overhead_ns = 0;
  /// How much the mean grew because the reported times fell short of the supervisor's observation
  /// (less that overhead) and the observed times were charged instead; 0 when the reports stood.
  double charged_ns = 0;
  /// Every timed call's outputs were copied out while the judged process was frozen (cgroup v2
  /// freezer); false where the sandbox has no such cgroup.
  bool outputs_frozen = false;
  /// Where the calls' memory lived (docs/security.md): "device" (the supervisor's own GPU
  /// allocations, handed over with each Go), "call" (a fresh host region with each Go, host
  /// backend) or "case" (one region per case, uploaded by the harness).
  std::string buffers;
  /// Device buffers only: how much longer than calibrated copying the outputs out at CallDone
  /// took, at the 20th percentile of the case's calls (a GPU still busy makes it wait).
  double snapshot_excess_ns = 0;
  /// Where the case's wall time went, in ms: waiting for prepared inputs, in calls (the judged
  /// side's copies, flush and call), checking outputs, and in all. Says why a case that stopped
  /// at its budget has few samples.
  double case_ms = 0, input_wait_ms = 0, calls_ms = 0, check_ms = 0;
  std::optional<ClockStats> sm_clock;  ///< absent when no clock could be read (no NVML, host backend)
  /// The raw observations behind the statistics, in call order, kept so a run can be audited
  /// after the fact: each timed call's reported time, and the supervisor's own wall time of the
  /// same call. Stored in the case's "audit" object (GET /api/v1/runs/{id}/audit).
  std::vector<double> samples_ns;
  std::vector<double> wall_ns;
};

/// Computes the statistics of `samples_ns` (which must not be empty) and keeps both series as
/// the raw observations; the fields past rel_sem (but those two) are left to the caller.
TimingStats ComputeStats(const std::vector<double>& samples_ns, const std::vector<double>& wall_ns);

/// Where a case's inputs came from, so an audit can regenerate every one of them.
struct CaseSeeds {
  std::uint64_t spec = 0;    ///< the case's seed in the problem spec
  /// What the case's first call (and every warm-up call) drew its inputs from: `spec`, or in
  /// leaderboard mode MixSeed(spec, secret). Timed call i (from 0) of a leaderboard-mode benchmark
  /// drew its inputs from MixSeed(inputs, i + 1) (supervisor.cc).
  std::uint64_t inputs = 0;
  std::optional<std::uint64_t> secret;  ///< leaderboard-mode benchmarks: the run's secret seed
};

struct CaseResult {
  std::string kind;  ///< "test" or "benchmark"
  std::size_t index = 0;
  std::map<std::string, std::int64_t> params;
  bool passed = false;
  std::string message;  ///< where it differs, or why it failed
  std::optional<TimingStats> timing;
  double sol_ns = 0;     ///< speed of light for this case on this GPU (0 when unknown)
  double weight = 1;
  std::optional<CaseSeeds> seeds;  ///< absent in results of runners older than the audit data
};

struct RunResult {
  Verdict verdict = Verdict::kInternalError;
  std::string mode;
  std::string message;  ///< one line for the competitor
  std::vector<CaseResult> cases;
  std::optional<double> score_ns;   ///< the ranking statistic over benchmark cases (geomean of means by default)
  std::optional<double> sol_ratio;  ///< geomean of mean / sol over benchmark cases
  std::string compile_log;
  std::string run_log;
  std::string device;   ///< what the judged process ran on
  /// Profile mode: what Nsight Compute measured, or why there is no profile (profile_summary.h).
  std::optional<ProfileSummary> profile;
  /// Profile mode: the Nsight Compute report's bytes. Not part of ToJson (a report can be many
  /// MiB, past the server's request limit); it goes to the server on its own (profile_run.h).
  std::string profile_report;
};

/// The result as the runner posts it and the server stores it. Each case may carry an "audit"
/// object with the raw data (seeds as decimal strings, samples_ns, wall_ns, sm_clock_mhz) next to
/// its statistics; docs/api.md describes it.
nlohmann::json ToJson(const RunResult& result);
/// kInvalidArgument for a malformed result (a missing field, a wrong type, a seed that is not a
/// 64-bit unsigned number).
Result<RunResult> RunResultFromJson(const nlohmann::json& json);

}  // namespace kjudge::runner
