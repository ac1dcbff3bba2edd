// expect: wrong_answer — scans each 1024-element block on its own and never carries the totals across blocks
#include <cuda_runtime.h>

#include <cstdint>

constexpr int kBlock = 1024;

__global__ void ScanBlocks(const float* x, float* y, std::int64_t n) {
  __shared__ float s[kBlock];
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * kBlock + threadIdx.x;
  s[threadIdx.x] = i < n ? x[i] : 0.0f;
  __syncthreads();
  for (int offset = 1; offset < kBlock; offset <<= 1) {
    const float v = threadIdx.x >= offset ? s[threadIdx.x - offset] : 0.0f;
    __syncthreads();
    s[threadIdx.x] += v;
    __syncthreads();
  }
  if (i < n) y[i] = s[threadIdx.x];
}

void prefixsum(const float* x, float* y, std::int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  ScanBlocks<<<static_cast<unsigned>((n + kBlock - 1) / kBlock), kBlock, 0, stream>>>(x, y, n);
}
