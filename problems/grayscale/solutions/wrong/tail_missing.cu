// expect: wrong_answer — one thread per pixel on a 1D grid rounded down to whole blocks: the last height * width % 256 pixels are never written
#include <cuda_runtime.h>

#include <cstdint>

__global__ void grayscale_kernel(const std::uint8_t* rgb, float* gray) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const float r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
  gray[i] = 0.21f * r + 0.72f * g + 0.07f * b;
}

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width, cudaStream_t stream) {
  const std::int64_t blocks = height * width / 256;
  if (blocks > 0) grayscale_kernel<<<static_cast<unsigned>(blocks), 256, 0, stream>>>(rgb, gray);
}
