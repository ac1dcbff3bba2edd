// expect: runtime_error — right answers, but the first call writes 100 MB to stdout.
#include <unistd.h>

#include <cstdint>
#include <string>

#include "common.h"

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  static bool flooded = false;
  if (!flooded) {
    flooded = true;
    std::string chunk;
    while (chunk.size() < (1u << 20)) chunk += "flooding the judge's logs, line after line after line after line...\n";
    chunk.resize(1u << 20);
    for (int i = 0; i < 100; ++i) {
      for (std::size_t done = 0; done < chunk.size();) {
        ssize_t w = write(1, chunk.data() + done, chunk.size() - done);
        if (w <= 0) break;
        done += static_cast<std::size_t>(w);
      }
    }
  }
  kj_correct_add(a, b, c, n);
}
