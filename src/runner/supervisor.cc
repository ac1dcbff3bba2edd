#include "kjudge/runner/supervisor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>
#include <unistd.h>

#include "kjudge/core/random.h"
#include "kjudge/harness/dtype.h"
#include "kjudge/runner/input_pipeline.h"

namespace kjudge::runner {

namespace wire = harness::wire;
using problem_api::BufferSpec;

std::uint64_t MixSeed(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// A case ready to call: its buffers laid out in the shared memory, the supervisor's private copy
/// of the inputs (so tampering with the shared copy changes nothing) and of the expected outputs.
/// `memory` is the case's on GPU backends, and on the host backend the current call's (a fresh one
/// for every call, handed over with Go).
struct Supervisor::PreparedCase {
  std::uint32_t case_id = 0;
  const CaseInput* input = nullptr;
  problem_api::Params params;
  std::vector<BufferSpec> specs;
  std::vector<std::uint64_t> offsets;
  std::uint64_t total_bytes = 0;
  SharedRegion memory;
  std::vector<DeviceBuffers::Allocation> device;            ///< the current call's buffers (device_buffers_)
  std::vector<DeviceBuffers::Allocation> device_snapshots;  ///< private copies of the outputs, by buffer index
  std::vector<unsigned char> poison;                        ///< scratch for poisoning a device output
  std::vector<std::vector<unsigned char>> truth;  ///< inputs as generated, outputs as expected
  std::vector<std::vector<unsigned char>> snapshots;  ///< a timed call's outputs, copied out (SnapshotShuffled)
  std::uint64_t calls = 0;
};

struct Supervisor::CallOutcome {
  double elapsed_ns = 0;   ///< what the harness reported
  double wall_ns = 0;      ///< the supervisor's Go to the CallDone (GPU backends) or the Downloaded (host)
  double download_ns = 0;  ///< the CallDone to the Downloaded (outputs copied back)
  double snapshot_ns = 0;  ///< device buffers: copying the outputs out, right at CallDone
};

Supervisor::Supervisor(const harness::ReferenceLibrary& reference, JudgedChannel& channel, EventSink sink,
                       harness::ClockProbe* clocks)
    : reference_(reference), channel_(channel), sink_(std::move(sink)), clocks_(clocks) {}

namespace {

std::string ParamsText(const std::map<std::string, std::int64_t>& params) {
  std::string s;
  for (const auto& [k, v] : params) s += (s.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return s;
}

// Random bytes: an output the submission leaves untouched (or fills from a stale call) cannot match.
// xorshift64* from a fresh random seed: unpredictable to the submission, and fast enough that
// poisoning a large output costs the calls nothing next to copying it.
void Poison(unsigned char* data, std::size_t bytes, std::uint64_t seed) {
  std::uint64_t x = seed | 1;
  auto next = [&x] {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    return x * 0x2545f4914f6cdd1dull;
  };
  std::size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    const std::uint64_t v = next();
    std::memcpy(data + i, &v, 8);
  }
  for (; i < bytes; ++i) data[i] = static_cast<unsigned char>(next());
}

/// Copies `bytes` of `from` into `to` in chunks taken in a random order. Work the submission left
/// running after its call (a thread still writing the answer) cannot know which part is read
/// first, so it cannot stay ahead of the copy; the comparison then reads the private copy.
void SnapshotShuffled(const unsigned char* from, std::size_t bytes, std::vector<unsigned char>& to) {
  constexpr std::size_t kChunk = 64 << 10;
  to.resize(bytes);
  const std::size_t chunks = (bytes + kChunk - 1) / kChunk;
  std::vector<std::uint32_t> order(chunks);
  for (std::size_t i = 0; i < chunks; ++i) order[i] = static_cast<std::uint32_t>(i);
  std::mt19937_64 rng(RandomU64());
  std::shuffle(order.begin(), order.end(), rng);
  for (std::uint32_t c : order) {
    const std::size_t at = static_cast<std::size_t>(c) * kChunk;
    std::memcpy(to.data() + at, from + at, std::min(kChunk, bytes - at));
  }
}

/// Worker threads that prepare a leaderboard case's inputs ahead of its timed calls: none on the
/// host backend (its timings would feel a busy neighbouring core), else a few, leaving cores for
/// the judged process and the machine.
int InputWorkers(bool host_backend) {
  if (host_backend) return 0;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cores - 2, 1, 8);
}

// What a failed exchange with the judged process means for the verdict.
Verdict VerdictFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInternal: return Verdict::kInternalError;         // the problem's own code failed
    case ErrorCode::kUnavailable: return Verdict::kTimeLimit;          // no answer in time
    case ErrorCode::kFailedPrecondition: return Verdict::kRejected;    // malformed or out-of-sequence message
    default: return Verdict::kRuntimeError;                            // crashed, exited, backend error
  }
}

