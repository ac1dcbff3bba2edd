// expect: runtime_error — asks for 20 GiB and touches every page. Only if the memory limits let
// that through does it go on to compute the right answer (and pass).
#include <cstddef>
#include <cstdint>

#include "common.h"

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  const std::size_t bytes = std::size_t{20} << 30;
  char* block = new char[bytes];  // std::bad_alloc under the cap: uncaught, so std::terminate
  volatile char* touch = block;
  for (std::size_t i = 0; i < bytes; i += 4096) touch[i] = static_cast<char>(i);
  if (touch[bytes - 4096] != static_cast<char>(bytes - 4096)) return;
  kj_correct_add(a, b, c, n);
  delete[] block;
}
