// expect: passed — the naive kernel run 8 times over on a non-blocking stream of its own, returning without waiting: honest timing counts all 8 (about 8x naive.cu's time), a harness that timed only its own stream would report next to nothing
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

__global__ void vectoradd_kernel(const __half* a, const __half* b, __half* c, std::int64_t n) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) c[i] = __hadd(a[i], b[i]);
}

void vectoradd(const __half* a, const __half* b, __half* c, std::int64_t n, cudaStream_t) {
  static cudaStream_t side = [] {
    cudaStream_t s = nullptr;
    cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
    return s;
  }();
  if (n <= 0) return;
  const int threads = 256;
  const std::int64_t blocks = (n + threads - 1) / threads;
  for (int repeat = 0; repeat < 8; ++repeat) {
    vectoradd_kernel<<<static_cast<unsigned>(blocks), threads, 0, side>>>(a, b, c, n);
  }
}
