// GET /api/v1/submissions/{id}/stream: a submission's live progress as Server-Sent Events
// (docs/api.md, "Live progress (Server-Sent Events)"). The wire format is a contract with the
// kjudge CLI and with browsers' EventSource:
//   retry: 2000                                   once, first
//   id: <seq> / event: <name> / data: <JSON>      one frame per EventHub event, JSON on one line
//   : keep-alive                                  after keepalive_ms of silence
//   event: end / data: {"id":N,"status":"..."}    once every job has finished; then the body ends
#include "submission_stream.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "kjudge/core/clock.h"
#include "kjudge/http/auth.h"
#include "query_params.h"

namespace kjudge::http {

namespace {

using beast_http::status;

constexpr std::string_view kRetryPreamble = "retry: 2000\n\n";
constexpr std::string_view kKeepAlive = ": keep-alive\n\n";
/// How often a waiting stream looks whether the server is stopping or the client left.
constexpr std::int64_t kPollSliceMs = 250;

/// Streams held per user. Thread-safe.
class StreamSlots {
 public:
  explicit StreamSlots(int per_user) : per_user_(per_user) {}

  /// Takes one of `user_id`'s slots; false when they hold them all.
  bool TryAcquire(std::int64_t user_id) {
    std::lock_guard lock(mu_);
    int& held = held_[user_id];
    if (held >= per_user_) return false;
    ++held;
    return true;
  }

  void Release(std::int64_t user_id) {
    std::lock_guard lock(mu_);
    auto it = held_.find(user_id);
    if (it != held_.end() && --it->second <= 0) held_.erase(it);
  }

  int per_user() const { return per_user_; }

 private:
  std::mutex mu_;
  std::map<std::int64_t, int> held_;  // guarded by mu_; users with no stream are absent
  const int per_user_;
};

/// A slot held for the life of one stream.
class SlotGuard {
 public:
  SlotGuard(StreamSlots& slots, std::int64_t user_id)
      : slots_(slots), user_id_(user_id), held_(slots.TryAcquire(user_id)) {}
  ~SlotGuard() {
    if (held_) slots_.Release(user_id_);
  }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;
  bool held() const { return held_; }

 private:
  StreamSlots& slots_;
  std::int64_t user_id_;
  bool held_;
};

bool IsFinal(store::JobStatus s) {
  return s == store::JobStatus::kDone || s == store::JobStatus::kFailed || s == store::JobStatus::kCancelled;
}

/// Events after which a job may have finished (the jobs table is checked then).
bool MayEndAJob(const nlohmann::json& event) {
  const auto it = event.find("event");
  if (it == event.end() || !it->is_string()) return false;
  const auto& name = it->get_ref<const std::string&>();
  return name == "verdict" || name == "retrying" || name == "cancelled";
}

/// The submission's final status once every job has finished; nullopt while one is pending.
Result<std::optional<std::string>> FinalStatus(ServerContext& ctx, std::int64_t submission_id) {
  KJ_ASSIGN_OR_RETURN(auto jobs, store::JobRepository(ctx.db).ListBySubmission(submission_id));
  if (!std::all_of(jobs.begin(), jobs.end(), [](const store::Job& j) { return IsFinal(j.status); })) {
    return std::optional<std::string>();
  }
  KJ_ASSIGN_OR_RETURN(auto runs, store::RunRepository(ctx.db).ListBySubmission(submission_id));
  return std::optional<std::string>(SubmissionOverallStatus(jobs, runs));
}

/// The SSE event type of a hub event: its "event" name when that is a plain token
/// ([A-Za-z0-9_.-]) other than "end", which only the stream itself sends; otherwise "message".
std::string EventType(const nlohmann::json& event) {
  const auto it = event.find("event");
  if (it == event.end() || !it->is_string()) return "message";
  const auto& name = it->get_ref<const std::string&>();
  const bool plain = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
  return plain && name != "end" ? name : "message";
}

std::int64_t Seq(const nlohmann::json& event) {
  const auto it = event.find("seq");
  return it != event.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

/// One event as an SSE frame. The JSON serializer escapes line breaks, so data is one line.
std::string Frame(const nlohmann::json& event) {
  return "id: " + std::to_string(Seq(event)) + "\nevent: " + EventType(event) + "\ndata: " + Dump(event) + "\n\n";
}

std::string EndFrame(std::int64_t submission_id, const std::string& final_status) {
  return "event: end\ndata: " + Dump({{"id", submission_id}, {"status", final_status}}) + "\n\n";
}

Result<std::int64_t> NonNegative(std::string_view text, const char* what) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < 0) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " must be a non-negative integer");
  }
  return v;
}

/// Where to resume: the Last-Event-ID header (what EventSource sends when it reconnects) wins
/// over ?after=N; 0 replays everything.
Result<std::int64_t> ResumeAfter(const Request& req) {
  if (auto it = req.find("Last-Event-ID"); it != req.end()) return NonNegative(it->value(), "header 'Last-Event-ID'");
  return QueryParams(req.target()).Int("after", 0, 0, std::numeric_limits<std::int64_t>::max());
}

