// expect: wrong_answer — reads the pixel as BGR (OpenCV's order): the red and blue weights are swapped
#include <cstdint>

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width) {
  for (std::int64_t i = 0; i < height * width; ++i) {
    const float b = rgb[3 * i], g = rgb[3 * i + 1], r = rgb[3 * i + 2];
    gray[i] = 0.21f * r + 0.72f * g + 0.07f * b;
  }
}
