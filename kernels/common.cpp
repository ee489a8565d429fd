#include "common.cuh"

#include "error.h"

#include <cublas_v2.h>
#include <fmt/format.h>

namespace moe::cuda {

void throw_cuda_error(cudaError_t e, const char* what, const char* file, int line) {
    if (e == cudaErrorMemoryAllocation) {
        size_t free_b = 0, total_b = 0;
        (void)cudaGetLastError();
        cudaMemGetInfo(&free_b, &total_b);
        throw Error(fmt::format("the GPU is out of memory ({:.2f} GiB of {:.2f} GiB free) in {}; use a smaller "
                                "--ctx or --batch, or --backend cpu",
            double(free_b) / (1u << 30), double(total_b) / (1u << 30), what));
    }
    throw Error(
        fmt::format("CUDA error {} ({}) in {} at {}:{}", cudaGetErrorName(e), cudaGetErrorString(e), what, file, line));
}

void throw_cublas_error(int status, const char* what, const char* file, int line) {
    if (status == CUBLAS_STATUS_ALLOC_FAILED) {
        throw Error(
            fmt::format("the GPU is out of memory in {} (cuBLAS); use a smaller --batch or --backend cpu", what));
    }
    throw Error(fmt::format("cuBLAS error {} ({}) in {} at {}:{}", status,
        cublasGetStatusString(cublasStatus_t(status)), what, file, line));
}

} // namespace moe::cuda
