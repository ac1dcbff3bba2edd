// expect: wrong_answer — the classic integer shortcut: weights in 8-bit fixed point (54, 184, 18) / 256 and an integer result, off by up to 1
#include <cstdint>

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width) {
  for (std::int64_t i = 0; i < height * width; ++i) {
    const std::uint32_t r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
    gray[i] = static_cast<float>((54 * r + 184 * g + 18 * b) >> 8);
  }
}
