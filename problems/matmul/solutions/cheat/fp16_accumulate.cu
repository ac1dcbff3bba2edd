// expect: wrong_answer — cublasGemmEx with CUBLAS_COMPUTE_16F: fp16 accumulation (twice the tensor-core rate on some GPUs) loses far more than the tolerance allows
#include <cublas_v2.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

void matmul(const __half* a, const __half* b, __half* c, std::int64_t m, std::int64_t n, std::int64_t k,
            cudaStream_t stream) {
  if (m <= 0 || n <= 0) return;
  static cublasHandle_t handle = nullptr;
  if (handle == nullptr) cublasCreate(&handle);
  cublasSetStream(handle, stream);
  const __half alpha = __float2half(1.0f), beta = __float2half(0.0f);
  cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), &alpha,
               b, CUDA_R_16F, static_cast<int>(n), a, CUDA_R_16F, static_cast<int>(k), &beta, c, CUDA_R_16F,
               static_cast<int>(n), CUBLAS_COMPUTE_16F, CUBLAS_GEMM_DEFAULT);
}
