// expect: wrong_answer — one launch per expert, the loop stopping one short: the last expert's rows are never written
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

// grid.y covers as many rows as any group can have; blocks past the group's end exit.
__global__ void expert_kernel(const __half* x, const __half* w, const std::int32_t* offsets, __half* y,
                              std::int64_t e, std::int64_t n, std::int64_t k) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = offsets[e] + static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= offsets[e + 1] || col >= n) return;
  const __half* we = w + e * k * n;
  float acc = 0.0f;
  for (std::int64_t p = 0; p < k; ++p) acc += __half2float(x[row * k + p]) * __half2float(we[p * n + col]);
  y[row * n + col] = __float2half_rn(acc);
}

void moe_grouped_gemm(const __half* x, const __half* w, const std::int32_t* offsets, __half* y, std::int64_t tokens,
                      std::int64_t experts, std::int64_t n, std::int64_t k, cudaStream_t stream) {
  if (tokens <= 0 || n <= 0) return;
  const dim3 threads(16, 16);
  const dim3 blocks(static_cast<unsigned>((n + 15) / 16), static_cast<unsigned>((tokens + 15) / 16));
  for (std::int64_t e = 0; e + 1 < experts; ++e) {  // should be e < experts
    expert_kernel<<<blocks, threads, 0, stream>>>(x, w, offsets, y, e, n, k);
  }
}
