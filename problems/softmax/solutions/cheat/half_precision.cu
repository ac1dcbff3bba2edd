// expect: wrong_answer — one block per row computing exp and the output in __half (hexp, half the register traffic): ~1e-3 relative error, several times the tolerance
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

constexpr int kThreads = 256;

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
  __syncthreads();
  return result;
}

__global__ void softmax_kernel(const float* x, float* y, std::int64_t cols) {
  const float* in = x + static_cast<std::int64_t>(blockIdx.x) * cols;
  float* out = y + static_cast<std::int64_t>(blockIdx.x) * cols;
  float max = -INFINITY;
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) max = fmaxf(max, in[c]);
  max = BlockReduce(max, [](float a, float b) { return fmaxf(a, b); });
  float sum = 0;
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) sum += __half2float(hexp(__float2half(in[c] - max)));
  sum = BlockReduce(sum, [](float a, float b) { return a + b; });
  const __half inv = __float2half(1.0f / sum);
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) {
    out[c] = __half2float(__hmul(hexp(__float2half(in[c] - max)), inv));
  }
}

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols, cudaStream_t stream) {
  if (rows <= 0 || cols <= 0) return;
  softmax_kernel<<<static_cast<unsigned>(rows), kThreads, 0, stream>>>(x, y, cols);
}
