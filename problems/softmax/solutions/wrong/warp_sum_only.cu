// expect: wrong_answer — one block per row with warp-shuffle reductions that never combine the warps: each warp normalises its elements by its own partial sum (right only when a row fits in one warp's elements)
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

constexpr int kThreads = 256;

__device__ float WarpMax(float v) {
  for (int o = 16; o > 0; o /= 2) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
__device__ float WarpSum(float v) {
  for (int o = 16; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__global__ void softmax_kernel(const float* x, float* y, std::int64_t cols) {
  const float* in = x + static_cast<std::int64_t>(blockIdx.x) * cols;
  float* out = y + static_cast<std::int64_t>(blockIdx.x) * cols;
  float max = -INFINITY;
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) max = fmaxf(max, in[c]);
  max = WarpMax(max);  // missing: the maximum over the block's warps
  float sum = 0;
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) sum += expf(in[c] - max);
  sum = WarpSum(sum);  // missing: the sum over the block's warps
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) out[c] = expf(in[c] - max) / sum;
}

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols, cudaStream_t stream) {
  if (rows <= 0 || cols <= 0) return;
  softmax_kernel<<<static_cast<unsigned>(rows), kThreads, 0, stream>>>(x, y, cols);
}
