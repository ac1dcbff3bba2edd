// PageCache: rendered documents (JSON or HTML bytes) and computed standings, kept until the data
// behind them changes. The server counts its own writes (DataGeneration, bumped after every
// request that may change standings); an entry is served while its generation is current and its
// time to live has not passed. The time to live bounds how stale a page can get from writes the
// server cannot see (`kjudge admin` on the database file) and from the clock (a deadline passing
// freezes a leaderboard; entries are also cut off at such instants).
//
// Each key is computed by one caller at a time (single flight), so a burst of requests after a
// write costs one computation, not one per request. While it runs, callers that accept the
// previous value get it at once (stale while revalidate); the others wait for that computation
// instead of starting their own. A computation is tagged with the generation read just before it
// starts, so it reflects every write counted by then, and whoever waited for it gets data at least
// as new as their own request (a write during the computation leaves the result already stale).
// A served value is therefore never more than one computation behind the data.
//
// Thread safety: all members may be called concurrently. `compute` runs on the calling thread,
// without the cache's lock held.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>

#include "kjudge/core/result.h"

namespace kjudge::http {

/// A counter of the server's writes that can change what pages show.
class DataGeneration {
 public:
  std::uint64_t Current() const { return value_.load(std::memory_order_acquire); }
  void Bump() { value_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::atomic<std::uint64_t> value_{1};
};

/// Whether a caller may be answered with the previous value of a key while it is being recomputed.
enum class Staleness {
  kCurrent,            ///< wait for a value computed after this call began
  kPreviousIfRunning,  ///< take the previous value when someone else is computing the next
};

/// How often each path was taken since construction (for tests and metrics).
struct CacheCounters {
  std::uint64_t hits = 0;          ///< a current value was stored
  std::uint64_t computations = 0;  ///< `compute` was called
  std::uint64_t previous = 0;      ///< the previous value was served during a computation
  std::uint64_t waits = 0;         ///< a caller waited for another's computation
};

/// A bounded map from key to an immutable value, valid for one generation and until a time, each
/// key computed by one caller at a time.
template <typename Value>
class GenerationCache {
 public:
  /// What a computation produced: the value, and the instant it goes stale by the clock alone.
  struct Computed {
    std::shared_ptr<const Value> value;
    std::int64_t valid_until_ms = 0;
  };
  using Answer = Result<std::shared_ptr<const Value>>;

  /// `generation` must outlive the cache; `capacity` bounds the number of keys kept.
  GenerationCache(const DataGeneration& generation, std::size_t capacity)
      : generation_(generation), capacity_(capacity) {}

  /// The value of `key` at `now_ms`. A stored value is returned while its generation is current
  /// and it has not expired. Otherwise, if another caller is computing it, this one waits for that
  /// computation (or, with kPreviousIfRunning and a previous value stored, returns that at once);
  /// if nobody is, this caller runs `compute` (returning Result<Computed>) and stores its value.
  /// An error from `compute` is the answer of everyone who waited for it, and is not stored; an
  /// exception propagates to the caller that ran it and reaches the waiters as kInternal.
  template <typename Compute>
  Answer Get(const std::string& key, std::int64_t now_ms, Staleness staleness, Compute&& compute) {
    const std::uint64_t wanted = generation_.Current();
    std::unique_lock lock(mu_);
    std::shared_ptr<Flight> flight;
    for (;;) {
      Entry& entry = EntryFor(key);
      if (entry.value && entry.generation >= wanted && now_ms < entry.valid_until_ms) {
        ++counters_.hits;
        return entry.value;
      }
      if (!entry.flight) {
        flight = std::make_shared<Flight>();
        flight->generation = generation_.Current();  // >= wanted: this computation serves everyone so far
        entry.flight = flight;
        break;
      }
      if (staleness == Staleness::kPreviousIfRunning && entry.value) {
        ++counters_.previous;
        return entry.value;
      }
      ++counters_.waits;
      std::shared_ptr<Flight> running = entry.flight;
      running->done.wait(lock, [&] { return running->answer.has_value(); });
      if (!running->answer->ok()) return *running->answer;
      // A computation that began before this call may predate a write this caller has seen: look
      // again, which returns its value or starts (or joins) the next computation.
    }
    ++counters_.computations;
    lock.unlock();
    std::optional<Result<Computed>> computed;
    try {
      computed.emplace(compute());
    } catch (...) {
      (void)Finish(key, flight, MakeError(ErrorCode::kInternal, "computing " + key + " failed"));
      throw;
    }
    if (!computed->ok()) return Finish(key, flight, computed->error());
    return Finish(key, flight, std::move(*computed).value());
  }

  CacheCounters Counters() const {
    std::lock_guard lock(mu_);
    return counters_;
  }

 private:
  /// One computation of a key: its callers wait on `done` until `answer` is set.
  struct Flight {
    std::uint64_t generation = 0;
    std::optional<Answer> answer;
    std::condition_variable done;
  };
  struct Entry {
    std::uint64_t generation = 0;
    std::int64_t valid_until_ms = 0;
    std::shared_ptr<const Value> value;  ///< the latest computed; null until the first is
    std::shared_ptr<Flight> flight;      ///< the computation under way, if any
  };

  /// The entry of `key`, created empty if absent. Requires mu_.
  Entry& EntryFor(const std::string& key) {
    if (entries_.size() >= capacity_ && !entries_.contains(key)) {
      // Dropped wholesale when full (simpler than LRU; pages are cheap to recompute once), except
      // keys being computed, whose callers are waiting. A full cache of current entries means
      // more distinct pages than capacity.
      std::erase_if(entries_, [](const auto& kv) { return kv.second.flight == nullptr; });
    }
    return entries_[key];
  }

  /// Stores a successful computation's value, ends the flight and wakes its waiters.
  Answer Finish(const std::string& key, const std::shared_ptr<Flight>& flight, std::variant<Computed, Error> outcome) {
    std::lock_guard lock(mu_);
    Entry& entry = EntryFor(key);
    if (entry.flight == flight) entry.flight = nullptr;
    if (const Computed* computed = std::get_if<Computed>(&outcome)) {
      // A later computation may have finished first (after eviction let a second one start).
      if (!entry.value || entry.generation <= flight->generation) {
        entry.generation = flight->generation;
        entry.valid_until_ms = computed->valid_until_ms;
        entry.value = computed->value;
      }
      flight->answer.emplace(computed->value);
    } else {
      flight->answer.emplace(std::get<Error>(std::move(outcome)));
    }
    flight->done.notify_all();
    return *flight->answer;
  }

  const DataGeneration& generation_;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  CacheCounters counters_;
};

}  // namespace kjudge::http
