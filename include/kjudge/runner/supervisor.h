// Supervisor: the trusted half of judging. It owns the seeds, the inputs, the expected outputs and
// the comparison; it drives the judged process (already started, on the other end of a
// JudgedChannel) case by case and believes nothing it reports without checking:
//  * inputs are regenerated into the shared memory before every call, outputs are filled with
//    fresh random bytes before every call and compared after every call;
//  * in leaderboard mode every timed call gets inputs from a new seed derived from a secret one;
//  * a reported time above the wall time the supervisor saw, below the speed of light, or not a
//    positive finite number rejects the run; so does any out-of-sequence or malformed message;
//  * on the host backend every call's buffers are a fresh memory region handed over with Go, so no
//    code in the judged process can see a call's inputs before the clock starts;
//  * the supervisor times every call itself, from its Go to the CallDone (to the Downloaded on the
//    host backend, whose harness has nothing to do in between), and calibrates what the
//    harness adds to that interval with calls of the harness's own before the submission is
//    loaded. A case whose reported times sit below that observation by more than a tolerance is
//    charged the observed times (host work inside the call, or an under-reported time, counts);
//    far below it, the run is rejected as forged.
// Benchmark cases are sampled after warm-up calls until the standard error of the mean falls under
// target_rel_error of the mean (at least min_samples), or the case's budget or max_samples ends;
// with a ClockProbe the GPU's SM clock is read after every timed call and reported with the case.
//
// Thread safety: one supervisor runs one job on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kjudge/harness/compare.h"
#include "kjudge/harness/gpu_clock.h"
#include "kjudge/harness/wire.h"
#include "kjudge/runner/device_buffers.h"
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
  /// Calibration calls timed before the submission is loaded (their median overhead is the harness's).
  int calibration_calls = 32;
  /// A case's reported times stand while their shortfall against the supervisor's observation
  /// (less the calibrated overhead), at its 20th percentile over the case's calls, is at most
  /// abs + rel x the median reported time;
  /// above that the observed times are charged; above the reject bound the run is rejected.
  /// GPU backends: not charged (infinite). On the H200 the host-side cost around an honest call
  /// (launch, synchronization) varied by 30-100 us from the calibrated empty call, far above
  /// small kernels' own times, so charging would replace honest CUPTI spans by noise; only the
  /// gross bound below applies there (docs/security.md, known gaps).
  double charge_abs_ns = 1e15, charge_rel = 0;
  double reject_abs_ns = 200'000, reject_rel = 0.5;
  /// The host backend's round trips are noisier (a sleeping thread wakes up): wider bounds there.
  double host_charge_abs_ns = 100'000, host_charge_rel = 0.05;
  double host_reject_abs_ns = 2'000'000;
  /// Device buffers (Supervisor::SetDeviceBuffers): the copy of a call's outputs taken right at its
  /// CallDone may take longer than calibrated by abs + rel x the calibrated time, at the 20th
  /// percentile of a case's calls. Longer means the GPU was still busy with the judged process's
  /// work (a call that reported done before its kernels finished), and the run is rejected.
  double snapshot_reject_abs_ns = 100'000, snapshot_reject_rel = 1.0;
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

  /// How to stop (true) and resume (false) the judged process: while its outputs of a timed call
  /// are copied out, nothing of it runs, so nothing can finish the answer late. Without one (or
  /// when it fails) the copy's random order is the only defence.
  void SetFreezer(std::function<Status(bool)> freezer) { freezer_ = std::move(freezer); }

  /// Memory on the judged GPU that the supervisor allocates itself (device_buffers.h): where the
  /// harness can map it (Hello says so), every call's buffers are fresh allocations handed over
  /// with Go and the outputs are copied out of them at CallDone. Without it the harness keeps the
  /// buffers and uploads them from the case memory.
  void SetDeviceBuffers(std::function<Result<std::unique_ptr<DeviceBuffers>>()> open) { open_device_ = std::move(open); }

 private:
  struct PreparedCase;
  struct CallOutcome;
  Result<PreparedCase> Prepare(const CaseInput& input, std::uint32_t case_id);
  Status Regenerate(PreparedCase& pc, std::uint64_t seed);
  Result<CallOutcome> Call(PreparedCase& pc, bool timed);
  /// Fresh device buffers for one call (inputs written, outputs poisoned) and their descriptors.
  Result<std::vector<int>> StageDeviceBuffers(PreparedCase& pc, harness::wire::Go& go);
  /// Copies the outputs of the call just done out of its device buffers; returns how long it took.
  Result<double> SnapshotDeviceOutputs(PreparedCase& pc);
  /// The copy of the case's outputs, device to device, as calibrated (device_buffers_ only).
  double ExpectedSnapshotNs(const PreparedCase& pc) const;
  /// Copies a finished call's outputs into pc.snapshots (frozen and in random order where `timed`).
  Status CollectOutputs(PreparedCase& pc, bool timed);
  /// Times the harness's own empty calls (before the submission is loaded): harness_overhead_ns_.
  Status Calibrate();
  /// Holds a case's reported times against the supervisor's observation: Ok (maybe charging the
  /// observed times into `timing`) or the rejection's message.
  Result<bool> CheckAgainstWall(std::vector<double>& samples, const std::vector<double>& walls, std::string* why);
  bool RunTest(const CaseInput& input, std::size_t index, std::size_t count, CaseResult* out);
  bool RunBenchmark(const CaseInput& input, std::size_t index, std::size_t count, CaseResult* out);
  /// Opens device_ where the job and the harness allow it; why not, as a note, where they do not.
  void OpenDeviceBuffers(bool offered);
  /// Ends the conversation; anything the judged side sends after its last answer is a forgery.
  Status Finish();

  const harness::ReferenceLibrary& reference_;
  JudgedChannel& channel_;
  EventSink sink_;
  harness::ClockProbe* clocks_;
  std::function<Status(bool)> freezer_;
  std::function<Result<std::unique_ptr<DeviceBuffers>>()> open_device_;
  std::unique_ptr<DeviceBuffers> device_;
  bool device_buffers_ = false;         ///< device_ is used: the harness maps what it is given
  std::size_t calibration_buffers_ = 0;  ///< buffers handed over with each calibration call (the problem's count)
  double snapshot_fixed_ns_ = 0;         ///< calibrated: copying a calibration call's output right after CallDone
  double snapshot_ns_per_byte_ = 0;      ///< calibrated: copy rate, device to device
  bool frozen_checks_ = true;  ///< every timed call's outputs were copied out while the judged process was frozen
  const SupervisorConfig* config_ = nullptr;
  double timer_floor_ns_ = 0;  ///< from the judged side's Hello
  double harness_overhead_ns_ = 0;  ///< calibrated: Go to CallDone less the reported time, empty call
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