/// Accumulates the clock readings of one benchmark case.
class ClockTally {
 public:
  explicit ClockTally(harness::ClockProbe* probe) : probe_(probe) {}
  void Read() {
    if (probe_ == nullptr) return;
    auto r = probe_->Read();
    if (!r.ok()) return;  // a missed reading only thins the statistics
    const double mhz = r->sm_mhz;
    stats_.min_mhz = stats_.samples == 0 ? mhz : std::min(stats_.min_mhz, mhz);
    stats_.max_mhz = std::max(stats_.max_mhz, mhz);
    sum_ += mhz;
    ++stats_.samples;
    stats_.readings_mhz.push_back(mhz);  // raw, for audits
    stats_.reasons |= r->reasons;
  }
  std::optional<ClockStats> Stats() const {
    if (stats_.samples == 0) return std::nullopt;
    ClockStats s = stats_;
    s.mean_mhz = sum_ / static_cast<double>(s.samples);
    s.rated_max_mhz = probe_->max_sm_mhz();
    s.throttled = (s.reasons & harness::kThrottleReasonMask) != 0;
    return s;
  }

 private:
  harness::ClockProbe* probe_;
  ClockStats stats_;
  double sum_ = 0;
};

}  // namespace

Result<Supervisor::PreparedCase> Supervisor::Prepare(const CaseInput& input, std::uint32_t case_id) {
  PreparedCase pc;
  pc.case_id = case_id;
  pc.input = &input;
  pc.params.values = input.params;
  KJ_ASSIGN_OR_RETURN(pc.specs, reference_.Buffers(pc.params));
  if (pc.specs.size() > static_cast<std::size_t>(wire::kMaxBuffers)) {
    return MakeError(ErrorCode::kInternal, "the problem declares more than " + std::to_string(wire::kMaxBuffers) + " buffers");
  }
  if (input.params.size() > static_cast<std::size_t>(wire::kMaxParams)) {
    return MakeError(ErrorCode::kInternal, "the case has more than " + std::to_string(wire::kMaxParams) + " parameters");
  }
  std::uint64_t total = 0;
  for (const auto& s : pc.specs) {
    const std::uint64_t bytes = static_cast<std::uint64_t>(s.count) * problem_api::DTypeSize(s.dtype);
    total = (total + wire::kBufferAlignment - 1) / wire::kBufferAlignment * wire::kBufferAlignment;
    pc.offsets.push_back(total);
    total += bytes;
    pc.truth.emplace_back(bytes);
  }
  pc.total_bytes = total;
  const bool case_memory = !host_backend_ && !device_buffers_;
  if (case_memory) {
    KJ_ASSIGN_OR_RETURN(pc.memory, SharedRegion::Create(total));
  }
  if (device_buffers_) {
    pc.device_snapshots.resize(pc.specs.size());
    for (std::size_t i = 0; i < pc.specs.size(); ++i) {
      if (!pc.specs[i].is_output) continue;
      KJ_ASSIGN_OR_RETURN(pc.device_snapshots[i], device_->Create(pc.truth[i].size()));
    }
  }

  auto setup = wire::Make<wire::Setup>();
  setup.case_id = case_id;
  setup.buffer_count = static_cast<std::uint32_t>(pc.specs.size());
  setup.shared_bytes = total;
  for (std::size_t i = 0; i < pc.specs.size(); ++i) {
    setup.buffers[i] = {pc.offsets[i], pc.truth[i].size(), static_cast<std::uint32_t>(pc.specs[i].dtype),
                        pc.specs[i].is_output ? 1u : 0u};
  }
  std::uint32_t p = 0;
  for (const auto& [name, value] : input.params) {
    if (name.size() >= sizeof setup.params[p].name) return MakeError(ErrorCode::kInternal, "parameter name too long: " + name);
    std::memcpy(setup.params[p].name, name.data(), name.size());
    setup.params[p].value = value;
    ++p;
  }
  setup.param_count = p;
  setup.device_buffers = device_buffers_ ? 1 : 0;
  KJ_RETURN_IF_ERROR(case_memory ? channel_.SendWith(setup, pc.memory) : channel_.Send(setup));
  KJ_ASSIGN_OR_RETURN(auto done, channel_.Receive<wire::SetupDone>(config_->call_timeout_ms));
  if (done.case_id != case_id) return MakeError(ErrorCode::kFailedPrecondition, "SetupDone for the wrong case");
  if (done.status != 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "the harness could not set up the case: " + std::string(done.message, strnlen(done.message, sizeof done.message)));
  }
  return pc;
}

namespace {

/// Fills `buffers` for `params` drawn from `seed`: inputs as generated, outputs as the reference
/// computes them. Safe to call from several threads at once (InputPipeline's workers).
Status GenerateCase(const harness::ReferenceLibrary& reference, problem_api::Params params, std::uint64_t seed,
                    std::vector<std::vector<unsigned char>>& buffers) {
  params.seed = seed;
  std::vector<void*> ptrs;
  for (auto& b : buffers) ptrs.push_back(b.data());
  KJ_RETURN_IF_ERROR(reference.Generate(params, ptrs.data()));
  return reference.Reference(params, ptrs.data());
}

}  // namespace

