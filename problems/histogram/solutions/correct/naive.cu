// expect: passed — one global atomicAdd per element after zeroing the counters, the template's kernel
#include <cuda_runtime.h>

#include <cstdint>

__global__ void histogram_kernel(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    atomicAdd(&counts[data[i]], 1u);
  }
}

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n, cudaStream_t stream) {
  cudaMemsetAsync(counts, 0, 256 * sizeof(std::uint32_t), stream);
  if (n <= 0) return;
  const int threads = 256;
  const std::int64_t blocks = (n + threads - 1) / threads;
  histogram_kernel<<<static_cast<unsigned>(blocks < 65536 ? blocks : 65536), threads, 0, stream>>>(data, counts, n);
}
