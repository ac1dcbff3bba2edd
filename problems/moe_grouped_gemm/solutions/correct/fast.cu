// expect: passed — one launch for all experts: 64 x 64 tiles numbered group by group and found from offsets on the device, WMMA fp16 tensor cores with fp32 accumulators, 16-byte loads with the next k tile in flight when k and n allow
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>

#include <cstdint>
#include <type_traits>

namespace {

using namespace nvcuda;

constexpr int kTileM = 64, kTileN = 64, kTileK = 64;
constexpr int kThreads = 128;  // 4 warps in 2 x 2, each 32 x 32 of Y as 2 x 2 WMMA fragments
// Row pitches in elements: multiples of 8 halves (4 floats), as WMMA needs, and off the 128-byte bank period.
constexpr int kPitchA = kTileK + 8, kPitchB = kTileN + 8, kPitchC = kTileN + 4;

// A rows x cols tile of a row-major matrix (leading dimension ld), zero outside
// [0, row_limit) x [0, col_limit), moved to shared memory in chunks. kVector: 8 halves a chunk,
// which needs cols, col_limit and ld to be multiples of 8 and src 16-byte aligned; the tile is
// then fetched into registers while the tensor cores work on the previous one.
template <int kRows, int kCols, bool kVector>
struct TileStage {
  static constexpr int kWidth = kVector ? 8 : 1;
  static constexpr int kCount = kRows * kCols / kWidth / kThreads;  // chunks per thread
  using Chunk = std::conditional_t<kVector, uint4, __half>;
  Chunk regs[kVector ? kCount : 1];

  __device__ __forceinline__ static int Row(int it) { return (it * kThreads + threadIdx.x) / (kCols / kWidth); }
  __device__ __forceinline__ static int Col(int it) { return (it * kThreads + threadIdx.x) % (kCols / kWidth) * kWidth; }
  __device__ __forceinline__ static Chunk Load(int it, const __half* src, std::int64_t ld, std::int64_t row_limit,
                                               std::int64_t col_limit) {
    const int r = Row(it), c = Col(it);
    const bool inside = r < row_limit && c < col_limit;
    if constexpr (kVector) {
      return inside ? *reinterpret_cast<const uint4*>(src + r * ld + c) : make_uint4(0, 0, 0, 0);
    } else {
      return inside ? src[r * ld + c] : __float2half(0.0f);
    }
  }
  __device__ __forceinline__ static void Put(int it, __half* dst, int pitch, Chunk v) {
    *reinterpret_cast<Chunk*>(dst + Row(it) * pitch + Col(it)) = v;
  }

