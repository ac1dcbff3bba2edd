// expect: wrong_answer — reads the pixel as BGR (OpenCV's order): the red and blue weights are swapped
#include <cuda_runtime.h>

#include <cstdint>

__global__ void grayscale_kernel(const std::uint8_t* rgb, float* gray, std::int64_t pixels) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= pixels) return;
  const float b = rgb[3 * i], g = rgb[3 * i + 1], r = rgb[3 * i + 2];
  gray[i] = 0.21f * r + 0.72f * g + 0.07f * b;
}

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width, cudaStream_t stream) {
  const std::int64_t pixels = height * width;
  if (pixels <= 0) return;
  grayscale_kernel<<<static_cast<unsigned>((pixels + 255) / 256), 256, 0, stream>>>(rgb, gray, pixels);
}
