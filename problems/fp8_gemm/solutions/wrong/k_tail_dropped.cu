// expect: wrong_answer — walks k two scale blocks (256) at a time and never handles a last odd block: wrong whenever k / 128 is odd
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <cstdint>

constexpr int kBlock = 128;

__device__ float BlockDot(const __nv_fp8_e4m3* x, const __nv_fp8_e4m3* y) {
  float s = 0.0f;
  for (int p = 0; p < kBlock; ++p) s += static_cast<float>(x[p]) * static_cast<float>(y[p]);
  return s;
}

__global__ void fp8_gemm_kernel(const __nv_fp8_e4m3* a, const __nv_fp8_e4m3* b, const float* a_scale,
                                const float* b_scale, __nv_bfloat16* c, std::int64_t m, std::int64_t n,
                                std::int64_t k) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= m || col >= n) return;
  const std::int64_t kblocks = k / kBlock;
  const float* sa = a_scale + row * kblocks;
  const float* sb = b_scale + (col / kBlock) * kblocks;
  float acc = 0.0f;
  for (std::int64_t kb = 0; kb + 2 <= kblocks; kb += 2) {  // should also take a last single block
    acc += BlockDot(a + row * k + kb * kBlock, b + col * k + kb * kBlock) * (sa[kb] * sb[kb]);
    acc += BlockDot(a + row * k + (kb + 1) * kBlock, b + col * k + (kb + 1) * kBlock) * (sa[kb + 1] * sb[kb + 1]);
  }
  c[row * n + col] = __float2bfloat16_rn(acc);
}

void fp8_gemm(const __nv_fp8_e4m3* a, const __nv_fp8_e4m3* b, const float* a_scale, const float* b_scale,
              __nv_bfloat16* c, std::int64_t m, std::int64_t n, std::int64_t k, cudaStream_t stream) {
  if (m <= 0 || n <= 0) return;
  const dim3 threads(16, 16);
  const dim3 blocks(static_cast<unsigned>((n + 15) / 16), static_cast<unsigned>((m + 15) / 16));
  fp8_gemm_kernel<<<blocks, threads, 0, stream>>>(a, b, a_scale, b_scale, c, m, n, k);
}
