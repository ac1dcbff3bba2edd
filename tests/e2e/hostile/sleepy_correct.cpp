// expect: passed — correct, but each call sleeps 1.5 s first, so a test-mode run (6 tests) takes
// about 9 s: long enough to kill its runner in the middle.
#include <chrono>
#include <cstdint>
#include <thread>

#include "common.h"

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kj_correct_add(a, b, c, n);
}