Status Supervisor::Regenerate(PreparedCase& pc, std::uint64_t seed) {
  pc.params.seed = seed;
  return GenerateCase(reference_, pc.params, seed, pc.truth);
}

namespace {
/// How long the supervisor polls without sleeping for the answers of a call: long enough for
/// most calls, short enough that a slow one does not keep a core busy for nothing.
constexpr int kSpinMs = 50;
}  // namespace

Result<Supervisor::CallOutcome> Supervisor::Call(PreparedCase& pc, bool timed) {
  // The host backend's buffers are the memory the submission computes in: a fresh region for every
  // call, which the judged process only gets with Go. Until the clock runs nothing there can read
  // this call's inputs, not even a submission that replaced the harness at load time.
  if (host_backend_) {
    KJ_ASSIGN_OR_RETURN(pc.memory, SharedRegion::Create(pc.total_bytes));
  }
  auto go = wire::Make<wire::Go>();
  std::vector<int> device_fds;
  struct CloseFds {
    std::vector<int>& fds;
    ~CloseFds() {
      for (int fd : fds) close(fd);
    }
  } close_fds{device_fds};
  if (device_buffers_) {
    KJ_ASSIGN_OR_RETURN(device_fds, StageDeviceBuffers(pc, go));
  } else {
    unsigned char* shared = pc.memory.data();
    for (std::size_t i = 0; i < pc.specs.size(); ++i) {
      if (pc.truth[i].empty()) continue;
      if (pc.specs[i].is_output) {
        Poison(shared + pc.offsets[i], pc.truth[i].size(), RandomU64());
      } else {
        std::memcpy(shared + pc.offsets[i], pc.truth[i].data(), pc.truth[i].size());
      }
    }
  }
  auto call = wire::Make<wire::Call>();
  call.case_id = pc.case_id;
  call.call_id = next_call_id_++;
  call.flush_l2 = (timed && config_->flush_l2) ? 1 : 0;
  KJ_RETURN_IF_ERROR(channel_.Send(call));
  KJ_ASSIGN_OR_RETURN(auto ready, channel_.Receive<wire::Ready>(config_->call_timeout_ms));
  if (ready.case_id != call.case_id || ready.call_id != call.call_id) {
    return MakeError(ErrorCode::kFailedPrecondition, "out-of-sequence answer from the judged process (forged message?)");
  }
  if (ready.status != 0) return MakeError(ErrorCode::kIo, std::string(ready.message, strnlen(ready.message, sizeof ready.message)));
  go.call_id = call.call_id;
  const auto start = std::chrono::steady_clock::now();
  KJ_RETURN_IF_ERROR(device_buffers_  ? channel_.SendWithFds(go, device_fds)
                     : host_backend_ ? channel_.SendWith(go, pc.memory)
                                     : channel_.Send(go));
  KJ_ASSIGN_OR_RETURN(auto done, channel_.Receive<wire::CallDone>(config_->call_timeout_ms, kSpinMs));
  const auto called = std::chrono::steady_clock::now();
  ++pc.calls;
  if (done.case_id != call.case_id || done.call_id != call.call_id) {
    return MakeError(ErrorCode::kFailedPrecondition, "out-of-sequence answer from the judged process (forged message?)");
  }
  if (done.status != 0) {
    return MakeError(ErrorCode::kIo, std::string(done.message, strnlen(done.message, sizeof done.message)));
  }
  double snapshot_ns = 0;
  if (device_buffers_) {
    KJ_ASSIGN_OR_RETURN(snapshot_ns, SnapshotDeviceOutputs(pc));
  }
  KJ_ASSIGN_OR_RETURN(auto downloaded, channel_.Receive<wire::Downloaded>(config_->call_timeout_ms, kSpinMs));
  const auto end = std::chrono::steady_clock::now();
  if (downloaded.call_id != call.call_id) {
    return MakeError(ErrorCode::kFailedPrecondition, "out-of-sequence answer from the judged process (forged message?)");
  }
  if (downloaded.status != 0) {
    return MakeError(ErrorCode::kIo, std::string(downloaded.message, strnlen(downloaded.message, sizeof downloaded.message)));
  }
  CallOutcome outcome;
  outcome.elapsed_ns = downloaded.elapsed_ns;
  // The host harness has nothing left to do after CallDone (the outputs are already in place), so
  // there the clock runs to Downloaded: work a hijacked harness finishes after its CallDone counts.
  outcome.wall_ns = std::chrono::duration<double, std::nano>((host_backend_ ? end : called) - start).count();
  outcome.download_ns = std::chrono::duration<double, std::nano>(end - called).count();
  outcome.snapshot_ns = snapshot_ns;
  if (static const bool log_phases = std::getenv("KJUDGE_HARNESS_PHASES") != nullptr; log_phases) {
    std::fprintf(stderr, "kjudge phases: case %u call %u observed %.1f us reported %.1f us snapshot %.1f us: %.*s\n", call.case_id,
                 call.call_id, outcome.wall_ns / 1e3, outcome.elapsed_ns / 1e3, outcome.snapshot_ns / 1e3,
                 static_cast<int>(strnlen(done.message, sizeof done.message)), done.message);
  }
  return outcome;
}

