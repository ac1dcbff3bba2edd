// expect: passed — one thread per element with __hadd, the template's kernel
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

__global__ void vectoradd_kernel(const __half* a, const __half* b, __half* c, std::int64_t n) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) c[i] = __hadd(a[i], b[i]);
}

void vectoradd(const __half* a, const __half* b, __half* c, std::int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  const int threads = 256;
  const std::int64_t blocks = (n + threads - 1) / threads;
  vectoradd_kernel<<<static_cast<unsigned>(blocks), threads, 0, stream>>>(a, b, c, n);
}
