// expect: wrong_answer — launches nothing and returns, hoping the output buffer already holds the answer
#include <cuda_runtime.h>

#include <cstdint>

void prefixsum(const float*, float*, std::int64_t, cudaStream_t) {}
