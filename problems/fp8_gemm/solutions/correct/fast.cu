// expect: passed — FP8 tensor cores (mma.sync m16n8k32 e4m3, sm_89+): 64 x 128 tiles of C, one 128-wide k block at a time through shared memory with the next block's loads in flight, each block's partial sums promoted to fp32 with its scales
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace {

constexpr int kBlockK = 128;              // one scale block of k per main-loop step
constexpr int kTileM = 64, kTileN = 128;  // kTileN = 128: one b_scale per tile and step
constexpr int kThreads = 256;             // 8 warps in 2 x 4, each computing 32 x 32 of C
constexpr int kStride = kBlockK + 32;     // shared row pitch: the 8-byte fragment loads of a half-warp hit 32 banks

__device__ __forceinline__ void MmaE4m3(float (&d)[4], const std::uint32_t (&a)[4], const std::uint32_t (&b)[2]) {
  asm volatile(
      "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// One 128-byte k block of kRows rows in registers, 16 bytes a thread at a time: fetched from global
// memory while the tensor cores work on the previous block, then stored to shared memory.
template <int kRows>
struct TileStage {
  static constexpr int kChunks = kBlockK / 16;             // 16-byte chunks in a row
  static constexpr int kCount = kRows * kChunks / kThreads;  // chunks per thread
  uint4 regs[kCount];

  // Rows [first, first + kRows) of src (k bytes apart); zeros from `limit` on.
  __device__ __forceinline__ void Fetch(const std::uint8_t* src, std::int64_t first, std::int64_t limit, std::int64_t k) {
#pragma unroll
    for (int it = 0; it < kCount; ++it) {
      const int i = it * kThreads + threadIdx.x, r = i / kChunks, col = (i % kChunks) * 16;
      regs[it] = first + r < limit ? *reinterpret_cast<const uint4*>(src + (first + r) * k + col) : make_uint4(0, 0, 0, 0);
    }
  }
  __device__ __forceinline__ void Store(std::uint8_t* dst) const {
#pragma unroll
    for (int it = 0; it < kCount; ++it) {
      const int i = it * kThreads + threadIdx.x;
      *reinterpret_cast<uint4*>(dst + (i / kChunks) * kStride + (i % kChunks) * 16) = regs[it];
    }
  }
};

// The fragments follow the PTX layout of m16n8k32 up to a permutation of k, the same for A and B
// (which leaves the dot products unchanged): lane (g, t) supplies k = 8t .. 8t + 7 of its rows.
__global__ void __launch_bounds__(kThreads)
    fp8_gemm_mma(const std::uint8_t* __restrict__ a, const std::uint8_t* __restrict__ b,
                 const float* __restrict__ a_scale, const float* __restrict__ b_scale, __nv_bfloat16* __restrict__ c,
                 std::int64_t m, std::int64_t n, std::int64_t k) {
  __shared__ alignas(16) std::uint8_t sa[kTileM * kStride];
  __shared__ alignas(16) std::uint8_t sb[kTileN * kStride];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int g = lane / 4, t = lane % 4;
  const int wm = (warp / 4) * 32, wn = (warp % 4) * 32;
  const std::int64_t m0 = static_cast<std::int64_t>(blockIdx.y) * kTileM;
  const std::int64_t n0 = static_cast<std::int64_t>(blockIdx.x) * kTileN;
  const std::int64_t kblocks = k / kBlockK;
  const float* bs = b_scale + (n0 / kBlockK) * kblocks;

  float acc[2][4][4] = {};
  TileStage<kTileM> next_a;
  TileStage<kTileN> next_b;
  next_a.Fetch(a, m0, m, k);
  next_b.Fetch(b, n0, n, k);
  for (std::int64_t kb = 0; kb < kblocks; ++kb) {
    next_a.Store(sa);
    next_b.Store(sb);
    __syncthreads();
    if (kb + 1 < kblocks) {  // in flight during this block's MMAs
      next_a.Fetch(a + (kb + 1) * kBlockK, m0, m, k);
      next_b.Fetch(b + (kb + 1) * kBlockK, n0, n, k);
    }
    float part[2][4][4] = {};
#pragma unroll
    for (int kk = 0; kk < kBlockK; kk += 32) {
      std::uint32_t af[2][4], bf[4][2];
#pragma unroll
      for (int i = 0; i < 2; ++i) {
        const std::uint8_t* p = sa + (wm + 16 * i + g) * kStride + kk + 8 * t;
        const uint2 lo = *reinterpret_cast<const uint2*>(p);                // row g
        const uint2 hi = *reinterpret_cast<const uint2*>(p + 8 * kStride);  // row g + 8
        af[i][0] = lo.x, af[i][1] = hi.x, af[i][2] = lo.y, af[i][3] = hi.y;
      }
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        const uint2 v = *reinterpret_cast<const uint2*>(sb + (wn + 8 * j + g) * kStride + kk + 8 * t);
        bf[j][0] = v.x, bf[j][1] = v.y;
      }
#pragma unroll
      for (int i = 0; i < 2; ++i) {
#pragma unroll
        for (int j = 0; j < 4; ++j) MmaE4m3(part[i][j], af[i], bf[j]);
      }
    }
    // Promote the block's partial sums (accumulated by the tensor cores with fewer bits than
    // fp32) into the fp32 accumulators, with the block's scales.
    const float s_b = bs[kb];
#pragma unroll
    for (int i = 0; i < 2; ++i) {
      const std::int64_t r0 = m0 + wm + 16 * i + g, r1 = r0 + 8;
      const float s0 = r0 < m ? a_scale[r0 * kblocks + kb] * s_b : 0.0f;
      const float s1 = r1 < m ? a_scale[r1 * kblocks + kb] * s_b : 0.0f;
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        acc[i][j][0] += part[i][j][0] * s0;
        acc[i][j][1] += part[i][j][1] * s0;
        acc[i][j][2] += part[i][j][2] * s1;
        acc[i][j][3] += part[i][j][3] * s1;
      }
    }
    __syncthreads();  // the tiles are overwritten by the next step
  }

#pragma unroll
  for (int i = 0; i < 2; ++i) {
    const std::int64_t r0 = m0 + wm + 16 * i + g, r1 = r0 + 8;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const std::int64_t col = n0 + wn + 8 * j + 2 * t;
      if (r0 < m && col < n) c[r0 * n + col] = __float2bfloat16_rn(acc[i][j][0]);
      if (r0 < m && col + 1 < n) c[r0 * n + col + 1] = __float2bfloat16_rn(acc[i][j][1]);
      if (r1 < m && col < n) c[r1 * n + col] = __float2bfloat16_rn(acc[i][j][2]);
      if (r1 < m && col + 1 < n) c[r1 * n + col + 1] = __float2bfloat16_rn(acc[i][j][3]);
    }
  }
}

}  // namespace

void fp8_gemm(const __nv_fp8_e4m3* a, const __nv_fp8_e4m3* b, const float* a_scale, const float* b_scale,
              __nv_bfloat16* c, std::int64_t m, std::int64_t n, std::int64_t k, cudaStream_t stream) {
  if (m <= 0 || n <= 0) return;
  const dim3 grid(static_cast<unsigned>((n + kTileN - 1) / kTileN), static_cast<unsigned>((m + kTileM - 1) / kTileM));
  fp8_gemm_mma<<<grid, kThreads, 0, stream>>>(reinterpret_cast<const std::uint8_t*>(a),
                                               reinterpret_cast<const std::uint8_t*>(b), a_scale, b_scale, c, m, n, k);
}
