// expect: wrong_answer — assumes balanced routing (tokens / experts rows per expert, as in a synthetic benchmark) instead of reading offsets
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

__global__ void moe_kernel(const __half* x, const __half* w, __half* y, std::int64_t tokens, std::int64_t experts,
                           std::int64_t n, std::int64_t k) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= tokens || col >= n) return;
  const std::int64_t e = row * experts / tokens;
  const __half* we = w + e * k * n;
  float acc = 0.0f;
  for (std::int64_t p = 0; p < k; ++p) acc += __half2float(x[row * k + p]) * __half2float(we[p * n + col]);
  y[row * n + col] = __float2half_rn(acc);
}

void moe_grouped_gemm(const __half* x, const __half* w, const std::int32_t* /*offsets*/, __half* y, std::int64_t tokens,
                      std::int64_t experts, std::int64_t n, std::int64_t k, cudaStream_t stream) {
  if (tokens <= 0 || n <= 0 || experts <= 0) return;
  const dim3 threads(16, 16);
  const dim3 blocks(static_cast<unsigned>((n + 15) / 16), static_cast<unsigned>((tokens + 15) / 16));
  moe_kernel<<<blocks, threads, 0, stream>>>(x, w, y, tokens, experts, n, k);
}
