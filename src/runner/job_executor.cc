#include "kjudge/runner/job_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "kjudge/core/clock.h"
#include "kjudge/core/random.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/problem/sol_model.h"
#include "kjudge/runner/profile_run.h"
#include "kjudge/runner/supervise_job.h"
#include "kjudge/sandbox/sandbox.h"

extern char** environ;

namespace kjudge::runner {

namespace fs = std::filesystem;

namespace {

/// Host directories as the build sandbox shows them: the work directory at /work, each read-only
/// input directory at /in/<i> (host paths may lie under /tmp, which the sandbox replaces).
struct PathMap {
  std::vector<std::pair<std::string, std::string>> host_to_inside;  // longest host path first

  /// Rewrites an argument that is a host path, or "-I" followed by one; once, longest match first.
  std::string Rewrite(const std::string& arg) const {
    const std::size_t skip = arg.rfind("-I", 0) == 0 ? 2 : 0;
    for (const auto& [host, inside] : host_to_inside) {
      if (arg.compare(skip, host.size(), host) != 0) continue;
      const std::size_t end = skip + host.size();
      if (end < arg.size() && arg[end] != '/') continue;
      return arg.substr(0, skip) + inside + arg.substr(end);
    }
    return arg;
  }
};

double TimeoutForMode(const problem::Timeouts& t, Mode mode) {
  switch (mode) {
    case Mode::kTest: return t.test_s;
    case Mode::kBenchmark: return t.benchmark_s;
    case Mode::kLeaderboard: return t.leaderboard_s;
    case Mode::kProfile: return t.profile_s;
  }
  return t.test_s;
}

RunResult Failure(Verdict verdict, const std::string& mode, std::string message) {
  RunResult r;
  r.verdict = verdict;
  r.mode = mode;
  r.message = std::move(message);
  return r;
}

/// Runs `kjudge supervise JOB`, forwarding events; returns its result line.
Result<RunResult> RunSupervisor(const std::string& binary, const fs::path& job_file, std::int64_t limit_ms,
                                const ProgressSink& progress, std::stop_token cancel) {
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return MakeError(ErrorCode::kIo, "pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  std::vector<std::string> args = {binary, "supervise", job_file.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    return MakeError(ErrorCode::kIo, "cannot start the supervisor " + binary + ": " + std::strerror(rc));
  }
  std::string buffer;
  std::optional<RunResult> result;
  std::string failure;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      failure = "the supervisor did not finish within " + std::to_string(limit_ms / 1000) + " s";
      break;
    }
    if (cancel.stop_requested()) {
      failure = "cancelled";
      break;
    }
    pollfd pfd{out_pipe[0], POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 200))) <= 0) continue;
    char chunk[65536];
    ssize_t n = read(out_pipe[0], chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
      auto line = nlohmann::json::parse(buffer.substr(0, nl), nullptr, false);
      buffer.erase(0, nl + 1);
      if (!line.is_object()) continue;
      if (line.contains("event")) progress(line["event"]);
      if (line.contains("result")) {
        auto parsed = RunResultFromJson(line["result"]);
        if (parsed.ok()) {
          result = std::move(parsed).value();
        } else {
          failure = parsed.error().message;
        }
      }
    }
  }
  close(out_pipe[0]);
  int status = 0;
  if (waitpid(pid, &status, WNOHANG) == 0) {
    // Still running after the result or the deadline: it has nothing more to say.
    kill(pid, failure.empty() ? SIGTERM : SIGKILL);
    waitpid(pid, &status, 0);
  }
  if (result) return std::move(*result);
  if (failure.empty()) failure = "the supervisor exited without a result (status " + std::to_string(status) + ")";
  return MakeError(ErrorCode::kInternal, failure);
}

