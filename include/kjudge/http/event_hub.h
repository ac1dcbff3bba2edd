// EventHub: live progress of submissions (queued, compiling, test i/n, benchmark results, verdict)
// as runners report it, kept in memory per submission (bounded) so pages, the CLI and SSE streams
// can follow a submission while it is judged. Events are also summarised in the stored runs; the
// hub only holds the live view and is empty after a restart.
//
// Thread safety: all methods are thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

namespace kjudge::http {

class EventHub {
 public:
  /// Events kept per submission and submissions kept: enough for any run's progress, bounded
  /// against a runner flooding us.
  static constexpr std::size_t kMaxEventsPerSubmission = 512;
  static constexpr std::size_t kMaxSubmissions = 4096;

  /// Appends `event` (an object; "seq" and "time_ms" are added) and wakes waiters.
  void Publish(std::int64_t submission_id, nlohmann::json event);

  /// Events with seq > `after`, waiting up to `timeout_ms` for one to arrive.
  std::vector<nlohmann::json> Since(std::int64_t submission_id, std::int64_t after, std::int64_t timeout_ms = 0);

 private:
  struct Log {
    std::deque<nlohmann::json> events;
    std::int64_t next_seq = 1;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::int64_t, Log> logs_;  // guarded by mu_; oldest submissions dropped beyond kMaxSubmissions
};

}  // namespace kjudge::http
