// expect: wrong_answer — returns without doing any work, hoping the output buffer already holds the answer
#include <cstdint>

void vectoradd(const std::uint16_t*, const std::uint16_t*, std::uint16_t*, std::int64_t) {}
