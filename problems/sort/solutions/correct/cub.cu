// expect: passed — cub::DeviceRadixSort::SortKeys on the float keys (CUB orders floats by value), scratch memory kept between calls
#include <cub/device/device_radix_sort.cuh>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

void sort(const float* x, float* y, std::int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  static void* scratch = nullptr;
  static std::size_t scratch_bytes = 0;
  std::size_t needed = 0;
  cub::DeviceRadixSort::SortKeys(nullptr, needed, x, y, n, 0, 32, stream);
  if (needed > scratch_bytes) {
    if (scratch != nullptr) cudaFree(scratch);
    cudaMalloc(&scratch, needed);
    scratch_bytes = needed;
  }
  cub::DeviceRadixSort::SortKeys(scratch, needed, x, y, n, 0, 32, stream);
}