/// Profile mode on a GPU: Nsight Compute on NVIDIA (profile_run.h); the reason there is no
/// profile anywhere else. Benchmark timings stand either way.
ProfileOutcome ProfileOnGpu(problem::Vendor vendor, bool sandboxed, const SuperviseJob& passed, const fs::path& job_dir,
                            const SuperviseRunner& supervise) {
  ProfileOutcome none;
  if (vendor != problem::Vendor::kNvidia) {
    none.summary = NoProfile("profiling is implemented for NVIDIA GPUs (Nsight Compute) only; this backend reports benchmark timings");
    return none;
  }
  if (!sandboxed) {
    none.summary = NoProfile("profiling needs the sandbox, and this runner runs with --unsafe-no-sandbox");
    return none;
  }
  const char* configured = std::getenv(kNcuEnv);
  const char* path = std::getenv("PATH");
  auto ncu = FindNcu(configured ? configured : "", path ? path : "");
  if (!ncu.ok()) {
    none.summary = NoProfile(ncu.error().message);
    return none;
  }
  return RunProfile(passed, job_dir, *ncu, ProfileOptions{}, supervise);
}

}  // namespace

JobExecutor::JobExecutor(ExecutorOptions options)
    : options_(std::move(options)),
      cache_(options_.cache_dir / "build",
             [this](const std::vector<std::string>& argv, const fs::path& workdir, const std::vector<fs::path>& read_dirs) {
               return RunBuildCommand(argv, workdir, read_dirs);
             },
             options_.compilers) {}

