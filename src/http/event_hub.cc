#include "kjudge/http/event_hub.h"

#include <chrono>

#include "kjudge/core/clock.h"

namespace kjudge::http {

void EventHub::Publish(std::int64_t submission_id, nlohmann::json event) {
  {
    std::lock_guard lock(mu_);
    Log& log = logs_[submission_id];
    event["seq"] = log.next_seq++;
    event["time_ms"] = DefaultClock().NowMs();
    log.events.push_back(std::move(event));
    if (log.events.size() > kMaxEventsPerSubmission) log.events.pop_front();
    while (logs_.size() > kMaxSubmissions) logs_.erase(logs_.begin());  // ids grow: the first is the oldest
  }
  cv_.notify_all();
}

std::vector<nlohmann::json> EventHub::Since(std::int64_t submission_id, std::int64_t after, std::int64_t timeout_ms) {
  std::unique_lock lock(mu_);
  auto collect = [&] {
    std::vector<nlohmann::json> out;
    auto it = logs_.find(submission_id);
    if (it == logs_.end()) return out;
    for (const auto& e : it->second.events) {
      if (e["seq"].get<std::int64_t>() > after) out.push_back(e);
    }
    return out;
  };
  auto out = collect();
  if (!out.empty() || timeout_ms <= 0) return out;
  cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    out = collect();
    return !out.empty();
  });
  return out;
}

}  // namespace kjudge::http
