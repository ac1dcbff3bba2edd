// expect: passed — cub::DeviceHistogram::HistogramEven over 257 levels [0, 256), scratch memory kept between calls
#include <cub/device/device_histogram.cuh>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

void histogram(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n, cudaStream_t stream) {
  static void* scratch = nullptr;
  static std::size_t scratch_bytes = 0;
  std::size_t needed = 0;
  // CUB writes every bin itself, zeros included.
  cub::DeviceHistogram::HistogramEven(nullptr, needed, data, counts, 257, 0, 256, n, stream);
  if (needed > scratch_bytes) {
    if (scratch != nullptr) cudaFree(scratch);
    cudaMalloc(&scratch, needed);
    scratch_bytes = needed;
  }
  cub::DeviceHistogram::HistogramEven(scratch, needed, data, counts, 257, 0, 256, n, stream);
}
