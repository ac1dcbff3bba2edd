// expect: wrong_answer, test: passed — converts test-sized images, launches nothing once an image reaches 2^20 pixels (every benchmark, no test)
#include <cuda_runtime.h>

#include <cstdint>

__global__ void grayscale_kernel(const std::uint8_t* rgb, float* gray, std::int64_t pixels) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= pixels) return;
  const float r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
  gray[i] = 0.21f * r + 0.72f * g + 0.07f * b;
}

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width, cudaStream_t stream) {
  const std::int64_t pixels = height * width;
  if (pixels <= 0 || pixels >= (std::int64_t{1} << 20)) return;
  grayscale_kernel<<<static_cast<unsigned>((pixels + 255) / 256), 256, 0, stream>>>(rgb, gray, pixels);
}
