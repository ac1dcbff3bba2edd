// expect: wrong_answer — one block per row without subtracting the row maximum: exp overflows (NaN) or underflows (0 / 0) on rows of large logits
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

constexpr int kThreads = 256;

__global__ void softmax_kernel(const float* x, float* y, std::int64_t cols) {
  __shared__ float partial[kThreads];
  const float* in = x + static_cast<std::int64_t>(blockIdx.x) * cols;
  float* out = y + static_cast<std::int64_t>(blockIdx.x) * cols;
  float sum = 0;
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) sum += expf(in[c]);
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s /= 2) {
    if (threadIdx.x < s) partial[threadIdx.x] += partial[threadIdx.x + s];
    __syncthreads();
  }
  sum = partial[0];
  for (std::int64_t c = threadIdx.x; c < cols; c += kThreads) out[c] = expf(in[c]) / sum;
}

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols, cudaStream_t stream) {
  if (rows <= 0 || cols <= 0) return;
  softmax_kernel<<<static_cast<unsigned>(rows), kThreads, 0, stream>>>(x, y, cols);
}
