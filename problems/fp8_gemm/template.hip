// fp8_gemm, HIP: C = (A * a_scale) @ (B * b_scale)^T for e4m3 A (m x k) and B (n x k), both
// k-contiguous, a_scale fp32 [m, k/128], b_scale fp32 [ceil(n/128), k/128], C bf16 (m x n), all
// row-major in device memory. e4m3 values arrive as their bytes (OCP e4m3fn) and C is written as
// bf16 bit patterns. Accumulate in fp32 (or wider) and round each element of C to bf16 once.
// Launch on `stream`.
// A correct, unoptimised starting point — one thread per element of C, each 128-wide block of k
// summed in fp32 and then scaled: make it faster.
#include <hip/hip_runtime.h>

#include <cstdint>

constexpr int kBlock = 128;  // scale granularity along k, and along n for b_scale

// e4m3fn byte -> float, exact (bias 7; the inputs never hold NaN).
__device__ __forceinline__ float e4m3_to_float(std::uint8_t x) {
  const std::uint32_t exponent = (x >> 3) & 0xfu, mantissa = x & 0x7u;
  const float v = exponent == 0 ? static_cast<float>(mantissa) * 0x1p-9f
                                : __uint_as_float(((exponent + 120u) << 23) | (mantissa << 20));
  return (x & 0x80u) ? -v : v;
}

// float -> bf16 bits, rounded to nearest even (finite inputs).
__device__ __forceinline__ std::uint16_t float_to_bf16(float f) {
  const std::uint32_t x = __float_as_uint(f);
  return static_cast<std::uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

__global__ void fp8_gemm_kernel(const std::uint8_t* a, const std::uint8_t* b, const float* a_scale,
                                const float* b_scale, std::uint16_t* c, std::int64_t m, std::int64_t n,
                                std::int64_t k) {
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (row >= m || col >= n) return;
  const std::int64_t kblocks = k / kBlock;
  const std::uint8_t* arow = a + row * k;
  const std::uint8_t* brow = b + col * k;
  float acc = 0.0f;
  for (std::int64_t kb = 0; kb < kblocks; ++kb) {
    float block = 0.0f;
    for (std::int64_t p = kb * kBlock; p < (kb + 1) * kBlock; ++p) block += e4m3_to_float(arow[p]) * e4m3_to_float(brow[p]);
    acc += block * (a_scale[row * kblocks + kb] * b_scale[(col / kBlock) * kblocks + kb]);
  }
  c[row * n + col] = float_to_bf16(acc);
}

void fp8_gemm(const std::uint8_t* a, const std::uint8_t* b, const float* a_scale, const float* b_scale,
              std::uint16_t* c, std::int64_t m, std::int64_t n, std::int64_t k, hipStream_t stream) {
  if (m <= 0 || n <= 0) return;
  const dim3 threads(16, 16);
  const dim3 blocks(static_cast<unsigned>((n + 15) / 16), static_cast<unsigned>((m + 15) / 16));
  fp8_gemm_kernel<<<blocks, threads, 0, stream>>>(a, b, a_scale, b_scale, c, m, n, k);
}
