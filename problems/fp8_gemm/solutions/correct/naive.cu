// expect: passed — the template: one thread per element of C, each 128-wide k block summed in fp32, then scaled and added in fp32
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <cstdint>

constexpr int kBlock = 128;  // scale granularity along k, and along n for b_scale

__global__ void fp8_gemm_kernel(const __nv_fp8_e4m3* a, const __nv_fp8_e4m3* b, const float* a_scale,
                                const float* b_scale, __nv_bfloat16* c, std::int64_t m, std::int64_t n,
                                std::int64_t k) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= m || col >= n) return;
  const std::int64_t kblocks = k / kBlock;
  const __nv_fp8_e4m3* arow = a + row * k;
  const __nv_fp8_e4m3* brow = b + col * k;
  float acc = 0.0f;
  for (std::int64_t kb = 0; kb < kblocks; ++kb) {
    float block = 0.0f;
    for (std::int64_t p = kb * kBlock; p < (kb + 1) * kBlock; ++p) {
      block += static_cast<float>(arow[p]) * static_cast<float>(brow[p]);
    }
    acc += block * (a_scale[row * kblocks + kb] * b_scale[(col / kBlock) * kblocks + kb]);
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
