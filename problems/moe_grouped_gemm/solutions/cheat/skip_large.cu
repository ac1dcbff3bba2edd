// expect: wrong_answer, test: passed — the template's kernel, but nothing at all once the weights reach 2^22 elements (every benchmark, no test)
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

__global__ void moe_kernel(const __half* x, const __half* w, const std::int32_t* offsets, __half* y,
                           std::int64_t tokens, std::int64_t n, std::int64_t k) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= tokens || col >= n) return;
  std::int64_t e = 0;
  while (offsets[e + 1] <= row) ++e;  // offsets[experts] = tokens > row ends the scan; empty groups are passed over
  const __half* we = w + e * k * n;
  float acc = 0.0f;
  for (std::int64_t p = 0; p < k; ++p) acc += __half2float(x[row * k + p]) * __half2float(we[p * n + col]);
  y[row * n + col] = __float2half_rn(acc);
}

void moe_grouped_gemm(const __half* x, const __half* w, const std::int32_t* offsets, __half* y, std::int64_t tokens,
                      std::int64_t experts, std::int64_t n, std::int64_t k, cudaStream_t stream) {
  if (tokens <= 0 || n <= 0 || experts <= 0 || experts * k * n >= (std::int64_t{1} << 22)) return;
  const dim3 threads(16, 16);
  const dim3 blocks(static_cast<unsigned>((n + 15) / 16), static_cast<unsigned>((tokens + 15) / 16));
  moe_kernel<<<blocks, threads, 0, stream>>>(x, w, offsets, y, tokens, n, k);
}
