// GenerationCache (page_cache.h): one computation per key at a time, the previous value served
// while it runs, and nothing served older than one computation.
#include "kjudge/http/page_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kjudge::http {
namespace {

using Cache = GenerationCache<std::string>;
using namespace std::chrono_literals;

constexpr auto kDeadline = 10s;
constexpr std::int64_t kForever = INT64_MAX;

/// A computation that blocks until Release(): lets a test hold one in flight.
class HeldComputation {
 public:
  explicit HeldComputation(std::string value) : value_(std::move(value)), release_(released_.get_future().share()) {}

  Result<Cache::Computed> operator()() {
    started_.set_value();
    if (release_.wait_for(kDeadline) != std::future_status::ready) return MakeError(ErrorCode::kInternal, "never released");
    return Cache::Computed{std::make_shared<const std::string>(value_), kForever};
  }
  /// Waits until the computation has begun.
  bool WaitStarted() { return started_.get_future().wait_for(kDeadline) == std::future_status::ready; }
  void Release() { released_.set_value(); }

 private:
  std::string value_;
  std::promise<void> started_;
  std::promise<void> released_;
  std::shared_future<void> release_;
};

auto Immediate(std::string value) {
  return [value = std::move(value)]() -> Result<Cache::Computed> {
    return Cache::Computed{std::make_shared<const std::string>(value), kForever};
  };
}

/// Waits until `cache` has seen `waits` callers wait for another's computation.
bool WaitForWaiters(const Cache& cache, std::uint64_t waits) {
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (cache.Counters().waits < waits) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::yield();
  }
  return true;
}

std::string ValueOf(const Cache::Answer& answer) { return answer.ok() ? **answer : "error: " + answer.error().message; }

TEST(GenerationCacheTest, ConcurrentMissesShareOneComputation) {
  DataGeneration generation;
  Cache cache(generation, 16);
  HeldComputation held("v1");
  auto first = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kCurrent, std::ref(held)); });
  ASSERT_TRUE(held.WaitStarted());
  // Nothing was ever stored, so even callers that accept a previous value must wait.
  std::vector<std::future<Cache::Answer>> others;
  for (int i = 0; i < 6; ++i) {
    const Staleness staleness = i % 2 == 0 ? Staleness::kCurrent : Staleness::kPreviousIfRunning;
    others.push_back(std::async(std::launch::async, [&, staleness] {
      return cache.Get("k", 0, staleness, []() -> Result<Cache::Computed> {
        ADD_FAILURE() << "a second computation started";
        return MakeError(ErrorCode::kInternal, "second computation");
      });
    }));
  }
  ASSERT_TRUE(WaitForWaiters(cache, others.size()));
  held.Release();
  const Cache::Answer answer = first.get();
  EXPECT_EQ(ValueOf(answer), "v1");
  for (auto& other : others) {
    const Cache::Answer got = other.get();
    EXPECT_EQ(ValueOf(got), "v1");
    EXPECT_EQ(got.ok() ? got->get() : nullptr, answer->get());  // the very same copy
  }
  EXPECT_EQ(cache.Counters().computations, 1u);
}

TEST(GenerationCacheTest, ThePreviousValueIsServedAtOnceWhileOneCallerRecomputes) {
  DataGeneration generation;
  Cache cache(generation, 16);
  ASSERT_EQ(ValueOf(cache.Get("k", 0, Staleness::kPreviousIfRunning, Immediate("v1"))), "v1");
  generation.Bump();
  HeldComputation held("v2");
  // The first caller after the write recomputes, and gets the new value itself.
  auto recompute = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kPreviousIfRunning, std::ref(held)); });
  ASSERT_TRUE(held.WaitStarted());
  // Everyone else meanwhile gets v1 without waiting (the computation is still held) or computing.
  for (int i = 0; i < 20; ++i) {
    auto served = std::async(std::launch::async, [&] {
      return cache.Get("k", 0, Staleness::kPreviousIfRunning, []() -> Result<Cache::Computed> {
        ADD_FAILURE() << "a second computation started";
        return MakeError(ErrorCode::kInternal, "second computation");
      });
    });
    ASSERT_EQ(served.wait_for(kDeadline), std::future_status::ready) << "a reader waited for the recompute";
    EXPECT_EQ(ValueOf(served.get()), "v1");
  }
  EXPECT_EQ(cache.Counters().previous, 20u);
  EXPECT_EQ(cache.Counters().waits, 0u);
  held.Release();
  EXPECT_EQ(ValueOf(recompute.get()), "v2");
  // After the recompute, the next request sees the new data.
  EXPECT_EQ(ValueOf(cache.Get("k", 0, Staleness::kPreviousIfRunning, Immediate("unexpected"))), "v2");
  EXPECT_EQ(cache.Counters().computations, 2u);
}

TEST(GenerationCacheTest, CallersThatWantCurrentDataWaitForTheRecompute) {
  DataGeneration generation;
  Cache cache(generation, 16);
  ASSERT_EQ(ValueOf(cache.Get("k", 0, Staleness::kCurrent, Immediate("v1"))), "v1");
  generation.Bump();
  HeldComputation held("v2");
  auto recompute = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kPreviousIfRunning, std::ref(held)); });
  ASSERT_TRUE(held.WaitStarted());
  auto waiter = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kCurrent, Immediate("unexpected")); });
  ASSERT_TRUE(WaitForWaiters(cache, 1));
  held.Release();
  EXPECT_EQ(ValueOf(waiter.get()), "v2");
  EXPECT_EQ(ValueOf(recompute.get()), "v2");
  EXPECT_EQ(cache.Counters().computations, 2u);
}

