// expect: wrong_answer — plain read-modify-write increments instead of atomics: concurrent updates of a bin are lost
#include <cuda_runtime.h>

#include <cstdint>

__global__ void histogram_kernel(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    volatile std::uint32_t* bin = &counts[data[i]];
    *bin = *bin + 1;  // races with every other thread that saw the same value
  }
}

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n, cudaStream_t stream) {
  cudaMemsetAsync(counts, 0, 256 * sizeof(std::uint32_t), stream);
  if (n <= 0) return;
  const int threads = 256;
  const std::int64_t blocks = (n + threads - 1) / threads;
  histogram_kernel<<<static_cast<unsigned>(blocks < 65536 ? blocks : 65536), threads, 0, stream>>>(data, counts, n);
}
