#include <cstdint>
void scale(const float*, float*, std::int64_t) {
  for (volatile int spin = 0;;) spin = spin + 1;
}
