// `kjudge serve`: the server. Opens (or creates) the database, loads problems, serves HTTP, and with
// --local-runner judges in-process (runners connect to this server over loopback, exactly like
// remote ones).
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "command.h"
#include "kjudge/core/clock.h"
#include "kjudge/http/server.h"
#include "kjudge/http/server_app.h"
#include "kjudge/queue/job_queue.h"
#include "kjudge/runner/runner_daemon.h"
#include "kjudge/store/token_repository.h"
#include "kjudge/store/user_repository.h"
#include "problem_loader.h"
#include "settings.h"
#include "signals.h"

namespace kjudge::cli {

namespace {

/// Every request allocates and frees buffers of up to the body limit (1 MiB) on several threads.
/// With glibc's defaults each such free hands the memory back to the kernel (munmap, or madvise
/// on a thread arena) and the next request faults it in again. Keeping up to 64 MiB per arena and
/// serving blocks under 4 MiB from the heap costs a bounded amount of resident memory instead;
/// bench/ingest went from about 1,050 to about 1,190 accepted submissions/s with it (2 cores).
void KeepFreedMemoryForReuse() {
  mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

struct ServeFlags {
  std::string db = "kjudge.db";
  std::string listen = "127.0.0.1:8080";
  std::string problems;
  int threads = 4;
  std::uint64_t max_submission_bytes = 1024 * 1024;
  std::vector<std::string> local_runners;  ///< "cpu", "cuda:0", "hip:1"
  std::string cache_dir = "var/cache";
  bool dry_run = false;
  int lease_seconds = 60;
  std::string tls_cert;  ///< PEM certificate (chain); with tls_key, the server speaks HTTPS only
  std::string tls_key;
  std::vector<std::string> rate_limits;  ///< ParseRateRule syntax; replaces the defaults when given
  int max_queued_jobs = http::IntakeRules{}.max_queued_jobs_per_user;
  std::int64_t duplicate_window_s = http::IntakeRules{}.duplicate_window_s;
};

/// "cpu" -> (cpu, none); "cuda:1" / "H100:1" -> (GPU type, device 1).
Result<std::pair<std::string, std::optional<int>>> ParseLocalRunner(const std::string& spec) {
  const auto colon = spec.find(':');
  std::string gpu = spec.substr(0, colon);
  std::optional<int> device;
  if (colon != std::string::npos) {
    try {
      device = std::stoi(spec.substr(colon + 1));
    } catch (...) {
      return MakeError(ErrorCode::kInvalidArgument, "--local-runner '" + spec + "': expected TYPE or TYPE:DEVICE");
    }
  }
  if (gpu == "cuda") gpu = "H100";
  if (gpu == "hip") gpu = "MI300X";
  return std::make_pair(gpu, device);
}

/// A runner token for the in-process runners, issued at each start (never printed).
Result<std::string> LocalRunnerToken(store::Database& db) {
  store::UserRepository users(db);
  auto user = users.GetByName("local-runner");
  if (!user.ok()) user = users.Create({"local-runner", "in-process runner", store::Role::kRunner});
  if (!user.ok()) return user.error();
  KJ_ASSIGN_OR_RETURN(auto issued, store::TokenRepository(db).Issue({user->id, store::TokenKind::kRunner, "serve --local-runner",
                                                                    DefaultClock().NowMs() + 7 * 24 * 3600 * 1000ll}));
  return issued.plaintext;
}

int Serve(const ServeFlags& f) {
  auto listen = http::ParseListenAddress(f.listen);
  if (!listen.ok()) return ReportError(listen.error(), kExitUsage);
  std::vector<http::RateRule> rate_rules;
  for (const auto& text : f.rate_limits) {
    auto rule = http::ParseRateRule(text);
    if (!rule.ok()) return ReportError(rule.error(), kExitUsage);
    rate_rules.push_back(*rule);
  }
  std::vector<std::pair<std::string, std::optional<int>>> runners;
  for (const auto& spec : f.local_runners) {
    auto parsed = ParseLocalRunner(spec);
    if (!parsed.ok()) return ReportError(parsed.error(), kExitUsage);
    runners.push_back(*parsed);
  }
  if (auto parent = std::filesystem::path(f.db).parent_path(); !parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
  }
  auto db = store::Database::Open(f.db);
  if (!db.ok()) return ReportError(db.error(), kExitFailed);
  spdlog::info("database {} ready", f.db);
  if (!f.problems.empty()) {
    auto loaded = LoadProblemsIntoStore(f.problems, **db);
    if (!loaded.ok()) return ReportError(loaded.error(), kExitFailed);
    spdlog::info("loaded {} problems from {} ({} new or changed)", loaded->names.size(), f.problems, loaded->new_versions.size());
  }
  if (f.dry_run) {
    std::cout << "configuration ok: db=" << f.db << " listen=" << f.listen << " problems=" << f.problems << "\n";
    return kExitOk;
  }

  KeepFreedMemoryForReuse();
  BlockStopSignals();
  queue::JobQueue queue(**db, queue::QueueOptions{f.lease_seconds * 1000ll});
  http::EventHub events;
  http::ServerContext ctx(**db, queue, events);
  ctx.intake_rules.max_source_bytes = f.max_submission_bytes;
  ctx.intake_rules.max_queued_jobs_per_user = f.max_queued_jobs;
  ctx.intake_rules.duplicate_window_s = f.duplicate_window_s;
  if (!rate_rules.empty()) ctx.intake_rules.rate_rules = rate_rules;
  http::ServerOptions options;
  options.host = listen->first;
  options.port = listen->second;
  options.threads = f.threads;
  options.tls_cert_file = f.tls_cert;
  options.tls_key_file = f.tls_key;
  // JSON-escaped sources can be up to six times their size; the route checks the exact limit.
  options.body_limit_bytes = f.max_submission_bytes * 6 + 64 * 1024;
  http::HttpServer server(options, http::BuildRouter(ctx));
  if (auto st = server.Start(); !st.ok()) return ReportError(st.error(), kExitFailed);
  const std::string url = std::string(server.tls() ? "https://" : "http://") +
                          (listen->first == "0.0.0.0" ? std::string("127.0.0.1") : listen->first) + ":" +
                          std::to_string(server.port());
  std::cout << "kjudge serving on " << url << std::endl;

  std::vector<std::jthread> runner_threads;
  if (!runners.empty()) {
    auto token = LocalRunnerToken(**db);
    if (!token.ok()) return ReportError(token.error(), kExitFailed);
    std::error_code ec;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    for (std::size_t i = 0; i < runners.size(); ++i) {
      runner::RunnerOptions ro;
      ro.server_url = url;
      ro.token = *token;
      ro.gpu = runners[i].first;
      ro.name = "local-" + std::to_string(i) + "-" + runners[i].first;
      ro.executor.cache_dir = std::filesystem::absolute(f.cache_dir) / ro.name;
      ro.executor.kjudge_binary = self;
      ro.executor.device = runners[i].second;
      runner_threads.emplace_back([ro](std::stop_token stop) {
        runner::RunnerDaemon daemon(ro);
        if (auto st = daemon.Run(stop); !st.ok()) spdlog::error("local runner {}: {}", ro.name, st.error().message);
      });
      spdlog::info("local runner {} started", ro.name);
    }
  }
  std::jthread expiry([&queue](std::stop_token stop) {
    while (!stop.stop_requested()) {
      if (auto n = queue.ExpireLeases(); n.ok() && *n > 0) spdlog::info("requeued or failed {} expired jobs", *n);
      std::mutex mu;
      std::condition_variable_any cv;
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, std::chrono::seconds(5), [] { return false; });
    }
  });

  const int sig = WaitForStopSignal();
  spdlog::info("signal {}: shutting down (queued jobs stay queued)", sig);
  ctx.stopping = true;
  queue.WakeAll();
  for (auto& t : runner_threads) t.request_stop();
  runner_threads.clear();  // joins: a job in progress is finished and posted first
  expiry.request_stop();
  server.Stop(5000);
  server.Wait();
  return kExitOk;
}

}  // namespace

Command RegisterServe(CLI::App& root) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = root.add_subcommand("serve", "Run the kjudge server (HTTP API, pages, job queue)");
  auto settings = std::make_shared<Settings>(cmd, "serve");
  settings->Add("db", &flags->db, "SQLite database file (created if missing)");
  settings->Add("listen", &flags->listen, "HOST:PORT to listen on (port 0 picks a free one)");
  settings->Add("problems", &flags->problems, "directory of problems to load and publish at start-up");
  settings->Add("threads", &flags->threads, "HTTP worker threads")->check(CLI::Range(1, 256));
  settings->Add("max-submission-bytes", &flags->max_submission_bytes, "largest accepted source file")
      ->check(CLI::Range(1024ull, 64ull << 20));
  settings->Add("local-runner", &flags->local_runners, "run a runner in-process: cpu, cuda:N, H100:N (repeatable)");
  settings->Add("cache-dir", &flags->cache_dir, "compile cache of the local runners");
  settings->Add("lease-seconds", &flags->lease_seconds, "how long a runner's lease lives without a heartbeat")
      ->check(CLI::Range(2, 3600));
  settings->Add("rate-limit", &flags->rate_limits,
                "per-user limit, e.g. mode=leaderboard,gpu=H100,max=1,per=1h (repeatable; replaces the defaults)");
  settings->Add("max-queued-jobs", &flags->max_queued_jobs, "jobs one competitor may have waiting or running")
      ->check(CLI::Range(1, 100000));
  settings->Add("duplicate-window-s", &flags->duplicate_window_s,
                "an identical resubmission within this many seconds returns the earlier one (0: off)")
      ->check(CLI::Range(0ll, 366ll * 86400));
  settings->Add("tls-cert", &flags->tls_cert, "PEM certificate chain: serve HTTPS only (needs --tls-key)");
  settings->Add("tls-key", &flags->tls_key, "PEM private key of --tls-cert (unencrypted)");
  settings->AddFlag("dry-run", &flags->dry_run, "open the database, load problems, print the settings and exit");
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return Serve(*flags);
          }};
}

}  // namespace kjudge::cli
