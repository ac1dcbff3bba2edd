// expect: passed — the template: one thread per element of C, fp32 accumulation, no shared memory or matrix cores
#include <hip/hip_fp16.h>
#include <hip/hip_runtime.h>

#include <cstdint>

__global__ void matmul_kernel(const __half* a, const __half* b, __half* c, std::int64_t m, std::int64_t n,
                              std::int64_t k) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= m || col >= n) return;
  float acc = 0.0f;
  for (std::int64_t p = 0; p < k; ++p) acc += __half2float(a[row * k + p]) * __half2float(b[p * n + col]);
  c[row * n + col] = __float2half_rn(acc);
}

void matmul(const __half* a, const __half* b, __half* c, std::int64_t m, std::int64_t n, std::int64_t k,
            hipStream_t stream) {
  if (m <= 0 || n <= 0) return;
  const dim3 threads(16, 16);
  const dim3 blocks(static_cast<unsigned>((n + 15) / 16), static_cast<unsigned>((m + 15) / 16));
  matmul_kernel<<<blocks, threads, 0, stream>>>(a, b, c, m, n, k);
}
