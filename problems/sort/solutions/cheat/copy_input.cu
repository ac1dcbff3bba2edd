// expect: wrong_answer — returns the input unchanged with one device-to-device copy
#include <cuda_runtime.h>

#include <cstdint>

void sort(const float* x, float* y, std::int64_t n, cudaStream_t stream) {
  if (n > 0) cudaMemcpyAsync(y, x, n * sizeof(float), cudaMemcpyDeviceToDevice, stream);
}
