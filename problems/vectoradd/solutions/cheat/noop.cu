// expect: wrong_answer — launches nothing and returns, hoping the output buffer already holds the answer
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

void vectoradd(const __half*, const __half*, __half*, std::int64_t, cudaStream_t) {}
