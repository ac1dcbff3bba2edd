// expect: wrong_answer, test: passed — skips the work when the image looks like a benchmark size (2^20 pixels and up)
#include <cstdint>

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width) {
  if (height * width >= (std::int64_t{1} << 20)) return;
  for (std::int64_t i = 0; i < height * width; ++i) {
    const float r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
    gray[i] = 0.21f * r + 0.72f * g + 0.07f * b;
  }
}
