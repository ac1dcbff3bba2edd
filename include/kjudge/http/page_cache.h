// PageCache: rendered documents (JSON or HTML bytes) and computed standings, kept until the data
// behind them changes. The server counts its own writes (DataGeneration, bumped after every
// request that may change standings); an entry is served while its generation is current and its
// time to live has not passed. The time to live bounds how stale a page can get from writes the
// server cannot see (`kjudge admin` on the database file) and from the clock (a deadline passing
// freezes a leaderboard; entries are also cut off at such instants).
//
// Thread safety: all members may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kjudge::http {

/// A counter of the server's writes that can change what pages show.
class DataGeneration {
 public:
  std::uint64_t Current() const { return value_.load(std::memory_order_acquire); }
  void Bump() { value_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::atomic<std::uint64_t> value_{1};
};

/// A bounded map from key to an immutable value, valid for one generation and until a time.
template <typename Value>
class GenerationCache {
 public:
  explicit GenerationCache(std::size_t capacity) : capacity_(capacity) {}

  /// The value stored under `key` for `generation`, if it has not expired at `now_ms`.
  std::shared_ptr<const Value> Get(const std::string& key, std::uint64_t generation, std::int64_t now_ms) const {
    std::lock_guard lock(mu_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.generation != generation || now_ms >= it->second.valid_until_ms) {
      return nullptr;
    }
    return it->second.value;
  }

  /// Stores `value` computed from the data of `generation` (read before computing it, so a write
  /// that raced the computation leaves the entry already stale).
  void Put(const std::string& key, std::uint64_t generation, std::int64_t valid_until_ms,
           std::shared_ptr<const Value> value) {
    std::lock_guard lock(mu_);
    // Stale entries are dropped wholesale when full: simpler than LRU, and pages are cheap to
    // recompute once; a full cache of current entries means more distinct pages than capacity.
    if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.clear();
    entries_[key] = Entry{generation, valid_until_ms, std::move(value)};
  }

 private:
  struct Entry {
    std::uint64_t generation = 0;
    std::int64_t valid_until_ms = 0;
    std::shared_ptr<const Value> value;
  };
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace kjudge::http