Result<std::vector<int>> Supervisor::StageDeviceBuffers(PreparedCase& pc, wire::Go& go) {
  pc.device.clear();  // the last call's: the judged process has unmapped them (or holds its own reference)
  const bool calibration = pc.case_id == wire::kCalibrationCase;
  const std::size_t count = calibration ? calibration_buffers_ : pc.specs.size();
  std::vector<int> fds;
  auto fail = [&fds](Error e) -> Result<std::vector<int>> {
    for (int fd : fds) close(fd);
    return e;
  };
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t bytes = calibration ? 1 : pc.truth[i].size();
    auto allocation = device_->Create(bytes);
    if (!allocation.ok()) return fail(allocation.error());
    if (!calibration) {
      const unsigned char* data = pc.truth[i].data();
      if (pc.specs[i].is_output) {
        pc.poison.resize(bytes);
        Poison(pc.poison.data(), bytes, RandomU64());
        data = pc.poison.data();
      }
      if (auto st = device_->Upload(*allocation, data, bytes); !st.ok()) return fail(st.error());
    }
    auto fd = device_->Export(*allocation);
    if (!fd.ok()) return fail(fd.error());
    fds.push_back(*fd);
    go.mapped_bytes[i] = allocation->mapped_bytes();
    pc.device.push_back(std::move(allocation).value());
  }
  go.buffer_count = static_cast<std::uint32_t>(count);
  return fds;
}

Result<double> Supervisor::SnapshotDeviceOutputs(PreparedCase& pc) {
  const auto start = std::chrono::steady_clock::now();
  if (pc.case_id == wire::kCalibrationCase) {
    if (pc.device.empty()) return 0.0;
    if (pc.device_snapshots.empty()) {
      KJ_ASSIGN_OR_RETURN(auto snapshot, device_->Create(1));
      pc.device_snapshots.push_back(std::move(snapshot));
    }
    KJ_RETURN_IF_ERROR(device_->CopyOnDevice(pc.device_snapshots[0], pc.device[0], 1));
  } else {
    for (std::size_t i = 0; i < pc.specs.size(); ++i) {
      if (!pc.specs[i].is_output) continue;
      KJ_RETURN_IF_ERROR(device_->CopyOnDevice(pc.device_snapshots[i], pc.device[i], pc.truth[i].size()));
    }
  }
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
}

double Supervisor::ExpectedSnapshotNs(const PreparedCase& pc) const {
  double ns = 0;
  for (std::size_t i = 0; i < pc.specs.size(); ++i) {
    if (pc.specs[i].is_output) ns += snapshot_fixed_ns_ + snapshot_ns_per_byte_ * static_cast<double>(pc.truth[i].size());
  }
  return ns;
}

Status Supervisor::CollectOutputs(PreparedCase& pc, bool timed) {
  std::vector<std::size_t> outputs;
  for (std::size_t i = 0; i < pc.specs.size(); ++i) {
    if (pc.specs[i].is_output) outputs.push_back(i);
  }
  pc.snapshots.resize(pc.specs.size());
  if (device_buffers_) {
    // Taken at CallDone already, into memory only the supervisor maps.
    for (std::size_t i : outputs) {
      pc.snapshots[i].resize(pc.truth[i].size());
      KJ_RETURN_IF_ERROR(device_->Download(pc.snapshots[i].data(), pc.device_snapshots[i], pc.truth[i].size()));
    }
    if (timed) frozen_checks_ = false;  // nothing of the judged process was stopped: the copy's timing stands in
    return Ok();
  }
  if (!timed) {
    for (std::size_t i : outputs) {
      const unsigned char* from = pc.memory.data() + pc.offsets[i];
      pc.snapshots[i].assign(from, from + pc.truth[i].size());
    }
    return Ok();
  }
  // The judged process is frozen while the outputs are copied out, in a random order, in chunks
  // taken in a random order; the comparison reads the copies.
  std::mt19937_64 rng(RandomU64());
  std::shuffle(outputs.begin(), outputs.end(), rng);
  const bool frozen = freezer_ && freezer_(true).ok();
  if (!frozen) frozen_checks_ = false;
  for (std::size_t i : outputs) SnapshotShuffled(pc.memory.data() + pc.offsets[i], pc.truth[i].size(), pc.snapshots[i]);
  if (frozen && !freezer_(false).ok()) return MakeError(ErrorCode::kInternal, "cannot resume the judged process");
  return Ok();
}

