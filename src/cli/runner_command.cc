// `kjudge runner`: a judging daemon for one GPU (or the host CPU), and the hidden
// `kjudge supervise JOB` it starts for every job.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "command.h"
#include "kjudge/runner/runner_daemon.h"
#include "kjudge/runner/supervise_job.h"
#include "kjudge/sandbox/sandbox_check.h"
#include "settings.h"
#include "signals.h"

namespace kjudge::cli {

namespace {

struct RunnerFlags {
  std::string server;
  std::string token;
  std::string gpu = "cpu";
  int device = -1;
  std::string name;
  std::string cache_dir = "var/runner-cache";
  int lease_wait_s = 20;
  bool unsafe_no_sandbox = false;
};

int RunRunner(const RunnerFlags& f) {
  if (f.server.empty() || f.token.empty()) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument, "runner needs --server and --token (or KJUDGE_SERVER, KJUDGE_TOKEN)"),
                       kExitUsage);
  }
  if (auto url = runner::ServerUrl::Parse(f.server); !url.ok()) return ReportError(url.error(), kExitUsage);
  auto support = sandbox::CheckSandbox();
  if (support.ok()) {
    spdlog::info("sandbox: {}", support->Describe());
  } else if (f.unsafe_no_sandbox) {
    spdlog::warn("{}; running WITHOUT a sandbox (--unsafe-no-sandbox): submissions can do anything this user can",
                 support.error().message);
  } else {
    return ReportError(MakeError(support.error().code, support.error().message +
                                                           " (refusing to judge; --unsafe-no-sandbox overrides for development)"),
                       kExitFailed);
  }
  runner::RunnerOptions o;
  o.server_url = f.server;
  o.token = f.token;
  o.gpu = f.gpu;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  o.name = f.name.empty() ? std::string(host) + "-" + f.gpu + (f.device >= 0 ? "-" + std::to_string(f.device) : "") : f.name;
  o.lease_wait_s = f.lease_wait_s;
  o.executor.cache_dir = std::filesystem::absolute(f.cache_dir);
  std::error_code ec;
  o.executor.kjudge_binary = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (f.device >= 0) o.executor.device = f.device;
  o.executor.sandbox = support.ok() || !f.unsafe_no_sandbox;
  BlockStopSignals();
  std::jthread worker([o](std::stop_token stop) {
    runner::RunnerDaemon daemon(o);
    if (auto st = daemon.Run(stop); !st.ok()) {
      ReportError(st.error(), kExitFailed);
      std::_Exit(kExitFailed);
    }
  });
  spdlog::info("runner {} serving {} for {}", o.name, o.gpu, f.server);
  WaitForStopSignal();
  spdlog::info("stopping: finishing the current job first");
  worker.request_stop();
  return kExitOk;
}

}  // namespace

Command RegisterRunner(CLI::App& root) {
  auto flags = std::make_shared<RunnerFlags>();
  CLI::App* cmd = root.add_subcommand("runner", "Run a judging daemon for one GPU (leases jobs from a server)");
  auto settings = std::make_shared<Settings>(cmd, "runner");
  settings->Add("server", &flags->server, "server URL, e.g. https://judge.example.org");
  settings->Add("token", &flags->token, "runner token (kjudge admin token issue --kind runner)");
  settings->Add("gpu", &flags->gpu, "GPU type this runner judges for (catalogue name: H100, MI300X, cpu, ...)");
  settings->Add("device", &flags->device, "GPU index on this host (default: 0 for GPUs)");
  settings->Add("name", &flags->name, "runner name shown in runs (default: HOST-GPU-DEVICE)");
  settings->Add("cache-dir", &flags->cache_dir, "compile cache and problem versions");
  settings->Add("lease-wait", &flags->lease_wait_s, "long-poll seconds per lease request")->check(CLI::Range(0, 60));
  settings->AddFlag("unsafe-no-sandbox", &flags->unsafe_no_sandbox,
                    "judge even when the sandbox does not work here (development only: no isolation at all)");
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return RunRunner(*flags);
          }};
}

Command RegisterSupervise(CLI::App& root) {
  auto job = std::make_shared<std::string>();
  CLI::App* cmd = root.add_subcommand("supervise", "(internal) judge one job described by a runner's job file");
  cmd->group("");  // hidden from --help: runners start it, people do not
  cmd->add_option("job", *job, "job file")->required();
  return {cmd, [job] { return runner::SuperviseMain(*job); }};
}

}  // namespace kjudge::cli