namespace {

/// --unsafe-no-sandbox only: runs a build command with the runner's own rights.
Result<CommandOutput> RunUnsandboxed(const std::vector<std::string>& argv, const fs::path& workdir) {
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return MakeError(ErrorCode::kIo, "pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, workdir.c_str());
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    return MakeError(ErrorCode::kInternal, "cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  CommandOutput out;
  char buf[65536];
  for (ssize_t n; (n = read(out_pipe[0], buf, sizeof buf)) > 0;) out.output.append(buf, static_cast<std::size_t>(n));
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace

Result<CommandOutput> JobExecutor::RunBuildCommand(const std::vector<std::string>& argv, const fs::path& workdir,
                                                   const std::vector<fs::path>& read_dirs) {
  if (!options_.sandbox) return RunUnsandboxed(argv, workdir);
  // /usr (with /usr/local/cuda and /opt/rocm-style toolchains) is among the default binds.
  auto policy = sandbox::CompilerPolicy(workdir);
  PathMap map;
  map.host_to_inside.emplace_back(fs::weakly_canonical(workdir).string(), sandbox::kSandboxWorkDir);
  for (std::size_t i = 0; i < read_dirs.size(); ++i) {
    const std::string host = fs::weakly_canonical(read_dirs[i]).string();
    const std::string inside = "/in/" + std::to_string(i);
    map.host_to_inside.emplace_back(host, inside);
    policy.read_only.push_back({host, inside});
  }
  std::sort(map.host_to_inside.begin(), map.host_to_inside.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::vector<std::string> inside;
  for (const auto& a : argv) inside.push_back(map.Rewrite(a));
  auto ran = sandbox::RunSandboxed(policy, inside);
  // The sandbox failing is our problem, never a compile error of the competitor's.
  if (!ran.ok()) return MakeError(ErrorCode::kInternal, "build sandbox: " + ran.error().message);
  sandbox::SandboxResult& r = *ran;
  CommandOutput out;
  out.exit_code = r.termination == sandbox::Termination::kExited ? r.exit_code : -1;
  out.timed_out = r.wall_limit_hit;
  // Compiler messages name /work/...; show competitors the file name they know.
  out.output = r.err.data + r.out.data;
  if (!r.Succeeded() && r.termination != sandbox::Termination::kExited) out.output += "\n" + r.Describe() + "\n";
  return out;
}

Status JobExecutor::PrepareCacheDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create cache directory " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms(0755), ec);
  for (fs::path p = fs::absolute(dir); p.has_relative_path(); p = p.parent_path()) {
    const auto perms = fs::status(p, ec).permissions();
    if (!ec && (perms & fs::perms::others_exec) == fs::perms::none) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the cache directory " + dir.string() + " is not reachable by the sandbox's unprivileged user: " +
                           p.string() + " is not searchable by others (chmod o+x it, or choose another cache directory)");
    }
  }
  return Ok();
}

Result<ProblemFiles> JobExecutor::MaterializeProblem(const problem::ProblemBundle& bundle) {
  ProblemFiles files;
  files.content_hash = bundle.content_hash;
  files.dir = options_.cache_dir / "problems" / bundle.content_hash;
  files.reference = bundle.spec.files.reference.path;
  for (const auto& [language, ref] : bundle.spec.files.glue) files.glue[std::string(problem::LanguageName(language))] = ref.path;
  std::error_code ec;
  if (fs::exists(files.dir / ".complete")) return files;
  const fs::path tmp = options_.cache_dir / "problems" / ("tmp-" + RandomHex(8));
  for (const auto& [path, content] : bundle.files) {
    const fs::path target = tmp / path;
    fs::create_directories(target.parent_path(), ec);
    std::ofstream out(target, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) return MakeError(ErrorCode::kIo, "cannot write " + target.string());
  }
  std::ofstream(tmp / ".complete") << bundle.content_hash << "\n";
  fs::rename(tmp, files.dir, ec);
  if (ec && !fs::exists(files.dir / ".complete")) {
    return MakeError(ErrorCode::kIo, "cannot store problem version " + bundle.content_hash + ": " + ec.message());
  }
  fs::remove_all(tmp, ec);
  return files;
}

RunResult JobExecutor::Execute(const LeasedJob& job, const problem::ProblemBundle& bundle, const ProgressSink& forward,
                               std::stop_token cancel) {
  // Every event carries the runner's wall clock when it happened (runner_ms): the server stamps
  // time_ms when a batch of events arrives, which can be up to a second later.
  const ProgressSink progress = [&forward](const nlohmann::json& event) {
    nlohmann::json stamped = event;
    stamped["runner_ms"] = DefaultClock().NowMs();
    forward(stamped);
  };
  auto mode = ParseMode(job.mode);
  if (!mode.ok()) return Failure(Verdict::kInternalError, job.mode, mode.error().message);
  const auto& spec = bundle.spec;
  auto gpu = problem::LookupGpu(job.gpu);
  if (!gpu.ok()) return Failure(Verdict::kInternalError, job.mode, gpu.error().message);
  auto language = problem::ParseLanguage(job.language);
  if (!language || !spec.HasLanguage(*language)) {
    return Failure(Verdict::kCompileError, job.mode, "this problem does not accept '" + job.language + "' submissions");
  }
  if (problem::VendorLanguage((*gpu)->vendor) != problem::LanguageName(*language)) {
    return Failure(Verdict::kCompileError, job.mode,
                   std::string(problem::LanguageName(*language)) + " does not run on " + std::string((*gpu)->name));
  }
  auto toolchain = Toolchain::Create(*language, std::string((*gpu)->toolchain_target), options_.compilers);
  if (!toolchain.ok()) return Failure(Verdict::kInternalError, job.mode, toolchain.error().message);
  auto files = MaterializeProblem(bundle);
  if (!files.ok()) return Failure(Verdict::kInternalError, job.mode, files.error().message);

  progress({{"event", "compiling"}, {"language", job.language}, {"target", (*gpu)->toolchain_target}});
  const fs::path job_dir = options_.cache_dir / "jobs" / (std::to_string(job.job_id) + "-" + job.lease_id.substr(0, 8));
  std::error_code ec;
  fs::remove_all(job_dir, ec);
  auto built = cache_.BuildJudged(*files, *toolchain, job.source, job_dir);
  if (!built.ok()) {
    RunResult r = Failure(built.error().code == ErrorCode::kInvalidArgument ? Verdict::kCompileError : Verdict::kInternalError,
                          job.mode, built.error().code == ErrorCode::kInvalidArgument ? "compilation failed" : built.error().message);
    r.compile_log = built.error().message;
    fs::remove_all(job_dir, ec);
    return r;
  }
  // The reference library is built (or found in the cache) before "compiled": all compiling is
  // inside the compiling..compiled span.
  auto reference = cache_.ReferenceLibrary(*files);
  if (!reference.ok()) return Failure(Verdict::kInternalError, job.mode, reference.error().message);
  progress({{"event", "compiled"}});

  SuperviseJob sj;
  sj.judged_binary = built->binary.string();
  sj.judged_library = built->library.string();
  sj.reference_library = reference->string();
  // The judged process writes only scratch files; it gets a fresh directory of its own.
  sj.work_dir = (job_dir / "run").string();
  fs::create_directories(sj.work_dir, ec);
  sj.sandbox.enabled = options_.sandbox;
  sj.sandbox.wall_limit_ms = static_cast<std::int64_t>(TimeoutForMode(spec.timeouts, *mode) * 1000);
  if ((*gpu)->vendor != problem::Vendor::kHost) {
    auto nodes = (*gpu)->vendor == problem::Vendor::kNvidia ? sandbox::NvidiaDeviceNodes(options_.device.value_or(0))
                                                            : sandbox::AmdDeviceNodes(options_.device.value_or(0));
    if (!nodes.ok()) return Failure(Verdict::kInternalError, job.mode, nodes.error().message);
    for (const auto& n : *nodes) sj.sandbox.device_nodes.push_back(n.string());
    sj.sandbox.read_only_paths = {"/sys", "/usr/local/cuda", "/usr/local/nvidia"};
  }
  auto& c = sj.config;
  c.mode = *mode;
  c.tolerance = {spec.tolerance.rtol, spec.tolerance.atol};
  c.ranking_by = std::string(problem::RankingByName(spec.ranking_by));
  c.secret_seed = *mode == Mode::kLeaderboard ? RandomU64() : 0;
  const bool host = (*gpu)->vendor == problem::Vendor::kHost;
  c.case_budget_ms = host ? options_.case_budget_ms : options_.gpu_case_budget_ms;
  c.max_samples = host ? options_.max_samples : options_.gpu_max_samples;
  if (!host) {
    c.min_samples = options_.gpu_min_samples;
    c.target_rel_error = options_.gpu_target_rel_error;
  }
  for (const auto& t : spec.tests) c.tests.push_back({t.params, t.seed, 0, t.weight});
  for (const auto& b : spec.benchmarks) {
    auto sol = problem::CaseSpeedOfLight(**gpu, b);
    c.benchmarks.push_back({b.params, b.seed, sol.ok() ? sol->seconds * 1e9 : 0, b.weight});
  }
  const fs::path job_file = job_dir / "supervise.json";
  std::ofstream(job_file) << ToJson(sj).dump(2);

  // The supervisor's own limit is the sandbox's plus time to start and to load the reference.
  auto judged = RunSupervisor(options_.kjudge_binary, job_file, sj.sandbox.wall_limit_ms + 60'000, progress, cancel);
  RunResult result = judged.ok() ? std::move(judged).value() : Failure(Verdict::kInternalError, job.mode, judged.error().message);
  result.compile_log = built->log;
  if (*mode == Mode::kProfile && result.verdict == Verdict::kPassed) {
    if ((*gpu)->vendor == problem::Vendor::kHost) {
      result.message += "; the host backend has no profiler, so profile mode reports benchmark timings";
      result.profile = NoProfile("the host backend has no profiler");
    } else {
      progress({{"event", "profiling"}, {"tool", "ncu"}});
      const SuperviseRunner supervise = [&](const fs::path& file, std::int64_t limit_ms) {
        // The profiled run's per-case events would repeat the benchmark cases: not forwarded.
        return RunSupervisor(options_.kjudge_binary, file, limit_ms, [](const nlohmann::json&) {}, cancel);
      };
      ProfileOutcome profiled = ProfileOnGpu((*gpu)->vendor, options_.sandbox, sj, job_dir, supervise);
      result.message += "; " + ProfileOneLine(profiled.summary);
      result.profile = std::move(profiled.summary);
      result.profile_report = std::move(profiled.report);
    }
  }
  fs::remove_all(job_dir, ec);
  return result;
}

}  // namespace kjudge::runner
