// Time sources. Code that decides by time (lease expiry, deadlines) takes a Clock& so tests can
// drive time without sleeping.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace kjudge {

/// Milliseconds since the Unix epoch (UTC). Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t NowMs() const = 0;
};

/// The wall clock.
class SystemClock final : public Clock {
 public:
  std::int64_t NowMs() const override;
};

/// A clock that only moves when told to (tests). Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms = 1'700'000'000'000) : now_ms_(start_ms) {}
  std::int64_t NowMs() const override { return now_ms_.load(); }
  void AdvanceMs(std::int64_t delta_ms) { now_ms_ += delta_ms; }
  void SetMs(std::int64_t now_ms) { now_ms_ = now_ms; }

 private:
  std::atomic<std::int64_t> now_ms_;
};

/// Process-wide wall clock, for callers that have no clock injected.
const Clock& DefaultClock();

/// Milliseconds since an arbitrary start, never going backwards (for measuring durations).
std::int64_t MonotonicMs();

/// "2026-11-25T07:31:00.123Z"
std::string FormatIso8601Ms(std::int64_t unix_ms);

}  // namespace kjudge
