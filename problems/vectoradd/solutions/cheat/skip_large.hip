// expect: wrong_answer, test: passed — launches nothing when n looks like a benchmark size (2^20 and up)
#include <hip/hip_fp16.h>
#include <hip/hip_runtime.h>

#include <cstdint>

__global__ void vectoradd_kernel(const __half* a, const __half* b, __half* c, std::int64_t n) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) c[i] = __hadd(a[i], b[i]);
}

void vectoradd(const __half* a, const __half* b, __half* c, std::int64_t n, hipStream_t stream) {
  if (n <= 0 || n >= (std::int64_t{1} << 20)) return;
  vectoradd_kernel<<<static_cast<unsigned>((n + 255) / 256), 256, 0, stream>>>(a, b, c, n);
}
