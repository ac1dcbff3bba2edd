// expect: passed — hand-tuned: each block keeps up to 4096 elements of a row in registers (one read, one write); rows longer than that are split over several blocks that exchange (max, sum) partials through a second launch
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

namespace {

constexpr int kThreads = 256;
constexpr int kMaxItems = 16;                     // per thread
constexpr int kChunk = kThreads * kMaxItems;      // elements one block holds in registers

// A row segment's statistics: its maximum and the sum of exp(x - max) over it.
struct Stats {
  float max;
  float sum;
};

__device__ __forceinline__ Stats Combine(Stats a, Stats b) {
  if (a.max < b.max) {
    const Stats t = a;
    a = b;
    b = t;
  }
  if (b.max == -INFINITY) return a;  // an empty segment (or both empty)
  return {a.max, a.sum + b.sum * expf(b.max - a.max)};
}

__device__ __forceinline__ float WarpMax(float v) {
  for (int o = 16; o > 0; o /= 2) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
__device__ __forceinline__ float WarpSum(float v) {
  for (int o = 16; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// Block-wide max or sum; every thread gets the result. `scratch` holds one float per warp.
template <bool kIsMax>
__device__ __forceinline__ float BlockReduce(float v, float* scratch) {
  v = kIsMax ? WarpMax(v) : WarpSum(v);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < kThreads / 32 ? scratch[lane] : (kIsMax ? -INFINITY : 0.0f);
  v = kIsMax ? WarpMax(v) : WarpSum(v);
  __syncthreads();  // scratch is reused by the next reduction
  return v;
}

// Loads this block's segment [begin, end) of a row into registers (-inf beyond the end) and
// returns its statistics.
template <int kItems>
__device__ __forceinline__ Stats LoadSegment(const float* __restrict__ in, std::int64_t begin, std::int64_t end,
                                             float (&v)[kItems], float* scratch) {
  float max = -INFINITY;
#pragma unroll
  for (int i = 0; i < kItems; ++i) {
    const std::int64_t c = begin + i * kThreads + threadIdx.x;
    v[i] = c < end ? __ldg(in + c) : -INFINITY;
    max = fmaxf(max, v[i]);
  }
  max = BlockReduce<true>(max, scratch);
  float sum = 0;
#pragma unroll
  for (int i = 0; i < kItems; ++i) sum += expf(v[i] - max);  // exp(-inf) = 0 for padding
  sum = BlockReduce<false>(sum, scratch);
  return {max, sum};
}

template <int kItems>
__device__ __forceinline__ void WriteSegment(float* __restrict__ out, std::int64_t begin, std::int64_t end,
                                             const float (&v)[kItems], Stats row) {
  const float inv = 1.0f / row.sum;
#pragma unroll
  for (int i = 0; i < kItems; ++i) {
    const std::int64_t c = begin + i * kThreads + threadIdx.x;
    if (c < end) out[c] = expf(v[i] - row.max) * inv;
  }
}

// Whole row in one block: grid.x = rows.
template <int kItems>
__global__ void __launch_bounds__(kThreads) row_kernel(const float* __restrict__ x, float* __restrict__ y,
                                                       std::int64_t cols) {
  __shared__ float scratch[kThreads / 32];
  const std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * cols;
  float v[kItems];
  const Stats s = LoadSegment<kItems>(x + base, 0, cols, v, scratch);
  WriteSegment<kItems>(y + base, 0, cols, v, s);
}

// Long rows, pass 1: grid = (chunks, rows); each block writes its chunk's statistics.
__global__ void __launch_bounds__(kThreads) chunk_stats_kernel(const float* __restrict__ x, Stats* __restrict__ partial,
                                                               std::int64_t cols) {
  __shared__ float scratch[kThreads / 32];
  const std::int64_t base = static_cast<std::int64_t>(blockIdx.y) * cols;
  const std::int64_t begin = static_cast<std::int64_t>(blockIdx.x) * kChunk;
  const std::int64_t end = begin + kChunk < cols ? begin + kChunk : cols;
  float v[kMaxItems];
  const Stats s = LoadSegment<kMaxItems>(x + base, begin, end, v, scratch);
  if (threadIdx.x == 0) partial[static_cast<std::int64_t>(blockIdx.y) * gridDim.x + blockIdx.x] = s;
}

// Long rows, pass 2: every block combines its row's partials, re-reads its chunk (from L2, mostly)
// and writes it.
__global__ void __launch_bounds__(kThreads) chunk_write_kernel(const float* __restrict__ x, float* __restrict__ y,
                                                               const Stats* __restrict__ partial, std::int64_t cols) {
  const Stats* mine = partial + static_cast<std::int64_t>(blockIdx.y) * gridDim.x;
  Stats row{-INFINITY, 0.0f};
  for (unsigned i = 0; i < gridDim.x; ++i) row = Combine(row, mine[i]);
  const std::int64_t base = static_cast<std::int64_t>(blockIdx.y) * cols;
  const std::int64_t begin = static_cast<std::int64_t>(blockIdx.x) * kChunk;
  const std::int64_t end = begin + kChunk < cols ? begin + kChunk : cols;
  const float inv = 1.0f / row.sum;
#pragma unroll
  for (int i = 0; i < kMaxItems; ++i) {
    const std::int64_t c = begin + i * kThreads + threadIdx.x;
    if (c < end) y[base + c] = expf(__ldg(x + base + c) - row.max) * inv;
  }
}

}  // namespace

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols, cudaStream_t stream) {
  if (rows <= 0 || cols <= 0) return;
  const unsigned grid_rows = static_cast<unsigned>(rows);
  if (cols <= kChunk) {
    const std::int64_t items = (cols + kThreads - 1) / kThreads;
    if (items <= 1) row_kernel<1><<<grid_rows, kThreads, 0, stream>>>(x, y, cols);
    else if (items <= 2) row_kernel<2><<<grid_rows, kThreads, 0, stream>>>(x, y, cols);
    else if (items <= 4) row_kernel<4><<<grid_rows, kThreads, 0, stream>>>(x, y, cols);
    else if (items <= 8) row_kernel<8><<<grid_rows, kThreads, 0, stream>>>(x, y, cols);
    else row_kernel<16><<<grid_rows, kThreads, 0, stream>>>(x, y, cols);
    return;
  }
  const std::int64_t chunks = (cols + kChunk - 1) / kChunk;
  static Stats* partial = nullptr;
  static std::int64_t capacity = 0;
  const std::int64_t needed = (rows < 65535 ? rows : 65535) * chunks;
  if (needed > capacity) {
    if (partial != nullptr) cudaFree(partial);
    cudaMalloc(&partial, needed * sizeof(Stats));
    capacity = needed;
  }
  // grid.y is limited to 65,535: very tall inputs go in slices of rows.
  for (std::int64_t r0 = 0; r0 < rows; r0 += 65535) {
    const std::int64_t slice = rows - r0 < 65535 ? rows - r0 : 65535;
    const dim3 grid(static_cast<unsigned>(chunks), static_cast<unsigned>(slice));
    chunk_stats_kernel<<<grid, kThreads, 0, stream>>>(x + r0 * cols, partial, cols);
    chunk_write_kernel<<<grid, kThreads, 0, stream>>>(x + r0 * cols, y + r0 * cols, partial, cols);
  }
}