  __device__ __forceinline__ void Fetch(const __half* src, std::int64_t ld, std::int64_t row_limit, std::int64_t col_limit) {
#pragma unroll
    for (int it = 0; it < kCount; ++it) regs[it] = Load(it, src, ld, row_limit, col_limit);
  }
  __device__ __forceinline__ void Store(__half* dst, int pitch) const {
#pragma unroll
    for (int it = 0; it < kCount; ++it) Put(it, dst, pitch, regs[it]);
  }
  __device__ __forceinline__ static void Copy(const __half* src, std::int64_t ld, std::int64_t row_limit,
                                              std::int64_t col_limit, __half* dst, int pitch) {
#pragma unroll 8
    for (int it = 0; it < kCount; ++it) Put(it, dst, pitch, Load(it, src, ld, row_limit, col_limit));
  }
};

// grid.x: tiles of n; grid.y: tiles of rows, numbered expert by expert (each group cut into
// kTileM-row tiles), with enough of them for any routing; blocks past the last tile exit.
template <bool kVector>
__global__ void __launch_bounds__(kThreads)
    moe_wmma(const __half* __restrict__ x, const __half* __restrict__ w, const std::int32_t* __restrict__ offsets,
             __half* __restrict__ y, std::int64_t experts, std::int64_t n, std::int64_t k) {
  __shared__ alignas(32) __half sa[kTileM * kPitchA];
  __shared__ alignas(32) __half sb[kTileK * kPitchB];
  __shared__ alignas(32) float sc[kTileM * kPitchC];
  __shared__ std::int64_t tile[3];  // expert, first row, end of the group
  if (threadIdx.x == 0) {
    std::int64_t rest = blockIdx.y, e = 0;
    tile[0] = -1;
    for (; e < experts; ++e) {
      const std::int64_t begin = offsets[e], end = offsets[e + 1];
      const std::int64_t tiles = (end - begin + kTileM - 1) / kTileM;
      if (rest < tiles) {
        tile[0] = e, tile[1] = begin + rest * kTileM, tile[2] = end;
        break;
      }
      rest -= tiles;
    }
  }
  __syncthreads();
  if (tile[0] < 0) return;
  const std::int64_t row0 = tile[1], rows = tile[2] - tile[1] < kTileM ? tile[2] - tile[1] : kTileM;
  const std::int64_t n0 = static_cast<std::int64_t>(blockIdx.x) * kTileN;
  const __half* we = w + tile[0] * k * n;
  const int warp = threadIdx.x / 32, wm = (warp / 2) * 32, wn = (warp % 2) * 32;

  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
#pragma unroll
  for (int i = 0; i < 2; ++i) {
#pragma unroll
    for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);
  }
  using StageA = TileStage<kTileM, kTileK, kVector>;
  using StageB = TileStage<kTileK, kTileN, kVector>;
  StageA next_a;
  StageB next_b;
  if constexpr (kVector) {
    next_a.Fetch(x + row0 * k, k, rows, k);
    next_b.Fetch(we + n0, n, k, n - n0);
  }
  for (std::int64_t k0 = 0; k0 < k; k0 += kTileK) {
    if constexpr (kVector) {
      next_a.Store(sa, kPitchA);
      next_b.Store(sb, kPitchB);
    } else {
      StageA::Copy(x + row0 * k + k0, k, rows, k - k0, sa, kPitchA);
      StageB::Copy(we + k0 * n + n0, n, k - k0, n - n0, sb, kPitchB);
    }
    __syncthreads();
    if constexpr (kVector) {
      if (k0 + kTileK < k) {  // in flight during this tile's MMAs
        next_a.Fetch(x + row0 * k + k0 + kTileK, k, rows, k - k0 - kTileK);
        next_b.Fetch(we + (k0 + kTileK) * n + n0, n, k - k0 - kTileK, n - n0);
      }
    }
#pragma unroll
    for (int kk = 0; kk < kTileK; kk += 16) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a[2];
      wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> b[2];
#pragma unroll
      for (int i = 0; i < 2; ++i) wmma::load_matrix_sync(a[i], sa + (wm + 16 * i) * kPitchA + kk, kPitchA);
#pragma unroll
      for (int j = 0; j < 2; ++j) wmma::load_matrix_sync(b[j], sb + kk * kPitchB + wn + 16 * j, kPitchB);
#pragma unroll
      for (int i = 0; i < 2; ++i) {
#pragma unroll
        for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
      }
    }
    __syncthreads();  // the tiles are overwritten by the next step
  }
#pragma unroll
  for (int i = 0; i < 2; ++i) {
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      wmma::store_matrix_sync(sc + (wm + 16 * i) * kPitchC + wn + 16 * j, acc[i][j], kPitchC, wmma::mem_row_major);
    }
  }
  __syncthreads();
  for (int i = threadIdx.x; i < kTileM * kTileN; i += kThreads) {
    const int r = i / kTileN, c = i % kTileN;
    if (r < rows && n0 + c < n) y[(row0 + r) * n + n0 + c] = __float2half_rn(sc[r * kPitchC + c]);
  }
}

}  // namespace

void moe_grouped_gemm(const __half* x, const __half* w, const std::int32_t* offsets, __half* y, std::int64_t tokens,
                      std::int64_t experts, std::int64_t n, std::int64_t k, cudaStream_t stream) {
  if (tokens <= 0 || n <= 0 || experts <= 0) return;
  // Groups of sizes c_e need sum ceil(c_e / kTileM) <= tokens / kTileM + experts row tiles.
  const dim3 grid(static_cast<unsigned>((n + kTileN - 1) / kTileN),
                  static_cast<unsigned>((tokens + kTileM - 1) / kTileM + experts));
  const bool aligned = ((reinterpret_cast<std::uintptr_t>(x) | reinterpret_cast<std::uintptr_t>(w)) % 16) == 0;
  if (aligned && k % 8 == 0 && n % 8 == 0) {
    moe_wmma<true><<<grid, kThreads, 0, stream>>>(x, w, offsets, y, experts, n, k);
  } else {
    moe_wmma<false><<<grid, kThreads, 0, stream>>>(x, w, offsets, y, experts, n, k);
  }
}
