#include "kjudge/runner/runner_daemon.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <nlohmann/json.hpp>
#include <thread>

#include "kjudge/core/clock.h"

namespace kjudge::runner {

namespace {

/// Sleeps `ms` unless `stop` is requested first.
void SleepFor(std::stop_token stop, std::int64_t ms) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, std::chrono::milliseconds(ms), [] { return false; });
}

/// Sends a profile run's report before its result (the server attaches it to the run the result
/// records).
void UploadProfileReport(LeaseClient& client, const LeasedJob& job, RunResult& result, std::stop_token stop) {
  const std::string file_name = result.profile && result.profile->report ? result.profile->report->file_name : "profile.ncu-rep";
  // Like the result: transport failures are retried while the lease may still hold the job. A
  // refused report (too large, lease gone) leaves the run without one; the summary still goes.
  for (std::int64_t backoff_ms = 500;; backoff_ms = std::min<std::int64_t>(backoff_ms * 2, 10'000)) {
    auto uploaded = client.UploadProfileReport(job, result.profile_report, file_name);
    if (uploaded.ok()) return;
    if (uploaded.error().code != ErrorCode::kUnavailable || DefaultClock().NowMs() > job.lease_expires_ms + 120'000 ||
        stop.stop_requested()) {
      spdlog::warn("job {}: profile report not uploaded: {}", job.job_id, uploaded.error().message);
      if (result.profile) result.profile->report.reset();
      return;
    }
    SleepFor(stop, backoff_ms);
  }
}

}  // namespace

RunnerDaemon::RunnerDaemon(RunnerOptions options)
    : options_(std::move(options)),
      client_(HttpClient(ServerUrl::Parse(options_.server_url).value(), options_.token), options_.name, options_.gpu),
      executor_(options_.executor) {}

Result<const problem::ProblemBundle*> RunnerDaemon::Bundle(const std::string& content_hash) {
  if (auto it = bundles_.find(content_hash); it != bundles_.end()) return it->second.get();
  KJ_ASSIGN_OR_RETURN(ProblemBundleFiles fetched, client_.FetchProblem(content_hash));
  KJ_ASSIGN_OR_RETURN(problem::ProblemBundle bundle, problem::BundleFromFiles(std::move(fetched.files), content_hash));
  // Judge exactly the version the job names: the files must hash to what the server promised.
  if (bundle.content_hash != content_hash) {
    return MakeError(ErrorCode::kCorruption, "problem files from the server hash to " + bundle.content_hash +
                                                 ", not " + content_hash);
  }
  auto& slot = bundles_[content_hash];
  slot = std::make_unique<problem::ProblemBundle>(std::move(bundle));
  return slot.get();
}

void RunnerDaemon::JudgeOne(const LeasedJob& job, std::stop_token stop) {
  spdlog::info("runner {}: job {} ({} {} on {}, attempt {})", options_.name, job.job_id, job.problem_name, job.mode,
               job.gpu, job.attempt);
  const std::int64_t started_ms = DefaultClock().NowMs();
  std::mutex events_mu;
  nlohmann::json pending = nlohmann::json::array();
  std::stop_source lost_lease;

  // Heartbeats and event forwarding run beside the judging; a refused heartbeat means the lease
  // is gone (expired and handed to someone else), so the judging is cancelled.
  // Beat at least three times per lease, whatever lease length the server chose.
  const std::int64_t interval_ms = std::clamp<std::int64_t>((job.lease_expires_ms - DefaultClock().NowMs()) / 3, 200,
                                                             options_.heartbeat_interval_ms);
  std::jthread heartbeat([&, interval_ms](std::stop_token done) {
    std::int64_t last_beat = MonotonicMs();
    while (!done.stop_requested()) {
      nlohmann::json batch;
      {
        std::lock_guard lock(events_mu);
        batch.swap(pending);
        pending = nlohmann::json::array();
      }
      if (batch.is_array() && !batch.empty()) {
        if (auto st = client_.Events(job, batch); !st.ok()) spdlog::warn("events for job {}: {}", job.job_id, st.error().message);
      }
      std::mutex mu;
      std::condition_variable_any cv;
      std::unique_lock lock(mu);
      cv.wait_for(lock, done, std::chrono::milliseconds(std::min<std::int64_t>(interval_ms, 1000)), [] { return false; });
      const std::int64_t now = MonotonicMs();
      if (now - last_beat < interval_ms) continue;
      last_beat = now;
      auto beat = client_.Heartbeat(job);
      if (!beat.ok() && beat.error().code == ErrorCode::kFailedPrecondition) {
        spdlog::warn("job {}: lease lost ({}); abandoning it", job.job_id, beat.error().message);
        lost_lease.request_stop();
        return;
      }
    }
  });

  auto progress = [&](const nlohmann::json& event) {
    std::lock_guard lock(events_mu);
    pending.push_back(event);
  };
  RunResult result;
  auto bundle = Bundle(job.problem_hash);
  if (!bundle.ok()) {
    result.verdict = Verdict::kInternalError;
    result.mode = job.mode;
    result.message = "cannot get the problem version: " + bundle.error().message;
  } else {
    std::stop_source cancel;
    std::stop_callback on_lost(lost_lease.get_token(), [&] { cancel.request_stop(); });
    result = executor_.Execute(job, **bundle, progress, cancel.get_token());
  }
  heartbeat.request_stop();
  heartbeat.join();
  if (lost_lease.stop_requested()) return;  // someone else owns the job now; our result would be refused
  {
    std::lock_guard lock(events_mu);
    if (!pending.empty()) (void)client_.Events(job, pending);
  }
  if (!result.profile_report.empty()) UploadProfileReport(client_, job, result, stop);
  nlohmann::json body = ToJson(result);
  body["started_ms"] = started_ms;
  // Posting must survive a server restart: retry transport failures until the lease would be gone.
  for (std::int64_t backoff_ms = 500;; backoff_ms = std::min<std::int64_t>(backoff_ms * 2, 10'000)) {
    auto posted = client_.Complete(job, body);
    if (posted.ok()) break;
    if (posted.error().code != ErrorCode::kUnavailable || DefaultClock().NowMs() > job.lease_expires_ms + 120'000) {
      spdlog::error("job {}: result not accepted: {}", job.job_id, posted.error().message);
      return;
    }
    SleepFor(stop, backoff_ms);
  }
  ++jobs_done_;
  spdlog::info("runner {}: job {} {} ({})", options_.name, job.job_id, VerdictName(result.verdict), result.message);
}

Status RunnerDaemon::Run(std::stop_token stop) {
  KJ_RETURN_IF_ERROR(JobExecutor::PrepareCacheDir(options_.executor.cache_dir));
  std::int64_t backoff_ms = 500;
  while (!stop.stop_requested()) {
    auto leased = client_.Lease(options_.lease_wait_s);
    if (!leased.ok()) {
      const auto code = leased.error().code;
      if (code == ErrorCode::kUnauthenticated || code == ErrorCode::kPermissionDenied) return leased.error();
      spdlog::warn("runner {}: {}; retrying in {} ms", options_.name, leased.error().message, backoff_ms);
      SleepFor(stop, backoff_ms);
      backoff_ms = std::min<std::int64_t>(backoff_ms * 2, 30'000);
      continue;
    }
    backoff_ms = 500;
    if (!leased->has_value()) continue;
    JudgeOne(**leased, stop);
  }
  return Ok();
}

}  // namespace kjudge::runner
