#include "kjudge/runner/input_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

namespace kjudge::runner {
namespace {

std::uint64_t SeedOf(std::uint64_t i) { return 1000 + i; }

// Writes the seed into the first buffer, after a delay that makes later indexes finish first.
Status SlowFill(std::uint64_t seed, InputPipeline::Buffers& data) {
  std::this_thread::sleep_for(std::chrono::milliseconds((seed % 3 == 0) ? 20 : 1));
  std::memcpy(data[0].data(), &seed, sizeof seed);
  return Ok();
}

std::uint64_t SeedIn(const InputPipeline::Set& s) {
  std::uint64_t v = 0;
  std::memcpy(&v, s.data[0].data(), sizeof v);
  return v;
}

TEST(InputPipelineTest, SetsComeOutInIndexOrderWhateverOrderWorkersFinish) {
  InputPipeline pipeline({8, 16}, SeedOf, SlowFill, 4, 6);
  for (std::uint64_t i = 0; i < 40; ++i) {
    auto set = pipeline.Next();
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_EQ(set->index, i);
    EXPECT_EQ(set->seed, SeedOf(i));
    EXPECT_EQ(SeedIn(*set), SeedOf(i)) << "the data is not the set's own";
    ASSERT_EQ(set->data.size(), 2u);
    EXPECT_EQ(set->data[1].size(), 16u);
    pipeline.Recycle(std::move(*set));
  }
}

TEST(InputPipelineTest, NeverHoldsMoreThanDepthSets) {
  std::atomic<int> live{0}, most{0};
  auto fill = [&](std::uint64_t seed, InputPipeline::Buffers& data) -> Status {
    const int now = ++live;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::memcpy(data[0].data(), &seed, sizeof seed);
    return Ok();
  };
  {
    InputPipeline pipeline({8}, SeedOf, fill, 6, 3);
    for (int i = 0; i < 20; ++i) {
      auto set = pipeline.Next();
      ASSERT_TRUE(set.ok());
      std::this_thread::sleep_for(std::chrono::milliseconds(3));  // the "call": workers run ahead meanwhile
      --live;  // this set is done with
      pipeline.Recycle(std::move(*set));
    }
  }
  EXPECT_LE(most.load(), 3) << "more sets alive than the depth allows";
  EXPECT_GE(most.load(), 2) << "the workers never ran ahead of the calls";
}

TEST(InputPipelineTest, AGeneratorFailureIsReportedAtItsIndex) {
  auto fill = [](std::uint64_t seed, InputPipeline::Buffers& data) -> Status {
    if (seed == SeedOf(5)) return MakeError(ErrorCode::kInternal, "reference failed for set 5");
    std::memcpy(data[0].data(), &seed, sizeof seed);
    return Ok();
  };
  InputPipeline pipeline({8}, SeedOf, fill, 3, 4);
  for (int i = 0; i < 5; ++i) {
    auto set = pipeline.Next();
    ASSERT_TRUE(set.ok());
    pipeline.Recycle(std::move(*set));
  }
  auto failed = pipeline.Next();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "reference failed for set 5");
}

TEST(InputPipelineTest, WithoutWorkersEachSetIsGeneratedWhenAskedFor) {
  int generated = 0;
  auto fill = [&](std::uint64_t seed, InputPipeline::Buffers& data) -> Status {
    ++generated;
    std::memcpy(data[0].data(), &seed, sizeof seed);
    return Ok();
  };
  InputPipeline pipeline({8}, SeedOf, fill, 0, 4);
  EXPECT_EQ(generated, 0);
  auto first = pipeline.Next();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(generated, 1);
  EXPECT_EQ(SeedIn(*first), SeedOf(0));
  pipeline.Recycle(std::move(*first));
  auto second = pipeline.Next();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(SeedIn(*second), SeedOf(1));
}

TEST(InputPipelineTest, DepthShrinksToTheMemoryBudget) {
  EXPECT_EQ(InputPipeline::DepthFor(100, 8, 1000), 8);
  EXPECT_EQ(InputPipeline::DepthFor(300, 8, 1000), 3);
  EXPECT_EQ(InputPipeline::DepthFor(5000, 8, 1000), 1) << "one set is always allowed";
  EXPECT_EQ(InputPipeline::DepthFor(0, 4, 1000), 4);
}

TEST(InputPipelineTest, StopsWhileWorkersWaitForRoom) {
  // Destroyed with sets finished and not taken: must return, not hang.
  InputPipeline pipeline({8}, SeedOf, SlowFill, 4, 2);
  auto set = pipeline.Next();
  ASSERT_TRUE(set.ok());
}

}  // namespace
}  // namespace kjudge::runner
