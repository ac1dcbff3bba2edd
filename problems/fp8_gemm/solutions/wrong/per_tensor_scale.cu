// expect: wrong_answer — treats the scales as per-tensor (torch._scaled_mm's default): the whole dot product times a_scale[0] * b_scale[0]
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <cstdint>

__global__ void fp8_gemm_kernel(const __nv_fp8_e4m3* a, const __nv_fp8_e4m3* b, const float* a_scale,
                                const float* b_scale, __nv_bfloat16* c, std::int64_t m, std::int64_t n,
                                std::int64_t k) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= m || col >= n) return;
  float acc = 0.0f;
  for (std::int64_t p = 0; p < k; ++p) acc += static_cast<float>(a[row * k + p]) * static_cast<float>(b[col * k + p]);
  c[row * n + col] = __float2bfloat16_rn(acc * (a_scale[0] * b_scale[0]));
}

void fp8_gemm(const __nv_fp8_e4m3* a, const __nv_fp8_e4m3* b, const float* a_scale, const float* b_scale,
              __nv_bfloat16* c, std::int64_t m, std::int64_t n, std::int64_t k, cudaStream_t stream) {
  if (m <= 0 || n <= 0) return;
  const dim3 threads(16, 16);
  const dim3 blocks(static_cast<unsigned>((n + 15) / 16), static_cast<unsigned>((m + 15) / 16));
  fp8_gemm_kernel<<<blocks, threads, 0, stream>>>(a, b, a_scale, b_scale, c, m, n, k);
}
