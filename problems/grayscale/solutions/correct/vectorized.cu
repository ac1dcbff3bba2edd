// expect: passed — coalesced through shared memory: each block stages 4,096 pixels of RGB with 16-byte loads, then every thread converts 4 pixels at a time and stores a float4; scalar tail
#include <cuda_runtime.h>

#include <cstdint>

namespace {

constexpr int kThreads = 256;
constexpr int kTilePixels = 4096;                // 12 KB of RGB, 16 KB of gray
constexpr int kTileWords = kTilePixels * 3 / 16;  // the RGB of a tile in 16-byte words

__device__ __forceinline__ float Luma(std::uint32_t r, std::uint32_t g, std::uint32_t b) {
  return 0.21f * static_cast<float>(r) + 0.72f * static_cast<float>(g) + 0.07f * static_cast<float>(b);
}

// A thread loading 48 bytes and storing 64 would touch memory at a 48- or 64-byte stride; staging
// the tile lets both the loads and the stores of a warp cover consecutive 16-byte words.
__global__ void __launch_bounds__(kThreads)
    grayscale_tiles(const uint4* __restrict__ rgb, float4* __restrict__ gray, std::int64_t tiles) {
  __shared__ uint4 stage[kTileWords];
  const auto* bytes4 = reinterpret_cast<const std::uint32_t*>(stage);
  for (std::int64_t tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
    const uint4* src = rgb + tile * kTileWords;
#pragma unroll
    for (int i = threadIdx.x; i < kTileWords; i += kThreads) stage[i] = __ldg(src + i);
    __syncthreads();
    float4* dst = gray + tile * (kTilePixels / 4);
#pragma unroll
    for (int q = threadIdx.x; q < kTilePixels / 4; q += kThreads) {
      // Four pixels in three little-endian words: r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3.
      const std::uint32_t w0 = bytes4[3 * q], w1 = bytes4[3 * q + 1], w2 = bytes4[3 * q + 2];
      dst[q] = make_float4(Luma(w0 & 0xffu, (w0 >> 8) & 0xffu, (w0 >> 16) & 0xffu),
                           Luma(w0 >> 24, w1 & 0xffu, (w1 >> 8) & 0xffu),
                           Luma((w1 >> 16) & 0xffu, w1 >> 24, w2 & 0xffu),
                           Luma((w2 >> 8) & 0xffu, (w2 >> 16) & 0xffu, w2 >> 24));
    }
    __syncthreads();  // the stage is refilled by the next tile
  }
}

__global__ void grayscale_scalar(const std::uint8_t* rgb, float* gray, std::int64_t begin, std::int64_t pixels) {
  const std::int64_t i = begin + static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < pixels) gray[i] = Luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
}

}  // namespace

void grayscale(const std::uint8_t* rgb, float* gray, std::int64_t height, std::int64_t width, cudaStream_t stream) {
  const std::int64_t pixels = height * width;
  if (pixels <= 0) return;
  const bool aligned = ((reinterpret_cast<std::uintptr_t>(rgb) | reinterpret_cast<std::uintptr_t>(gray)) % 16) == 0;
  const std::int64_t tiles = aligned ? pixels / kTilePixels : 0;
  if (tiles > 0) {
    int device = 0, sms = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    const std::int64_t cap = static_cast<std::int64_t>(sms) * 8;  // 8 blocks of 256 fill an SM
    grayscale_tiles<<<static_cast<unsigned>(tiles < cap ? tiles : cap), kThreads, 0, stream>>>(
        reinterpret_cast<const uint4*>(rgb), reinterpret_cast<float4*>(gray), tiles);
  }
  const std::int64_t done = tiles * kTilePixels;
  if (done < pixels) {
    const std::int64_t rest = pixels - done;
    grayscale_scalar<<<static_cast<unsigned>((rest + 255) / 256), 256, 0, stream>>>(rgb, gray, done, pixels);
  }
}
