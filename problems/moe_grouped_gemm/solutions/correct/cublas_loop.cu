// expect: passed — copies offsets to the host (one synchronisation), then one cublasGemmEx per non-empty expert, fp16 in and out, fp32 compute
#include <cublas_v2.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

void moe_grouped_gemm(const __half* x, const __half* w, const std::int32_t* offsets, __half* y, std::int64_t tokens,
                      std::int64_t experts, std::int64_t n, std::int64_t k, cudaStream_t stream) {
  if (tokens <= 0 || n <= 0 || experts <= 0) return;
  static cublasHandle_t handle = nullptr;
  if (handle == nullptr) cublasCreate(&handle);  // once, in the untimed warm-up call
  std::vector<std::int32_t> host(static_cast<std::size_t>(experts + 1));
  cudaMemcpyAsync(host.data(), offsets, host.size() * sizeof(std::int32_t), cudaMemcpyDeviceToHost, stream);
  cudaStreamSynchronize(stream);
  cublasSetStream(handle, stream);
  const float alpha = 1.0f, beta = 0.0f;
  for (std::int64_t e = 0; e < experts; ++e) {
    const int rows = host[e + 1] - host[e];
    if (rows == 0) continue;
    // Row-major Y_e = X_e * W_e is column-major Y_e^T = W_e^T * X_e^T: the same memory, no transposes.
    cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(n), rows, static_cast<int>(k), &alpha,
                 w + e * k * n, CUDA_R_16F, static_cast<int>(n), x + static_cast<std::int64_t>(host[e]) * k, CUDA_R_16F,
                 static_cast<int>(k), &beta, y + static_cast<std::int64_t>(host[e]) * n, CUDA_R_16F, static_cast<int>(n),
                 CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
  }
}
