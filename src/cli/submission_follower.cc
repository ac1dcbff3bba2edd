#include "submission_follower.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <thread>

#include "api_client.h"
#include "sse_reader.h"

namespace kjudge::cli {

namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

/// Submission states after which nothing more will happen.
bool Finished(const std::string& status) { return !status.empty() && status != "queued" && status != "judging"; }

/// The deadline and the "server gone" clock shared by both ways of following.
class Patience {
 public:
  explicit Patience(const FollowOptions& o) : options_(o), deadline_(SteadyClock::now() + o.timeout), last_answer_(SteadyClock::now()) {}

  milliseconds Left() const {
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline_ - SteadyClock::now()));
  }
  void Answered() { last_answer_ = SteadyClock::now(); }
  /// An error when following should stop: the timeout passed, or the server has been silent for
  /// give_up_after (`why` is the last transport error).
  Status Check(std::int64_t id, const std::string& why) const {
    if (Left().count() == 0) {
      return MakeError(ErrorCode::kUnavailable, "stopped following submission " + std::to_string(id) + " after " +
                                                    std::to_string(options_.timeout.count() / 1000) +
                                                    " s; it goes on being judged (kjudge submissions shows it)");
    }
    if (SteadyClock::now() - last_answer_ > options_.give_up_after) return MakeError(ErrorCode::kUnavailable, why);
    return Ok();
  }
  /// Waits `delay` before trying again, never past the deadline.
  void Wait(milliseconds delay) const { std::this_thread::sleep_for(std::min(delay, Left())); }

 private:
  const FollowOptions& options_;
  SteadyClock::time_point deadline_;
  SteadyClock::time_point last_answer_;
};

milliseconds RetryDelay(const Error& error, milliseconds fallback) {
  return error.retry_after_s > 0 ? milliseconds(error.retry_after_s * 1000) : fallback;
}

/// The status of submission `id` as the server reports it now.
Result<std::string> CurrentStatus(const runner::HttpClient& http, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(runner::HttpReply reply, http.Request("GET", "/api/v1/submissions/" + std::to_string(id)));
  if (reply.status != 200) return ReplyError(reply);
  auto body = nlohmann::json::parse(reply.body, nullptr, false);
  if (!body.is_object() || !body.contains("status") || !body["status"].is_string()) {
    return MakeError(ErrorCode::kUnavailable, "the server sent a submission without a status");
  }
  return body["status"].get<std::string>();
}

/// Follows by long-poll from event `after` on; `outcome` is what streaming already found.
Result<FollowOutcome> FollowByPolling(const runner::HttpClient& http, std::int64_t id, const FollowCallbacks& callbacks,
                                      const FollowOptions& options, Patience& patience, std::int64_t after,
                                      FollowOutcome outcome) {
  for (;;) {
    const int wait_s = static_cast<int>(std::min<std::int64_t>(options.poll_wait_s, (patience.Left().count() + 999) / 1000));
    auto reply = http.Request("GET", "/api/v1/submissions/" + std::to_string(id) + "/events?after=" + std::to_string(after) +
                                         "&wait_s=" + std::to_string(wait_s),
                              "", "", std::chrono::seconds(wait_s + 20));
    Error failure;
    if (reply.ok() && reply->status == 200) {
      patience.Answered();
      auto body = nlohmann::json::parse(reply->body, nullptr, false);
      if (!body.is_object() || !body.contains("events") || !body["events"].is_array()) {
        return MakeError(ErrorCode::kUnavailable, "the server sent events that are not {\"events\": [...]}");
      }
      bool finished = false;
      for (const auto& e : body["events"]) {
        if (!e.is_object()) continue;
        const std::int64_t seq = e.value("seq", std::int64_t{0});
        if (seq <= after) continue;
        after = seq;
        ProgressEvent event{e.value("event", std::string("event")), e};
        finished = finished || event.name == "verdict" || event.name == "cancelled";
        if (callbacks.event) callbacks.event(event);
      }
      if (finished) return outcome;
      if (body["events"].empty()) {
        // Nothing new in a whole wait: a job that failed for good or was cancelled says so only in
        // its status.
        KJ_ASSIGN_OR_RETURN(std::string status, CurrentStatus(http, id));
        if (Finished(status)) {
          outcome.status = status;
          return outcome;
        }
      }
      KJ_RETURN_IF_ERROR(patience.Check(id, ""));
      continue;
    }
    failure = reply.ok() ? ReplyError(*reply) : reply.error();
    if (failure.code != ErrorCode::kUnavailable && failure.code != ErrorCode::kRateLimited && failure.code != ErrorCode::kInternal) {
      return failure;
    }
    KJ_RETURN_IF_ERROR(patience.Check(id, failure.message));
    patience.Wait(RetryDelay(failure, options.default_retry));
  }
}

}  // namespace