void Supervisor::OpenDeviceBuffers(bool offered) {
  device_buffers_ = false;
  device_.reset();
  if (!offered || !open_device_) return;
  auto device = open_device_();
  if (!device.ok()) {
    std::fprintf(stderr, "kjudge supervise: buffers stay in the judged process: %s\n", device.error().message.c_str());
    return;
  }
  device_ = std::move(device).value();
  device_buffers_ = true;
}

namespace {

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

/// The value below which a `q` fraction of `v` lies. A busy machine only ever lengthens the
/// supervisor's observation of a call (a thread woken late), so a low quantile of the shortfall
/// is what the least disturbed calls show; a report that under-states most calls still shows.
double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[static_cast<std::size_t>(k)];
}

}  // namespace

Status Supervisor::Calibrate() {
  PreparedCase empty;
  empty.case_id = wire::kCalibrationCase;
  std::vector<double> overheads, snapshots;
  for (int i = 0; i < config_->calibration_calls; ++i) {
    KJ_ASSIGN_OR_RETURN(CallOutcome outcome, Call(empty, true));
    if (!std::isfinite(outcome.elapsed_ns) || outcome.elapsed_ns < 0 || outcome.elapsed_ns > outcome.wall_ns + config_->wall_slack_ns) {
      return MakeError(ErrorCode::kFailedPrecondition, "the harness's calibration reported an impossible time");
    }
    overheads.push_back(std::max(0.0, outcome.wall_ns - outcome.elapsed_ns));
    snapshots.push_back(outcome.snapshot_ns);
  }
  harness_overhead_ns_ = Median(std::move(overheads));
  if (device_buffers_) {
    // The copy of one output right after a call, and the device's copy rate: what an output copy
    // at CallDone costs when nothing of the judged process still runs on the GPU.
    snapshot_fixed_ns_ = Median(std::move(snapshots));
    constexpr std::uint64_t kRateBytes = 64u << 20;
    KJ_ASSIGN_OR_RETURN(auto from, device_->Create(kRateBytes));
    KJ_ASSIGN_OR_RETURN(auto to, device_->Create(kRateBytes));
    double best = 0;
    for (int i = 0; i < 3; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      KJ_RETURN_IF_ERROR(device_->CopyOnDevice(to, from, kRateBytes));
      const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
      best = i == 0 ? ns : std::min(best, ns);
    }
    snapshot_ns_per_byte_ = std::max(0.0, best - snapshot_fixed_ns_) / static_cast<double>(kRateBytes);
  }
  return Ok();
}

Result<bool> Supervisor::CheckAgainstWall(std::vector<double>& samples, const std::vector<double>& walls, std::string* why) {
  std::vector<double> shortfall, observed;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    observed.push_back(std::max(0.0, walls[i] - harness_overhead_ns_));
    shortfall.push_back(observed.back() - samples[i]);
  }
  const double missing = Quantile(shortfall, 0.2);
  const double reported = Median(samples);
  const double seen = Median(observed);
  const double charge_at = host_backend_ ? config_->host_charge_abs_ns + config_->host_charge_rel * reported
                                         : config_->charge_abs_ns + config_->charge_rel * reported;
  const double reject_at = (host_backend_ ? config_->host_reject_abs_ns : config_->reject_abs_ns) + config_->reject_rel * seen;
  if (missing > reject_at) {
    *why = "reported times (median " + std::to_string(reported / 1e3) + " us) are far below what the supervisor observed (" +
           std::to_string(seen / 1e3) + " us beyond the harness's own " + std::to_string(harness_overhead_ns_ / 1e3) +
           " us): forged report?";
    return false;
  }
  // On the host backend the systematic part of a shortfall is charged back even within the
  // tolerance: the harness times the call with the supervisor's clock in nearly the same
  // interval, so the shortfall of the least disturbed calls (`missing`) is round-trip noise of a
  // few microseconds on an honest call, and a lie when the harness's timing record was rewritten
  // in memory (tests/exploits/memory_scan_stack.cpp). Every sample is raised by it: a busy
  // machine's stray long observations are not charged, the lie is. GPU samples are corrected
  // only past the charge bound (infinite today): their observation carries launch and
  // synchronization costs far above small kernels' times.
  if (missing <= charge_at) {
    if (host_backend_ && missing > 0) {
      for (double& s : samples) s += missing;
    }
    return true;
  }
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = std::max(samples[i], observed[i]);
  // Host work inside the call (or time the harness did not report): the observation counts.
  *why = "charged the supervisor's observed times: the call took " + std::to_string(missing / 1e3) +
         " us longer than the time reported for it (host work inside the call counts)";
  return true;
}

