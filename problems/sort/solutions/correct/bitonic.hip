// expect: passed — the template: bitonic network over a +infinity-padded power-of-two scratch buffer, one launch per step
#include <hip/hip_runtime.h>

#include <cmath>
#include <cstdint>

__global__ void pad_kernel(const float* x, float* buf, std::int64_t n, std::int64_t padded) {
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < padded; i += stride) {
    buf[i] = i < n ? x[i] : INFINITY;
  }
}

// One step of the network: element i compares with i ^ j, in ascending order when bit k of i is 0.
__global__ void bitonic_step(float* buf, std::int64_t padded, std::int64_t j, std::int64_t k) {
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < padded; i += stride) {
    const std::int64_t partner = i ^ j;
    if (partner <= i) continue;
    const float a = buf[i], b = buf[partner];
    const bool ascending = (i & k) == 0;
    if ((a > b) == ascending) {
      buf[i] = b;
      buf[partner] = a;
    }
  }
}

void sort(const float* x, float* y, std::int64_t n, hipStream_t stream) {
  if (n <= 0) return;
  std::int64_t padded = 1;
  while (padded < n) padded *= 2;
  // Scratch memory, kept between calls and grown when a larger case comes.
  static float* buf = nullptr;
  static std::int64_t capacity = 0;
  if (padded > capacity) {
    if (buf != nullptr) (void)hipFree(buf);
    (void)hipMalloc(&buf, padded * sizeof(float));
    capacity = padded;
  }
  const int threads = 256;
  const std::int64_t wanted = (padded + threads - 1) / threads;
  const unsigned blocks = static_cast<unsigned>(wanted < 65536 ? wanted : 65536);
  pad_kernel<<<blocks, threads, 0, stream>>>(x, buf, n, padded);
  for (std::int64_t k = 2; k <= padded; k *= 2) {
    for (std::int64_t j = k / 2; j > 0; j /= 2) bitonic_step<<<blocks, threads, 0, stream>>>(buf, padded, j, k);
  }
  (void)hipMemcpyAsync(y, buf, n * sizeof(float), hipMemcpyDeviceToDevice, stream);
}
