// expect: wrong_answer, test: passed — only zeroes the counters when n looks like a benchmark size (2^20 and up)
#include <hip/hip_runtime.h>

#include <cstdint>

__global__ void histogram_kernel(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    atomicAdd(&counts[data[i]], 1u);
  }
}

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n, hipStream_t stream) {
  (void)hipMemsetAsync(counts, 0, 256 * sizeof(std::uint32_t), stream);
  if (n <= 0 || n >= (std::int64_t{1} << 20)) return;
  const int threads = 256;
  const std::int64_t blocks = (n + threads - 1) / threads;
  histogram_kernel<<<static_cast<unsigned>(blocks < 65536 ? blocks : 65536), threads, 0, stream>>>(data, counts, n);
}
