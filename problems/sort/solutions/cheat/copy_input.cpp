// expect: wrong_answer — returns the input unchanged
#include <cstdint>
#include <cstring>

void sort(const float* x, float* y, std::int64_t n) { std::memcpy(y, x, static_cast<std::size_t>(n) * sizeof(float)); }