bool Supervisor::RunTest(const CaseInput& input, std::size_t index, std::size_t count, CaseResult* out) {
  out->kind = "test";
  out->index = index;
  out->params = input.params;
  out->weight = input.weight;
  out->seeds = CaseSeeds{input.seed, input.seed, std::nullopt};
  auto fail = [&](Verdict v, std::string message) {
    out->passed = false;
    out->message = std::move(message);
    failure_ = v;
    failure_message_ = "test " + std::to_string(index + 1) + " (" + ParamsText(input.params) + "): " + out->message;
    return false;
  };
  auto pc = Prepare(input, next_case_id_++);
  if (!pc.ok()) return fail(VerdictFor(pc.error()), pc.error().message);
  if (auto st = Regenerate(*pc, input.seed); !st.ok()) return fail(Verdict::kInternalError, st.error().message);
  auto outcome = Call(*pc, false);
  if (!outcome.ok()) return fail(VerdictFor(outcome.error()), outcome.error().message);
  if (auto st = CollectOutputs(*pc, false); !st.ok()) return fail(Verdict::kInternalError, st.error().message);
  std::string where;
  for (std::size_t i = 0; i < pc->specs.size(); ++i) {
    if (!pc->specs[i].is_output) continue;
    auto cmp = harness::CompareBuffers(pc->specs[i].dtype, pc->truth[i].data(), pc->snapshots[i].data(),
                                       pc->specs[i].count, config_->tolerance);
    if (!cmp.ok()) where += (where.empty() ? "" : "; ") + cmp.Summary(pc->specs[i].name);
  }
  if (!where.empty()) return fail(Verdict::kWrongAnswer, where);
  out->passed = true;
  sink_({{"event", "case"}, {"kind", "test"}, {"index", index + 1}, {"of", count}, {"passed", true}});
  return true;
}

