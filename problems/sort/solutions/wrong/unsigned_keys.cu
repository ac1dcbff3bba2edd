// expect: wrong_answer — radix-sorts the float bits as unsigned integers: every negative lands after every positive, in reverse order
#include <cub/device/device_radix_sort.cuh>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

void sort(const float* x, float* y, std::int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  const auto* in = reinterpret_cast<const std::uint32_t*>(x);
  auto* out = reinterpret_cast<std::uint32_t*>(y);
  static void* scratch = nullptr;
  static std::size_t scratch_bytes = 0;
  std::size_t needed = 0;
  cub::DeviceRadixSort::SortKeys(nullptr, needed, in, out, n, 0, 32, stream);
  if (needed > scratch_bytes) {
    if (scratch != nullptr) cudaFree(scratch);
    cudaMalloc(&scratch, needed);
    scratch_bytes = needed;
  }
  cub::DeviceRadixSort::SortKeys(scratch, needed, in, out, n, 0, 32, stream);
}
