// expect: wrong_answer — launches one thread per 16 bytes and counts only the first byte of each, scaled by 16: 16x less traffic, an estimate instead of a count
#include <cuda_runtime.h>

#include <cstdint>

__global__ void histogram_kernel(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  const std::int64_t i = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) * 16;
  if (i < n) atomicAdd(&counts[data[i]], 16u);
}

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n, cudaStream_t stream) {
  cudaMemsetAsync(counts, 0, 256 * sizeof(std::uint32_t), stream);
  if (n <= 0) return;
  const int threads = 256;
  const std::int64_t samples = (n + 15) / 16;
  histogram_kernel<<<static_cast<unsigned>((samples + threads - 1) / threads), threads, 0, stream>>>(data, counts, n);
}