bool Supervisor::RunBenchmark(const CaseInput& input, std::size_t index, std::size_t count, CaseResult* out) {
  out->kind = "benchmark";
  out->index = index;
  out->params = input.params;
  out->weight = input.weight;
  out->sol_ns = input.sol_ns;
  auto fail = [&](Verdict v, std::string message) {
    out->passed = false;
    out->message = std::move(message);
    failure_ = v;
    failure_message_ = "benchmark " + std::to_string(index + 1) + " (" + ParamsText(input.params) + "): " + out->message;
    return false;
  };
  auto pc = Prepare(input, next_case_id_++);
  if (!pc.ok()) return fail(VerdictFor(pc.error()), pc.error().message);
  const bool leaderboard = config_->mode == Mode::kLeaderboard;
  std::uint64_t seed = leaderboard ? MixSeed(input.seed, config_->secret_seed) : input.seed;
  out->seeds = CaseSeeds{input.seed, seed, leaderboard ? std::optional<std::uint64_t>(config_->secret_seed) : std::nullopt};
  if (auto st = Regenerate(*pc, seed); !st.ok()) return fail(Verdict::kInternalError, st.error().message);

  std::vector<double> samples, walls, snapshot_excess;
  const double expected_snapshot_ns = device_buffers_ ? ExpectedSnapshotNs(*pc) : 0;
  frozen_checks_ = true;
  ClockTally clock(clocks_);
  StopReason stop = StopReason::kConverged;
  const auto case_start = std::chrono::steady_clock::now();
  const int total_warmup = std::max(0, config_->warmup_calls);
  // Leaderboard runs: a fresh seed for every timed call, so nothing computed for an earlier call
  // can be replayed; the sets are generated ahead of the calls (input_pipeline.h).
  std::optional<InputPipeline> pipeline;
  if (leaderboard) {
    std::vector<std::size_t> sizes;
    std::size_t set_bytes = 0;
    for (const auto& t : pc->truth) {
      sizes.push_back(t.size());
      set_bytes += t.size();
    }
    const int workers = InputWorkers(host_backend_);
    const int depth = InputPipeline::DepthFor(set_bytes, 2 * std::max(1, workers), config_->input_pipeline_bytes);
    problem_api::Params params = pc->params;
    pipeline.emplace(
        std::move(sizes), [seed](std::uint64_t i) { return MixSeed(seed, i + 1); },
        [this, params](std::uint64_t set_seed, InputPipeline::Buffers& data) {
          return GenerateCase(reference_, params, set_seed, data);
        },
        workers, depth);
  }
  // Where a case's wall time goes (waiting for inputs, in calls, checking outputs), in its "case"
  // event: it tells why a case stopped at its budget with few samples.
  double input_wait_ms = 0, call_ms = 0, check_ms = 0;
  auto since_ms = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
  };
  for (int call_index = 0;; ++call_index) {
    const bool timed = call_index >= total_warmup;
    std::optional<InputPipeline::Set> set;
    if (timed && pipeline) {
      const auto wait_start = std::chrono::steady_clock::now();
      auto next = pipeline->Next();
      input_wait_ms += since_ms(wait_start);
      if (!next.ok()) return fail(Verdict::kInternalError, next.error().message);
      set = std::move(*next);
      std::swap(pc->truth, set->data);
    }
    const auto call_start = std::chrono::steady_clock::now();
    auto outcome = Call(*pc, timed);
    call_ms += since_ms(call_start);
    const auto check_start = std::chrono::steady_clock::now();
    std::string mismatch;
    if (outcome.ok()) {
      if (auto st = CollectOutputs(*pc, true); !st.ok()) return fail(Verdict::kInternalError, st.error().message);
      for (std::size_t i = 0; i < pc->specs.size() && mismatch.empty(); ++i) {
        if (!pc->specs[i].is_output) continue;
        auto cmp = harness::CompareBuffers(pc->specs[i].dtype, pc->truth[i].data(), pc->snapshots[i].data(), pc->specs[i].count,
                                           config_->tolerance);
        if (!cmp.ok()) mismatch = cmp.Summary(pc->specs[i].name);
      }
    }
    if (set) {
      std::swap(pc->truth, set->data);
      pipeline->Recycle(std::move(*set));
    }
    check_ms += since_ms(check_start);
    if (!outcome.ok()) return fail(VerdictFor(outcome.error()), outcome.error().message);
    if (!mismatch.empty()) return fail(Verdict::kWrongAnswer, "call " + std::to_string(call_index + 1) + ": " + mismatch);
    const double t = outcome->elapsed_ns;
    if (!std::isfinite(t) || t <= 0) return fail(Verdict::kRejected, "the harness reported an impossible time");
    if (t > outcome->wall_ns + config_->wall_slack_ns) {
      return fail(Verdict::kRejected, "reported time exceeds the time the supervisor observed (forged report?)");
    }
    if (input.sol_ns > 0 && t < input.sol_ns * config_->sol_margin) {
      return fail(Verdict::kRejected, "reported " + std::to_string(t / 1e3) + " us is below the speed of light (" +
                                          std::to_string(input.sol_ns / 1e3) + " us)");
    }
    if (!timed) continue;
    clock.Read();
    samples.push_back(t);
    walls.push_back(outcome->wall_ns);
    snapshot_excess.push_back(outcome->snapshot_ns - expected_snapshot_ns);
    const int n = static_cast<int>(samples.size());
    if (n >= config_->max_samples) {
      stop = StopReason::kMaxSamples;
      break;
    }
    if (n >= config_->min_samples) {
      if (ComputeStats(samples, walls).rel_sem <= config_->target_rel_error) break;
      const double spent_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - case_start).count();
      if (spent_ms >= config_->case_budget_ms) {
        stop = StopReason::kBudget;
        break;
      }
    }
  }
  out->timing = ComputeStats(samples, walls);
  out->timing->stop = stop;
  out->timing->warmup_calls = static_cast<std::size_t>(total_warmup);
  out->timing->l2_flushed = config_->flush_l2 && !host_backend_;
  out->timing->timer_floor_ns = timer_floor_ns_;
  out->timing->timer = timer_;
  out->timing->case_ms = since_ms(case_start);
  out->timing->input_wait_ms = input_wait_ms;
  out->timing->calls_ms = call_ms;
  out->timing->check_ms = check_ms;
  out->timing->sm_clock = clock.Stats();
  {
    std::string why;
    std::vector<double> charged = samples;
    auto held = CheckAgainstWall(charged, walls, &why);
    const bool floored = charged != samples;
    if (!held.ok()) return fail(Verdict::kInternalError, held.error().message);
    if (!*held) return fail(Verdict::kRejected, why);
    out->timing->buffers = device_buffers_ ? "device" : host_backend_ ? "call" : "case";
    if (device_buffers_ && !snapshot_excess.empty()) {
      const double late = Quantile(snapshot_excess, 0.2);
      out->timing->snapshot_excess_ns = late;
      if (late > config_->snapshot_reject_abs_ns + config_->snapshot_reject_rel * expected_snapshot_ns) {
        return fail(Verdict::kRejected, "the GPU was still busy after the call reported done: copying the outputs took " +
                                            std::to_string(late / 1e3) + " us longer than calibrated (" +
                                            std::to_string(expected_snapshot_ns / 1e3) + " us)");
      }
    }
    out->timing->harness_overhead_ns = harness_overhead_ns_;
    out->timing->outputs_frozen = frozen_checks_;
    if (floored) {
      const TimingStats recomputed = ComputeStats(charged, walls);  // the audit keeps what was reported
      out->timing->charged_ns = recomputed.mean_ns - out->timing->mean_ns;
      out->timing->mean_ns = recomputed.mean_ns;
      out->timing->median_ns = recomputed.median_ns;
      out->timing->stddev_ns = recomputed.stddev_ns;
      out->timing->min_ns = recomputed.min_ns;
      out->timing->max_ns = recomputed.max_ns;
      out->timing->rel_sem = recomputed.rel_sem;
      if (!why.empty()) out->message = why;
    }
  }
  out->passed = true;
  sink_({{"event", "case"},
         {"kind", "benchmark"},
         {"index", index + 1},
         {"of", count},
         {"passed", true},
         {"mean_ns", out->timing->mean_ns},
         {"median_ns", out->timing->median_ns},
         {"rel_sem", out->timing->rel_sem},
         {"samples", out->timing->samples},
         {"throttled", out->timing->sm_clock && out->timing->sm_clock->throttled},
         {"wall_split_ms", {{"case", out->timing->case_ms}, {"input_wait", input_wait_ms}, {"calls", call_ms},
                            {"check", check_ms}}}});
  return true;
}

