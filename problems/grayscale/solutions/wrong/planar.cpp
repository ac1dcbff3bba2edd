// expect: wrong_answer — reads the input as planar (all red bytes, then all green, then all blue) instead of interleaved
#include <cstdint>

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width) {
  const std::int64_t pixels = height * width;
  for (std::int64_t i = 0; i < pixels; ++i) {
    const float r = rgb[i], g = rgb[pixels + i], b = rgb[2 * pixels + i];
    gray[i] = 0.21f * r + 0.72f * g + 0.07f * b;
  }
}
