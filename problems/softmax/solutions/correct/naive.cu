// expect: passed — the template: one block per row, three passes (max, sum, write) with shared-memory tree reductions
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

constexpr int kThreads = 256;

// Reduces one value per thread over the block with `op`; every thread gets the result.
template <typename Op>
__device__ float BlockReduce(float v, Op op) {
  __shared__ float partial[kThreads];
  partial[threadIdx.x] = v;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s /= 2) {
    if (threadIdx.x < s) partial[threadIdx.x] = op(partial[threadIdx.x], partial[threadIdx.x + s]);
    __syncthreads();
  }
  const float result = partial[0];
  __syncthreads();  // partial is reused by the next reduction
  return result;
}

__global__ void softmax_kernel(const float* x, float* y, std::int64_t cols) {
  const float* in = x + static_cast<std::int64_t>(blockIdx.x) * cols;
  float* out = y + static_cast<std::int64_t>(blockIdx.x) * cols;
  float max = -INFINITY;
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) max = fmaxf(max, in[c]);
  max = BlockReduce(max, [](float a, float b) { return fmaxf(a, b); });
  float sum = 0;
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) sum += expf(in[c] - max);
  sum = BlockReduce(sum, [](float a, float b) { return a + b; });
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) out[c] = expf(in[c] - max) / sum;
}

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols, cudaStream_t stream) {
  if (rows <= 0 || cols <= 0) return;
  softmax_kernel<<<static_cast<unsigned>(rows), kThreads, 0, stream>>>(x, y, cols);
}