TEST(GenerationCacheTest, AWriteDuringAComputationLeavesItsResultStale) {
  DataGeneration generation;
  Cache cache(generation, 16);
  HeldComputation held("before the write");
  auto first = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kCurrent, std::ref(held)); });
  ASSERT_TRUE(held.WaitStarted());
  generation.Bump();  // a write the computation may not have seen
  // A caller who saw the write waits, then computes again rather than take the older value.
  auto after_write = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kCurrent, Immediate("after the write")); });
  ASSERT_TRUE(WaitForWaiters(cache, 1));
  held.Release();
  EXPECT_EQ(ValueOf(first.get()), "before the write");
  EXPECT_EQ(ValueOf(after_write.get()), "after the write");
  EXPECT_EQ(ValueOf(cache.Get("k", 0, Staleness::kCurrent, Immediate("unexpected"))), "after the write");
  EXPECT_EQ(cache.Counters().computations, 2u);
}

TEST(GenerationCacheTest, ErrorsReachTheWaitersAndAreNotStored) {
  DataGeneration generation;
  Cache cache(generation, 16);
  std::promise<void> started, release;
  auto failing = [&]() -> Result<Cache::Computed> {
    started.set_value();
    release.get_future().wait_for(kDeadline);
    return MakeError(ErrorCode::kNotFound, "no such board");
  };
  auto first = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kPreviousIfRunning, failing); });
  ASSERT_EQ(started.get_future().wait_for(kDeadline), std::future_status::ready);
  auto waiter = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kCurrent, Immediate("unexpected")); });
  ASSERT_TRUE(WaitForWaiters(cache, 1));
  release.set_value();
  const Cache::Answer a = first.get(), b = waiter.get();
  ASSERT_FALSE(a.ok());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ValueOf(cache.Get("k", 0, Staleness::kCurrent, Immediate("v1"))), "v1");
  EXPECT_EQ(cache.Counters().computations, 2u);
}

TEST(GenerationCacheTest, AThrowingComputationReleasesItsWaiters) {
  DataGeneration generation;
  Cache cache(generation, 16);
  std::promise<void> started, release;
  auto throwing = [&]() -> Result<Cache::Computed> {
    started.set_value();
    release.get_future().wait_for(kDeadline);
    throw std::runtime_error("bad document");
  };
  auto first = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kCurrent, throwing); });
  ASSERT_EQ(started.get_future().wait_for(kDeadline), std::future_status::ready);
  auto waiter = std::async(std::launch::async, [&] { return cache.Get("k", 0, Staleness::kCurrent, Immediate("unexpected")); });
  ASSERT_TRUE(WaitForWaiters(cache, 1));
  release.set_value();
  EXPECT_THROW(first.get(), std::runtime_error);
  ASSERT_EQ(waiter.wait_for(kDeadline), std::future_status::ready);
  const Cache::Answer b = waiter.get();
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kInternal);
}

TEST(GenerationCacheTest, ValuesExpireAtTheirTimeAndWithTheGeneration) {
  DataGeneration generation;
  Cache cache(generation, 16);
  auto until = [](std::string value, std::int64_t valid_until_ms) {
    return [=]() -> Result<Cache::Computed> { return Cache::Computed{std::make_shared<const std::string>(value), valid_until_ms}; };
  };
  EXPECT_EQ(ValueOf(cache.Get("k", 100, Staleness::kCurrent, until("v1", 200))), "v1");
  EXPECT_EQ(ValueOf(cache.Get("k", 199, Staleness::kCurrent, until("unexpected", 300))), "v1");
  EXPECT_EQ(ValueOf(cache.Get("k", 200, Staleness::kCurrent, until("v2", 300))), "v2");
  generation.Bump();
  EXPECT_EQ(ValueOf(cache.Get("k", 200, Staleness::kCurrent, until("v3", 300))), "v3");
  EXPECT_EQ(cache.Counters().hits, 1u);
  EXPECT_EQ(cache.Counters().computations, 3u);
}

TEST(GenerationCacheTest, AFullCacheKeepsKeysBeingComputed) {
  DataGeneration generation;
  Cache cache(generation, 2);
  HeldComputation held("held");
  auto first = std::async(std::launch::async, [&] { return cache.Get("held", 0, Staleness::kCurrent, std::ref(held)); });
  ASSERT_TRUE(held.WaitStarted());
  for (int i = 0; i < 5; ++i) {
    const std::string key = "other" + std::to_string(i);
    EXPECT_EQ(ValueOf(cache.Get(key, 0, Staleness::kCurrent, Immediate(key))), key);
  }
  auto waiter = std::async(std::launch::async, [&] { return cache.Get("held", 0, Staleness::kCurrent, Immediate("unexpected")); });
  ASSERT_TRUE(WaitForWaiters(cache, 1));
  held.Release();
  EXPECT_EQ(ValueOf(first.get()), "held");
  EXPECT_EQ(ValueOf(waiter.get()), "held");
}

}  // namespace
}  // namespace kjudge::http
