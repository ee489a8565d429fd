#pragma once
// Shared by every kernel family: checked CUDA/cuBLAS calls turned into
// moe::Error (host side), and small device helpers (half/bf16 loads, warp sums).
// Included by .cu files only (device code), and by the host .cpp files for CUDA_CHECK.
#include <cuda_runtime.h>

#include <cstdint>
#include <string>

namespace moe::cuda {

// Throws moe::Error naming the call, the CUDA error and, for out of memory, what to do.
[[noreturn]] void throw_cuda_error(cudaError_t e, const char* what, const char* file, int line);
[[noreturn]] void throw_cublas_error(int status, const char* what, const char* file, int line);

} // namespace moe::cuda

#define CUDA_CHECK(call)                                                                                               \
    do {                                                                                                               \
        cudaError_t err__ = (call);                                                                                    \
        if (err__ != cudaSuccess) ::moe::cuda::throw_cuda_error(err__, #call, __FILE__, __LINE__);                     \
    } while (0)

// After a kernel launch: launch configuration errors show up here.
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())

// A cuBLAS call (the caller includes <cublas_v2.h>).
#define CUBLAS_CHECK(call)                                                                                             \
    do {                                                                                                               \
        const cublasStatus_t st__ = (call);                                                                            \
        if (st__ != CUBLAS_STATUS_SUCCESS) ::moe::cuda::throw_cublas_error(int(st__), #call, __FILE__, __LINE__);      \
    } while (0)

#ifdef __CUDACC__
#include <cuda_bf16.h>
#include <cuda_fp16.h>

namespace moe::cuda {

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1)
        v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1)
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}
// Unaligned-safe little-endian half at p (blocks of 18/34/144... bytes are only 2-aligned).
__device__ __forceinline__ float load_half(const uint8_t* p) {
    const uint16_t h = uint16_t(p[0]) | uint16_t(uint16_t(p[1]) << 8);
    return __half2float(__ushort_as_half(h));
}
__device__ __forceinline__ float bf16_bits_to_float(uint16_t h) {
    return __uint_as_float(uint32_t(h) << 16);
}

} // namespace moe::cuda
#endif
