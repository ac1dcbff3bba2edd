// InputPipeline: the inputs and expected outputs of a benchmark case's timed calls, generated
// ahead of the calls by worker threads. Every timed call of a leaderboard run gets inputs drawn
// from a seed of its own, and the problem's reference (run on the CPU) must produce the expected
// outputs for each; done in line, that work (tens to hundreds of milliseconds for large cases)
// left room for only a handful of timed calls in a case's budget. With W workers the calls no
// longer wait for it, up to W times sooner, and each set is still used exactly once.
//
// Sets come out in index order (set i from seed_of(i)), whatever order the workers finish in. At
// most `depth` sets exist at a time, in the pipeline or held by the caller, which bounds memory.
// With no workers, Next() generates the set itself (the host backend, whose timings a busy
// neighbouring core would disturb).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::runner {

class InputPipeline {
 public:
  using Buffers = std::vector<std::vector<unsigned char>>;
  struct Set {
    std::uint64_t index = 0;
    std::uint64_t seed = 0;
    Buffers data;  ///< one vector per buffer, sized as `sizes` says
  };
  /// Fills every buffer for `seed`: inputs as generated, outputs as the reference computes them.
  /// Called from several threads at once.
  using Generator = std::function<Status(std::uint64_t seed, Buffers& data)>;

  InputPipeline(std::vector<std::size_t> sizes, std::function<std::uint64_t(std::uint64_t index)> seed_of,
                Generator generate, int workers, int depth);
  ~InputPipeline();
  InputPipeline(const InputPipeline&) = delete;
  InputPipeline& operator=(const InputPipeline&) = delete;

  /// The next set, in index order; blocks until it is ready. A generator failure is returned
  /// here, for the index it happened at.
  Result<Set> Next();
  /// Gives a used set's memory back for a later index.
  void Recycle(Set&& used);

  /// How many sets may exist at once for a case of `set_bytes` bytes: `wanted`, lowered so that
  /// they hold at most `budget_bytes`, and never below 1.
  static int DepthFor(std::size_t set_bytes, int wanted, std::size_t budget_bytes);

 private:
  Buffers Allocate();
  void Work();

  const std::vector<std::size_t> sizes_;
  const std::function<std::uint64_t(std::uint64_t)> seed_of_;
  const Generator generate_;
  const int depth_;
  std::mutex mu_;
  std::condition_variable ready_cv_, room_cv_;
  std::map<std::uint64_t, Result<Set>> done_;  ///< finished, not yet taken
  std::vector<Buffers> spare_;
  std::uint64_t next_to_start_ = 0, next_to_take_ = 0;
  int outstanding_ = 0;  ///< sets in flight, finished or held by the caller
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace kjudge::runner
