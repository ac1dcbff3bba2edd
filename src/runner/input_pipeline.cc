#include "kjudge/runner/input_pipeline.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <utility>

namespace kjudge::runner {

InputPipeline::InputPipeline(std::vector<std::size_t> sizes, std::function<std::uint64_t(std::uint64_t)> seed_of,
                             Generator generate, int workers, int depth)
    : sizes_(std::move(sizes)), seed_of_(std::move(seed_of)), generate_(std::move(generate)), depth_(std::max(1, depth)) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

InputPipeline::~InputPipeline() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  room_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

InputPipeline::Buffers InputPipeline::Allocate() {
  Buffers b;
  for (std::size_t s : sizes_) b.emplace_back(s);
  return b;
}

void InputPipeline::Work() {
  // Idle priority: the workers use only cores nobody else wants, so they never delay the judged
  // process or the supervisor's thread, whose clock times the calls (supervisor.h).
  sched_param idle{};
  (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
  for (;;) {
    std::uint64_t index = 0;
    Buffers data;
    {
      std::unique_lock lock(mu_);
      room_cv_.wait(lock, [&] { return stopping_ || outstanding_ < depth_; });
      if (stopping_) return;
      index = next_to_start_++;
      ++outstanding_;
      if (!spare_.empty()) {
        data = std::move(spare_.back());
        spare_.pop_back();
      }
    }
    if (data.empty()) data = Allocate();
    const std::uint64_t seed = seed_of_(index);
    Status st = generate_(seed, data);
    {
      std::lock_guard lock(mu_);
      if (st.ok()) {
        done_.emplace(index, Set{index, seed, std::move(data)});
      } else {
        done_.emplace(index, st.error());
      }
    }
    ready_cv_.notify_all();
  }
}

Result<InputPipeline::Set> InputPipeline::Next() {
  if (workers_.empty()) {
    Set s{next_to_take_, seed_of_(next_to_take_), {}};
    ++next_to_take_;
    if (!spare_.empty()) {
      s.data = std::move(spare_.back());
      spare_.pop_back();
    } else {
      s.data = Allocate();
    }
    KJ_RETURN_IF_ERROR(generate_(s.seed, s.data));
    return s;
  }
  std::unique_lock lock(mu_);
  ready_cv_.wait(lock, [&] { return done_.count(next_to_take_) > 0; });
  auto it = done_.find(next_to_take_);
  Result<Set> out = std::move(it->second);
  done_.erase(it);
  ++next_to_take_;
  if (!out.ok()) {
    --outstanding_;
    room_cv_.notify_one();
  }
  return out;
}

void InputPipeline::Recycle(Set&& used) {
  {
    std::lock_guard lock(mu_);
    spare_.push_back(std::move(used.data));
    if (!workers_.empty()) --outstanding_;
  }
  room_cv_.notify_one();
}

int InputPipeline::DepthFor(std::size_t set_bytes, int wanted, std::size_t budget_bytes) {
  if (set_bytes == 0) return std::max(1, wanted);
  const std::size_t fit = budget_bytes / set_bytes;
  return static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(std::max(1, wanted)), fit)));
}

}  // namespace kjudge::runner