Status Supervisor::Finish() {
  KJ_RETURN_IF_ERROR(channel_.Send(wire::Make<wire::Shutdown>()));
  // The harness exits without a word after Shutdown: EOF is the only right answer.
  auto extra = channel_.Receive<wire::CallDone>(config_->call_timeout_ms);
  if (extra.ok()) return MakeError(ErrorCode::kFailedPrecondition, "the judged process sent an extra answer (forged message?)");
  if (!channel_.peer_closed()) {
    return MakeError(ErrorCode::kFailedPrecondition, "the judged process misbehaved after its last call: " + extra.error().message);
  }
  return Ok();
}

RunResult Supervisor::Run(const SupervisorConfig& config) {
  config_ = &config;
  RunResult result;
  result.mode = std::string(ModeName(config.mode));
  auto hello = channel_.Receive<wire::Hello>(config.hello_timeout_ms);
  if (!hello.ok()) {
    result.verdict = Verdict::kRuntimeError;
    result.message = "the judged program did not start: " + hello.error().message;
    return result;
  }
  const std::string backend(hello->backend, strnlen(hello->backend, sizeof hello->backend));
  host_backend_ = backend == "cpu";
  // Informational only (the judged side measured it): a floor no reported time goes under.
  timer_floor_ns_ = std::isfinite(hello->timer_floor_ns) && hello->timer_floor_ns > 0 ? hello->timer_floor_ns : 0;
  timer_ = std::string(hello->timer, strnlen(hello->timer, sizeof hello->timer));
  result.device = backend + ": " + std::string(hello->device, strnlen(hello->device, sizeof hello->device));
  OpenDeviceBuffers(!host_backend_ && hello->device_buffers == 1);
  calibration_buffers_ = 1;
  if (const auto& first = config.tests.empty() ? config.benchmarks : config.tests; !first.empty()) {
    problem_api::Params params;
    params.values = first.front().params;
    if (auto specs = reference_.Buffers(params); specs.ok() && !specs->empty()) calibration_buffers_ = specs->size();
  }
  calibration_buffers_ = std::min<std::size_t>(calibration_buffers_, wire::kMaxBuffers);
  if (auto st = Calibrate(); !st.ok()) {
    result.verdict = VerdictFor(st.error());
    result.message = "the harness's calibration failed: " + st.error().message;
    return result;
  }

  // Tests come first in every mode; timed modes only time a submission that is correct.
  const std::vector<CaseInput>& tests = config.mode == Mode::kLeaderboard && config.tests.empty() ? config.benchmarks : config.tests;
  bool ok = true;
  for (std::size_t i = 0; ok && i < tests.size(); ++i) {
    CaseResult cr;
    ok = RunTest(tests[i], i, tests.size(), &cr);
    result.cases.push_back(std::move(cr));
  }
  const bool timed = config.mode != Mode::kTest;
  if (ok && timed) {
    for (std::size_t i = 0; ok && i < config.benchmarks.size(); ++i) {
      CaseResult cr;
      ok = RunBenchmark(config.benchmarks[i], i, config.benchmarks.size(), &cr);
      result.cases.push_back(std::move(cr));
    }
  }
  if (ok) {
    if (auto st = Finish(); !st.ok()) {
      ok = false;
      failure_ = Verdict::kRejected;
      failure_message_ = st.error().message;
    }
  }
  if (!ok) {
    result.verdict = failure_;
    result.message = failure_message_;
    return result;
  }
  result.verdict = Verdict::kPassed;
  if (timed && !config.benchmarks.empty()) {
    double log_sum = 0, log_sol = 0, weights = 0, plain_sum = 0;
    bool all_sol = true;
    for (const auto& c : result.cases) {
      if (c.kind != "benchmark" || !c.timing) continue;
      log_sum += c.weight * std::log(c.timing->mean_ns);
      plain_sum += c.weight * c.timing->mean_ns;
      weights += c.weight;
      if (c.sol_ns > 0) {
        log_sol += c.weight * std::log(c.timing->mean_ns / c.sol_ns);
      } else {
        all_sol = false;
      }
    }
    if (weights > 0) {
      if (config.ranking_by == "mean") {
        result.score_ns = plain_sum / weights;
      } else if (config.ranking_by == "last") {
        result.score_ns = result.cases.back().timing->mean_ns;
      } else {
        result.score_ns = std::exp(log_sum / weights);
      }
      if (all_sol) result.sol_ratio = std::exp(log_sol / weights);
    }
  }
  result.message = timed ? "all " + std::to_string(result.cases.size()) + " cases passed" :
                           "all " + std::to_string(result.cases.size()) + " tests passed";
  return result;
}

}  // namespace kjudge::runner
