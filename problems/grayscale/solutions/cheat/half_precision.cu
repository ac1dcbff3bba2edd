// expect: wrong_answer — computes in __half (half the register width): an error of up to 0.06 near 255, far above the tolerance
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

__global__ void grayscale_kernel(const std::uint8_t* rgb, float* gray, std::int64_t pixels) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= pixels) return;
  const __half r = __ushort2half_rn(rgb[3 * i]), g = __ushort2half_rn(rgb[3 * i + 1]), b = __ushort2half_rn(rgb[3 * i + 2]);
  const __half y = __hfma(__float2half(0.07f), b, __hfma(__float2half(0.72f), g, __hmul(__float2half(0.21f), r)));
  gray[i] = __half2float(y);
}

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width, cudaStream_t stream) {
  const std::int64_t pixels = height * width;
  if (pixels <= 0) return;
  grayscale_kernel<<<static_cast<unsigned>((pixels + 255) / 256), 256, 0, stream>>>(rgb, gray, pixels);
}
