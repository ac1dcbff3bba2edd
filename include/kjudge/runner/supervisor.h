// Supervisor: the trusted half of judging. It owns the seeds, the inputs, the expected outputs and
// the comparison; it drives the judged process (already started, on the other end of a
// JudgedChannel) case by case and believes nothing it reports without checking:
//  * inputs are regenerated into the shared memory before every call, outputs are filled with
//    fresh random bytes before every call and compared after every call;
//  * in leaderboard mode every timed call gets inputs from a new seed derived from a secret one;
//  * a reported time above the wall time the supervisor saw, below the speed of light, or not a
//    positive finite number rejects the run; so does any out-of-sequence or malformed message.
// Benchmark cases are sampled after warm-up calls until the standard error of the mean falls under
// target_rel_error of the mean (at least min_samples), or the case's budget or max_samples ends;
// with a ClockProbe the GPU's SM clock is read after every timed call and reported with the case.
//
// Thread safety: one supervisor runs one job on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kjudge/harness/compare.h"
#include "kjudge/harness/gpu_clock.h"
#include "kjudge/harness/reference_library.h"
#include "kjudge/runner/judged_channel.h"
#include "kjudge/runner/run_result.h"

namespace kjudge::runner {

/// One test or benchmark case as the supervisor runs it.
struct CaseInput {
  std::map<std::string, std::int64_t> params;  ///< without `seed`
  std::uint64_t seed = 0;                      ///< the case's base seed
  double sol_ns = 0;                           ///< speed of light on this GPU; 0 = unknown (no check)
  double weight = 1;
};

/// How a job is judged. Defaults suit the host backend in CI; GPU runners raise the budgets.
struct SupervisorConfig {
  Mode mode = Mode::kTest;
  std::vector<CaseInput> tests;
  std::vector<CaseInput> benchmarks;
  harness::Tolerance tolerance;
  std::string ranking_by = "geomean";  ///< geomean | mean | last (spec's ranking_by)
  std::uint64_t secret_seed = 0;       ///< leaderboard mode: mixed into every timed call's seed
  int hello_timeout_ms = 30'000;       ///< start-up of the judged process (CUDA context creation is slow)
  int call_timeout_ms = 10'000;        ///< one call of the submission
  int warmup_calls = 1;
  int min_samples = 3;                 ///< a benchmark case takes at least this many timed calls
  int max_samples = 100;
  double case_budget_ms = 1'000;       ///< timed calls of one benchmark case stop after this much wall time...
  double target_rel_error = 0.005;     ///< ...or once the standard error of the mean is below this fraction
  double sol_margin = 0.95;            ///< a time below sol * margin is physically impossible: reject
  /// A reported time may exceed the supervisor's wall observation by this much (clock granularity).
  double wall_slack_ns = 50'000;
  /// Memory the inputs prepared ahead of a leaderboard case's timed calls may hold (InputPipeline).
  std::size_t input_pipeline_bytes = std::size_t{2} << 30;
  /// Host backend only: a case's median reported time must be at least this fraction of the
  /// fastest wall time the supervisor observed for a call, less an allowance for the message round
  /// trip and scheduling noise. GPU backends copy buffers inside the observed interval,
  /// so their lower bound is the speed of light instead.
  double cpu_min_wall_fraction = 0.25;
  double ipc_allowance_ns = 1'000'000;
  bool flush_l2 = true;
};

/// Receives progress events as they happen ({"event": "case", ...}); the runner forwards them.
using EventSink = std::function<void(const nlohmann::json&)>;

class Supervisor {
 public:
  /// `clocks` (may be null: no clock in the results) reads the judged GPU's clock; not owned.
  Supervisor(const harness::ReferenceLibrary& reference, JudgedChannel& channel, EventSink sink,
             harness::ClockProbe* clocks = nullptr);

  /// Runs the job to its verdict. Never throws; problem-code failures are kInternalError.
  RunResult Run(const SupervisorConfig& config);

 private:
  struct PreparedCase;
  struct CallOutcome;
  Result<PreparedCase> Prepare(const CaseInput& input, std::uint32_t case_id);
  Status Regenerate(PreparedCase& pc, std::uint64_t seed);
  Result<CallOutcome> Call(PreparedCase& pc, bool timed);
  bool RunTest(const CaseInput& input, std::size_t index, std::size_t count, CaseResult* out);
  bool RunBenchmark(const CaseInput& input, std::size_t index, std::size_t count, CaseResult* out);
  /// Ends the conversation; anything the judged side sends after its last answer is a forgery.
  Status Finish();

  const harness::ReferenceLibrary& reference_;
  JudgedChannel& channel_;
  EventSink sink_;
  harness::ClockProbe* clocks_;
  const SupervisorConfig* config_ = nullptr;
  double timer_floor_ns_ = 0;  ///< from the judged side's Hello
  std::string timer_;          ///< likewise: how the judged side times a call
  std::uint32_t next_call_id_ = 1;
  std::uint32_t next_case_id_ = 1;
  bool host_backend_ = false;
  Verdict failure_ = Verdict::kPassed;
  std::string failure_message_;
};

/// splitmix64-based mixing: the seed of call `n` of a case in leaderboard mode.
std::uint64_t MixSeed(std::uint64_t a, std::uint64_t b);

}  // namespace kjudge::runner
