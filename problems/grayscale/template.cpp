// grayscale, host CPU backend: gray = 0.21 r + 0.72 g + 0.07 b for every pixel of a
// height x width image, `rgb` interleaved uint8 (3 bytes a pixel, rows packed), `gray` fp32.
// A correct, unoptimised starting point: make it faster.
#include <cstdint>

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width) {
  for (std::int64_t i = 0; i < height * width; ++i) {
    const float r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
    gray[i] = 0.21f * r + 0.72f * g + 0.07f * b;
  }
}
