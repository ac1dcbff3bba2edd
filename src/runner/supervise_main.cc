// `kjudge supervise JOB.json`: the supervisor process. Loads the problem's reference library,
// starts the judged binary in the sandbox with the channel's descriptors, judges, and prints
// JSON lines ({"event": ...} then {"result": ...}) for the runner.
#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <fstream>
#include <iostream>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <sstream>

#include "kjudge/harness/gpu_clock.h"
#include "kjudge/harness/reference_library.h"
#include "kjudge/runner/compile_cache.h"
#include "kjudge/runner/supervise_job.h"
#include "kjudge/sandbox/sandbox.h"

namespace kjudge::runner {

namespace {

/// Where the judged binary appears inside the sandbox (copied in execute-only, see CopiedFile).
constexpr const char* kJudgedPathInSandbox = "/judged";
/// And the submission's library, readable (the loader maps it), never writable.
constexpr const char* kLibraryPathInSandbox = "/submission.so";

void PrintLine(const nlohmann::json& line) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n" << std::flush;
}

/// The judged process, sandboxed or (tests of the supervisor only) plain.
class JudgedRun {
 public:
  static Result<JudgedRun> Start(const SuperviseJob& job, JudgedChannel& channel) {
    JudgedRun run;
    if (job.sandbox.enabled) {
      sandbox::SandboxPolicy policy;
      if (job.sandbox.device_nodes.empty()) {
        policy = sandbox::HostProgramPolicy(job.work_dir);
      } else {
        std::vector<std::filesystem::path> nodes(job.sandbox.device_nodes.begin(), job.sandbox.device_nodes.end());
        policy = sandbox::GpuProgramPolicy(job.work_dir, nodes, static_cast<std::uint64_t>(job.sandbox.memory_limit_bytes));
      }
      for (const auto& p : job.sandbox.read_only_paths) policy.read_only.push_back({p, ""});
      policy.copied_files.push_back({job.judged_binary, kJudgedPathInSandbox, 0111});
      policy.copied_files.push_back({job.judged_library, kLibraryPathInSandbox, 0444});
      policy.allow_new_processes = job.sandbox.allow_new_processes;
      policy.limits.wall_limit_ms = job.sandbox.wall_limit_ms;
      policy.limits.cpu_limit_ms = job.sandbox.wall_limit_ms;
      policy.limits.max_processes = static_cast<std::uint64_t>(job.sandbox.max_processes);
      if (job.sandbox.device_nodes.empty()) policy.limits.address_space_bytes = static_cast<std::uint64_t>(job.sandbox.memory_limit_bytes);
      for (const auto& kv : job.sandbox.environment) {
        const auto eq = kv.find('=');
        if (eq != std::string::npos) policy.env[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
      KJ_ASSIGN_OR_RETURN(auto process,
                          sandbox::SandboxedProcess::Start(policy, {kJudgedPathInSandbox, kLibraryPathInSandbox},
                                                           {{channel.child_control_fd(), harness::wire::kControlFd}}));
      run.sandboxed_.emplace(std::move(process));
    } else {
      run.pid_ = fork();
      if (run.pid_ < 0) return MakeError(ErrorCode::kIo, "fork failed");
      if (run.pid_ == 0) {
        int ctl = fcntl(channel.child_control_fd(), F_DUPFD_CLOEXEC, 10);
        dup2(ctl, harness::wire::kControlFd);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        execl(job.judged_binary.c_str(), job.judged_binary.c_str(), job.judged_library.c_str(), static_cast<char*>(nullptr));
        _exit(127);
      }
    }
    channel.CloseChildEnd();
    return run;
  }

  /// Stops or resumes every process of the run (the sandbox's cgroup freezer); unsandboxed runs
  /// (tests of the supervisor) have none.
  Status Freeze(bool frozen) {
    if (!sandboxed_) return MakeError(ErrorCode::kFailedPrecondition, "not sandboxed");
    return sandboxed_->Freeze(frozen);
  }

  /// Ends the run (killing what is left) and describes how it ended; empty when it exited cleanly.
  struct Ending {
    std::string log;          ///< the judged process's stdout/stderr, trimmed
    std::string description;  ///< "killed by SIGSEGV", "wall time limit exceeded", ...
    bool wall_timeout = false;
    bool clean = true;
    bool killed_by_us = false;
    bool output_limit = false;
    bool resource_limit = false;  ///< hit the process or memory cap (a fork bomb beside right answers)
  };
  /// Waits up to `linger_ms` for the run to end by itself (a clean exit, or a crash being
  /// reaped so its signal can be reported), then kills what is left.
  Ending Finish(int linger_ms) {
    Ending e;
    if (sandboxed_) {
      // The harness exits by itself after Shutdown (give it a moment to be reaped); a run that is
      // still going after that is killed.
      auto waiting = std::async(std::launch::async, [this] { return sandboxed_->Wait(); });
      if (waiting.wait_for(std::chrono::milliseconds(linger_ms)) != std::future_status::ready) {
        sandboxed_->Cancel();
        e.killed_by_us = true;
      }
      auto waited = waiting.get();
      if (!waited.ok()) {
        e.clean = false;
        e.description = "sandbox failure: " + waited.error().message;
        return e;
      }
      e.log = TrimLog(waited->out.data + waited->err.data, 64 * 1024);
      e.wall_timeout = waited->wall_limit_hit;
      e.output_limit = waited->output_limit_hit;
      e.resource_limit = waited->process_limit_hit || waited->memory_limit_hit;
      e.clean = waited->Succeeded();
      if (!e.clean && !e.killed_by_us) e.description = waited->Describe();
      return e;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    e.clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (WIFSIGNALED(status)) e.description = "killed by signal " + std::to_string(WTERMSIG(status));
    if (WIFEXITED(status) && !e.clean) e.description = "exited with status " + std::to_string(WEXITSTATUS(status));
    return e;
  }

 private:
  std::optional<sandbox::SandboxedProcess> sandboxed_;
  pid_t pid_ = -1;
};

/// The minor number of the NVIDIA GPU the job binds (/dev/nvidia<N>), if it binds one.
std::optional<unsigned> NvidiaMinor(const std::vector<std::string>& device_nodes) {
  constexpr std::string_view kPrefix = "/dev/nvidia";
  for (const auto& node : device_nodes) {
    if (node.rfind(kPrefix, 0) != 0 || node.size() == kPrefix.size() || node.size() > kPrefix.size() + 6) continue;
    const std::string digits = node.substr(kPrefix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    return static_cast<unsigned>(std::stoul(digits));
  }
  return std::nullopt;
}

/// The clock probe of the job's GPU; null (with a note on stderr) where NVML cannot read it.
std::unique_ptr<harness::ClockProbe> OpenClockProbe(const SuperviseJob& job) {
  const auto minor = NvidiaMinor(job.sandbox.device_nodes);
  if (!minor) return nullptr;
  auto probe = harness::OpenNvmlClockProbe(*minor);
  if (!probe.ok()) {
    std::cerr << "kjudge supervise: the SM clock will not be reported: " << probe.error().message << "\n";
    return nullptr;
  }
  return std::move(probe).value();
}

RunResult Judge(const SuperviseJob& job) {
  RunResult failed;
  failed.mode = std::string(ModeName(job.config.mode));
  failed.verdict = Verdict::kInternalError;
  auto reference = harness::ReferenceLibrary::Load(job.reference_library);
  if (!reference.ok()) {
    failed.message = reference.error().message;
    return failed;
  }
  auto channel = JudgedChannel::Create();
  if (!channel.ok()) {
    failed.message = channel.error().message;
    return failed;
  }
  auto run = JudgedRun::Start(job, *channel);
  if (!run.ok()) {
    failed.message = "cannot start the judged program: " + run.error().message;
    return failed;
  }
  const auto clocks = OpenClockProbe(job);
  Supervisor supervisor(**reference, *channel, [](const nlohmann::json& event) { PrintLine({{"event", event}}); },
                        clocks.get());
  // KJUDGE_NO_FREEZE=1 (measurements only): compare outputs without freezing the judged process.
  if (std::getenv("KJUDGE_NO_FREEZE") == nullptr) supervisor.SetFreezer([&run](bool frozen) { return run->Freeze(frozen); });
  // The call's buffers on the GPU, allocated here and handed over with each Go (docs/security.md).
  // KJUDGE_NO_DEVICE_BUFFERS=1 in the runner's environment falls back to case memory uploaded by
  // the harness (measurements only). Never under Nsight Compute: a profile run starts the judged
  // program through ncu, whose replay saves and restores the process's own allocations.
  if (const auto minor = NvidiaMinor(job.sandbox.device_nodes);
      minor && !job.sandbox.allow_new_processes && std::getenv("KJUDGE_NO_DEVICE_BUFFERS") == nullptr) {
    supervisor.SetDeviceBuffers([m = *minor] { return DeviceBuffers::OpenCuda(m); });
  }
  RunResult result = supervisor.Run(job.config);
  // Passed: the harness exits after Shutdown. Crashed (channel closed): the process is on its way
  // out, wait to learn how it died. Otherwise (hung, wrong answer): nothing to wait for.
  const int linger_ms = result.verdict == Verdict::kPassed ? 5000 : channel->peer_closed() ? 2000 : 0;
  auto ending = run->Finish(linger_ms);
  result.run_log = ending.log;
  if (result.verdict == Verdict::kPassed && ending.output_limit) {
    // Flooding the logs is not allowed even when the answers are right.
    result.verdict = Verdict::kRuntimeError;
    result.message = "the judged program printed more than the output limit (1 MiB per stream)";
  } else if (result.verdict == Verdict::kPassed && ending.resource_limit) {
    result.verdict = Verdict::kRuntimeError;
    result.message = "the judged program hit the sandbox's process or memory limit";
  } else if (result.verdict == Verdict::kPassed && !ending.clean) {
    // Every answer checked out but the process did not end cleanly (a crash in a destructor, a
    // limit): the result cannot be trusted whole.
    result.verdict = Verdict::kRuntimeError;
    result.message = "the judged program did not exit cleanly: " + ending.description;
  } else if (result.verdict != Verdict::kPassed && ending.wall_timeout) {
    result.verdict = Verdict::kTimeLimit;
    result.message = "time limit exceeded (" + std::to_string(job.sandbox.wall_limit_ms / 1000) + " s for the run)";
  } else if (result.verdict == Verdict::kRuntimeError && !ending.description.empty()) {
    result.message += " (" + ending.description + ")";
  }
  return result;
}

}  // namespace

int SuperviseMain(const std::string& job_file) {
  // A runner that dies takes its supervisor (and with it the sandbox) along: the job is requeued
  // when the lease runs out, and nobody would read our answer.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 3;
  signal(SIGPIPE, SIG_IGN);
  std::ifstream in(job_file);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = nlohmann::json::parse(text.str(), nullptr, false);
  if (!in || parsed.is_discarded()) {
    std::cerr << "kjudge supervise: cannot read job file " << job_file << "\n";
    return 2;
  }
  auto job = SuperviseJobFromJson(parsed);
  if (!job.ok()) {
    std::cerr << "kjudge supervise: " << job.error().message << "\n";
    return 2;
  }
  PrintLine({{"result", ToJson(Judge(*job))}});
  return 0;
}

}  // namespace kjudge::runner
