#include <cstdint>
#include <cstdlib>
void scale(const float*, float*, std::int64_t) { std::abort(); }