Result<FollowOutcome> FollowSubmission(const runner::HttpClient& http, std::int64_t id, const FollowCallbacks& callbacks,
                                       const FollowOptions& options) {
  Patience patience(options);
  FollowOutcome outcome;
  SseReader reader;
  const std::string path = "/api/v1/submissions/" + std::to_string(id) + "/stream";
  for (;;) {
    bool ended = false;
    Status malformed = Ok();
    reader.Reconnected();
    std::map<std::string, std::string> headers;
    if (!reader.last_event_id().empty()) headers["Last-Event-ID"] = reader.last_event_id();
    auto sink = [&](std::string_view piece) {
      patience.Answered();
      outcome.streamed = true;
      auto events = reader.Feed(piece);
      if (!events.ok()) {
        malformed = events.error();
        return false;
      }
      for (auto& e : *events) {
        if (e.name == "end") {
          auto data = nlohmann::json::parse(e.data, nullptr, false);
          if (data.is_object() && data.contains("status") && data["status"].is_string()) outcome.status = data["status"];
          ended = true;
          return false;
        }
        auto data = nlohmann::json::parse(e.data, nullptr, false);
        if (data.is_discarded()) data = nlohmann::json{{"data", e.data}};
        if (callbacks.event) callbacks.event(ProgressEvent{e.name, std::move(data)});
      }
      return true;
    };
    auto reply = http.Stream(path, sink, std::min(options.idle_timeout, std::max(patience.Left(), milliseconds(1))), headers);
    if (ended) return outcome;
    if (!malformed.ok()) return MakeError(ErrorCode::kUnavailable, "the server's event stream is malformed: " + malformed.error().message);
    Error failure;
    if (reply.ok() && reply->status / 100 == 2) {
      if (reply->content_type.find("text/event-stream") == std::string::npos) {
        return MakeError(ErrorCode::kUnavailable, "the server answered " + path + " with '" + reply->content_type +
                                                      "', not an event stream");
      }
      outcome.streamed = true;
      failure = MakeError(ErrorCode::kUnavailable, "the server closed the event stream before the end");
    } else if (reply.ok()) {
      failure = ReplyError(*reply);
      // A server from before the stream route (404), or one that has no stream to spare for us
      // (429: the user holds too many): the long-poll route gives the same events.
      if ((reply->status == 404 && !outcome.streamed) || reply->status == 429) {
        std::int64_t after = 0;
        const std::string& last = reader.last_event_id();
        std::from_chars(last.data(), last.data() + last.size(), after);
        return FollowByPolling(http, id, callbacks, options, patience, after, outcome);
      }
      if (failure.code != ErrorCode::kUnavailable && failure.code != ErrorCode::kRateLimited && failure.code != ErrorCode::kInternal) {
        return failure;
      }
    } else {
      failure = reply.error();
    }
    KJ_RETURN_IF_ERROR(patience.Check(id, failure.message));
    if (callbacks.note) callbacks.note("connection to the server lost (" + failure.message + "); reconnecting");
    patience.Wait(failure.retry_after_s > 0 ? RetryDelay(failure, options.default_retry)
                                            : (reader.retry_ms() ? milliseconds(*reader.retry_ms()) : options.default_retry));
    ++outcome.reconnects;
  }
}

}  // namespace kjudge::cli
