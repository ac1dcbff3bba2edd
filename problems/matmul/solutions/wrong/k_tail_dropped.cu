// expect: wrong_answer — shared-memory tiles of 16 x 16 that only loop over whole tiles of k: the last k % 16 products are never added
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

constexpr int kTile = 16;

__global__ void matmul_kernel(const __half* a, const __half* b, __half* c, std::int64_t m, std::int64_t n,
                              std::int64_t k) {
  __shared__ float as[kTile][kTile], bs[kTile][kTile];
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * kTile + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * kTile + threadIdx.y;
  float acc = 0.0f;
  for (std::int64_t t = 0; t < k / kTile; ++t) {  // should be (k + kTile - 1) / kTile, with bounds checks
    as[threadIdx.y][threadIdx.x] = row < m ? __half2float(a[row * k + t * kTile + threadIdx.x]) : 0.0f;
    bs[threadIdx.y][threadIdx.x] = col < n ? __half2float(b[(t * kTile + threadIdx.y) * n + col]) : 0.0f;
    __syncthreads();
    for (int q = 0; q < kTile; ++q) acc += as[threadIdx.y][q] * bs[q][threadIdx.x];
    __syncthreads();
  }
  if (row < m && col < n) c[row * n + col] = __float2half_rn(acc);
}

void matmul(const __half* a, const __half* b, __half* c, std::int64_t m, std::int64_t n, std::int64_t k,
            cudaStream_t stream) {
  if (m <= 0 || n <= 0) return;
  const dim3 threads(kTile, kTile);
  const dim3 blocks(static_cast<unsigned>((n + kTile - 1) / kTile), static_cast<unsigned>((m + kTile - 1) / kTile));
  matmul_kernel<<<blocks, threads, 0, stream>>>(a, b, c, m, n, k);
}
