// prefixsum, CUDA: y[i] = x[0] + ... + x[i] over n floats in device memory. Launch on `stream`.
// A correct, unoptimised starting point (a three-phase scan: scan each block, scan the block
// totals recursively, add each block's offset): make it faster.
#include <cuda_runtime.h>

#include <cstdint>

namespace {

constexpr int kBlock = 1024;  // elements per block, one per thread

// Inclusive scan of each block's elements (Hillis-Steele in shared memory); the block's total
// goes to sums[blockIdx.x]. Safe in place (x == y): each block reads its elements before writing.
__global__ void ScanBlocks(const float* x, float* y, float* sums, std::int64_t n) {
  __shared__ float s[kBlock];
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * kBlock + threadIdx.x;
  s[threadIdx.x] = i < n ? x[i] : 0.0f;
  __syncthreads();
  for (int offset = 1; offset < kBlock; offset <<= 1) {
    const float v = threadIdx.x >= offset ? s[threadIdx.x - offset] : 0.0f;
    __syncthreads();
    s[threadIdx.x] += v;
    __syncthreads();
  }
  if (i < n) y[i] = s[threadIdx.x];
  if (sums != nullptr && threadIdx.x == kBlock - 1) sums[blockIdx.x] = s[kBlock - 1];
}

// Adds the scanned total of all earlier blocks to every element of blocks 1 and up.
__global__ void AddOffsets(float* y, const float* scanned_sums, std::int64_t n) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x + 1) * kBlock + threadIdx.x;
  if (i < n) y[i] += scanned_sums[blockIdx.x];
}

std::int64_t Blocks(std::int64_t n) { return (n + kBlock - 1) / kBlock; }

// Scratch floats the recursion needs for n elements: one total per block, at every level.
std::int64_t ScratchFor(std::int64_t n) {
  std::int64_t total = 0;
  for (std::int64_t b = Blocks(n); b > 1; b = Blocks(b)) total += b;
  return total;
}

void Scan(const float* x, float* y, std::int64_t n, float* scratch, cudaStream_t stream) {
  const std::int64_t blocks = Blocks(n);
  if (blocks == 1) {
    ScanBlocks<<<1, kBlock, 0, stream>>>(x, y, nullptr, n);
    return;
  }
  float* sums = scratch;
  ScanBlocks<<<static_cast<unsigned>(blocks), kBlock, 0, stream>>>(x, y, sums, n);
  Scan(sums, sums, blocks, scratch + blocks, stream);
  AddOffsets<<<static_cast<unsigned>(blocks - 1), kBlock, 0, stream>>>(y, sums, n);
}

}  // namespace

void prefixsum(const float* x, float* y, std::int64_t n, cudaStream_t stream) {
  static float* scratch = nullptr;  // kept between calls, grown when a larger n arrives
  static std::int64_t capacity = 0;
  if (n <= 0) return;
  const std::int64_t need = ScratchFor(n);
  if (need > capacity) {
    (void)cudaFree(scratch);
    if (cudaMalloc(&scratch, static_cast<std::size_t>(need) * sizeof(float)) != cudaSuccess) return;
    capacity = need;
  }
  Scan(x, y, n, scratch, stream);
}