/// Writes the submission's events after `after` as they arrive, until every job has finished,
/// the server stops, or the client leaves.
void Follow(ServerContext& ctx, const SubmissionStreamOptions& options, std::int64_t submission_id, std::int64_t after,
            StreamWriter& out) {
  std::vector<nlohmann::json> batch = ctx.events.Since(submission_id, 0);
  // Sequence numbers restart with the server (the hub lives in memory): a resume point beyond
  // the newest event means the client saw a previous server's events, so replay this one's.
  if (after > 0 && (batch.empty() || Seq(batch.back()) < after)) after = 0;
  bool check_jobs = true;  // at once: a finished submission ends after its replay
  std::int64_t last_write_ms = MonotonicMs();
  for (;;) {
    for (const auto& event : batch) {
      if (Seq(event) <= after) continue;
      if (!out.Write(Frame(event))) return;
      after = Seq(event);
      last_write_ms = MonotonicMs();
      check_jobs = check_jobs || MayEndAJob(event);
    }
    batch.clear();
    if (check_jobs) {
      check_jobs = false;
      auto final_status = FinalStatus(ctx, submission_id);
      if (!final_status.ok()) {
        // Ending without "end" makes the client reconnect and resume.
        spdlog::warn("stream of submission {}: {}", submission_id, final_status.error().message);
        return;
      }
      if (final_status->has_value()) {
        out.Write(EndFrame(submission_id, **final_status));
        return;
      }
    }
    if (out.Stopping() || out.ClientGone()) return;
    const std::int64_t silent_ms = MonotonicMs() - last_write_ms;
    if (silent_ms >= options.keepalive_ms) {
      if (!out.Write(kKeepAlive)) return;
      last_write_ms = MonotonicMs();
      check_jobs = true;  // a job can also end without an event (lease expired too often)
      continue;
    }
    batch = ctx.events.Since(submission_id, after, std::min(kPollSliceMs, options.keepalive_ms - silent_ms));
  }
}

void Stream(ServerContext& ctx, const SubmissionStreamOptions& options, StreamSlots& slots, const Request& req,
            const PathParams& params, StreamWriter& out) {
  auto caller = Authenticate(req, ctx.db);
  if (!caller.ok()) return out.Respond(ErrorResponse(req, caller.error()));
  auto submission = VisibleSubmission(ctx, req, params);
  if (!submission.ok()) return out.Respond(ErrorResponse(req, submission.error()));
  auto after = ResumeAfter(req);
  if (!after.ok()) return out.Respond(ErrorResponse(req, after.error()));
  SlotGuard slot(slots, caller->user.id);
  if (!slot.held()) {
    return out.Respond(ErrorResponse(
        req, Error{ErrorCode::kRateLimited,
                   "at most " + std::to_string(slots.per_user()) + " live streams per user: close one first", 2}));
  }
  Response head{status::ok, req.version()};
  head.set(beast_http::field::content_type, "text/event-stream");
  head.set(beast_http::field::cache_control, "no-store");
  head.set("X-Accel-Buffering", "no");  // nginx and friends: pass events on at once
  if (!out.Begin(std::move(head)) || !out.Write(kRetryPreamble)) return;
  Follow(ctx, options, submission->id, *after, out);
}

}  // namespace

std::string SubmissionOverallStatus(const std::vector<store::Job>& jobs, const std::vector<store::Run>& runs) {
  using store::JobStatus;
  const auto any = [&](auto pred) { return std::any_of(jobs.begin(), jobs.end(), pred); };
  if (any([](const store::Job& j) { return j.status == JobStatus::kLeased || j.status == JobStatus::kRunning; })) {
    return "judging";
  }
  if (any([](const store::Job& j) { return j.status == JobStatus::kQueued; })) return "queued";
  if (any([](const store::Job& j) { return j.status == JobStatus::kCancelled; })) return "cancelled";
  if (any([](const store::Job& j) { return j.status == JobStatus::kFailed; })) return "failed";
  if (jobs.empty()) return "failed";
  // Every job is done: the worst of their last runs' verdicts (Verdict is ordered best first).
  std::optional<store::Verdict> worst;
  for (const auto& job : jobs) {
    const store::Run* last = nullptr;
    for (const auto& run : runs) {
      if (run.job_id == job.id && (last == nullptr || run.attempt >= last->attempt)) last = &run;
    }
    if (last == nullptr) return "failed";  // done without a run: the store lost something
    if (!worst || last->verdict > *worst) worst = last->verdict;
  }
  return std::string(store::Name(*worst));
}

void AddSubmissionStreamRoutes(Router& router, ServerContext& ctx, const SubmissionStreamOptions& options) {
  auto slots = std::make_shared<StreamSlots>(std::max(1, options.max_streams_per_user));
  router.AddStream(beast_http::verb::get, "/api/v1/submissions/{id}/stream",
                   [&ctx, options, slots](const Request& req, const PathParams& params, StreamWriter& out) {
                     Stream(ctx, options, *slots, req, params, out);
                   });
}

void AddSubmissionStreamRoutes(Router& router, ServerContext& ctx) {
  AddSubmissionStreamRoutes(router, ctx, SubmissionStreamOptions{});
}

}  // namespace kjudge::http
