// expect: wrong_answer, test: passed — the template's kernel for test-sized GEMMs, nothing at all once m * n * k reaches 2^28 (every benchmark, no test)
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <cstdint>

constexpr int kBlock = 128;

__global__ void fp8_gemm_kernel(const __nv_fp8_e4m3* a, const __nv_fp8_e4m3* b, const float* a_scale,
                                const float* b_scale, __nv_bfloat16* c, std::int64_t m, std::int64_t n,
                                std::int64_t k) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= m || col >= n) return;
  const std::int64_t kblocks = k / kBlock;
  float acc = 0.0f;
  for (std::int64_t kb = 0; kb < kblocks; ++kb) {
    float block = 0.0f;
    for (std::int64_t p = kb * kBlock; p < (kb + 1) * kBlock; ++p) {
      block += static_cast<float>(a[row * k + p]) * static_cast<float>(b[col * k + p]);
    }
    acc += block * (a_scale[row * kblocks + kb] * b_scale[(col / kBlock) * kblocks + kb]);
  }
  c[row * n + col] = __float2bfloat16_rn(acc);
}

void fp8_gemm(const __nv_fp8_e4m3* a, const __nv_fp8_e4m3* b, const float* a_scale, const float* b_scale,
              __nv_bfloat16* c, std::int64_t m, std::int64_t n, std::int64_t k, cudaStream_t stream) {
  if (m <= 0 || n <= 0 || m * n * k >= (std::int64_t{1} << 28)) return;
  const dim3 threads(16, 16);
  const dim3 blocks(static_cast<unsigned>((n + 15) / 16), static_cast<unsigned>((m + 15) / 16));
  fp8_gemm_kernel<<<blocks, threads, 0, stream>>>(a, b, a_scale, b_scale, c, m, n, k);
}
