// expect: wrong_answer — rounds the grid down to whole blocks, so the last n % 256 elements are never written
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

__global__ void vectoradd_kernel(const __half* a, const __half* b, __half* c) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  c[i] = __hadd(a[i], b[i]);
}

void vectoradd(const __half* a, const __half* b, __half* c, std::int64_t n, cudaStream_t stream) {
  const std::int64_t blocks = n / 256;
  if (blocks > 0) vectoradd_kernel<<<static_cast<unsigned>(blocks), 256, 0, stream>>>(a, b, c);
}
