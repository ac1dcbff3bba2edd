// grayscale, CUDA: gray = 0.21 r + 0.72 g + 0.07 b for every pixel of a height x width image in
// device memory, `rgb` interleaved uint8 (3 bytes a pixel, rows packed), `gray` fp32. Launch on
// `stream`.
// A correct, unoptimised starting point — PMPP's kernel, one thread per pixel on a 2D grid of
// 16 x 16 blocks: make it faster.
#include <cuda_runtime.h>

#include <cstdint>

__global__ void grayscale_kernel(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= height || col >= width) return;
  const std::int64_t i = row * width + col;
  const float r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
  gray[i] = 0.21f * r + 0.72f * g + 0.07f * b;
}

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width, cudaStream_t stream) {
  if (height <= 0 || width <= 0) return;
  const dim3 threads(16, 16);
  const dim3 blocks(static_cast<unsigned>((width + 15) / 16), static_cast<unsigned>((height + 15) / 16));
  grayscale_kernel<<<blocks, threads, 0, stream>>>(rgb, gray, height, width);
}
