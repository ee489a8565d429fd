#include "norm.cuh"

namespace moe::cuda {

namespace {

constexpr int kNormThreads = 256;

// One block per row. The sum of squares is taken in double, as the CPU twin does.
__global__ void __launch_bounds__(kNormThreads) rmsnorm_kernel(
    const float* __restrict__ x, int ld_in, const float* __restrict__ w, float* out, int ld_out, int width, float eps) {
    const float* xr = x + size_t(blockIdx.x) * size_t(ld_in);
    float* orow = out + size_t(blockIdx.x) * size_t(ld_out);
    double ss = 0.0;
    for (int i = threadIdx.x; i < width; i += blockDim.x)
        ss += double(xr[i]) * double(xr[i]);
    for (int o = 16; o > 0; o >>= 1)
        ss += __shfl_xor_sync(0xffffffffu, ss, o);
    __shared__ double part[kNormThreads / 32];
    __shared__ float scale_s;
    if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = ss;
    __syncthreads();
    if (threadIdx.x == 0) {
        double tot = 0.0;
        for (int i = 0; i < int(blockDim.x / 32); ++i)
            tot += part[i];
        scale_s = float(1.0 / sqrt(tot / double(width) + double(eps)));
    }
    __syncthreads();
    const float scale = scale_s;
    for (int i = threadIdx.x; i < width; i += blockDim.x)
        orow[i] = __fmul_rn(__fmul_rn(xr[i], scale), w[i]);
}

__global__ void add_bias_kernel(float* y, int ld, const float* __restrict__ b, int rows, int width) {
    const size_t n = size_t(rows) * size_t(width);
    for (size_t k = size_t(blockIdx.x) * blockDim.x + threadIdx.x; k < n; k += size_t(gridDim.x) * blockDim.x) {
        const size_t r = k / size_t(width), i = k % size_t(width);
        y[r * size_t(ld) + i] += b[i];
    }
}

__global__ void add_kernel(float* x, const float* __restrict__ y, size_t n) {
    for (size_t k = size_t(blockIdx.x) * blockDim.x + threadIdx.x; k < n; k += size_t(gridDim.x) * blockDim.x)
        x[k] += y[k];
}

__global__ void silu_mul_kernel(float* a, const float* __restrict__ b, size_t n) {
    for (size_t k = size_t(blockIdx.x) * blockDim.x + threadIdx.x; k < n; k += size_t(gridDim.x) * blockDim.x) {
        const float g = a[k];
        a[k] = g / (1.0f + expf(-g)) * b[k];
    }
}

unsigned grid_for(size_t n) {
    return unsigned(std::min<size_t>((n + 255) / 256, 65535));
}

} // namespace

void launch_rmsnorm(
    const float* x, int ld_in, const float* w, float* out, int ld_out, int rows, int width, float eps, cudaStream_t s) {
    if (rows <= 0) return;
    rmsnorm_kernel<<<rows, kNormThreads, 0, s>>>(x, ld_in, w, out, ld_out, width, eps);
    CUDA_CHECK_LAUNCH();
}

void launch_add_bias(float* y, int ld, const float* b, int rows, int width, cudaStream_t s) {
    if (rows <= 0) return;
    add_bias_kernel<<<grid_for(size_t(rows) * size_t(width)), 256, 0, s>>>(y, ld, b, rows, width);
    CUDA_CHECK_LAUNCH();
}

void launch_add(float* x, const float* y, size_t n, cudaStream_t s) {
    if (n == 0) return;
    add_kernel<<<grid_for(n), 256, 0, s>>>(x, y, n);
    CUDA_CHECK_LAUNCH();
}

void launch_silu_mul(float* a, const float* b, size_t n, cudaStream_t s) {
    if (n == 0) return;
    silu_mul_kernel<<<grid_for(n), 256, 0, s>>>(a, b, n);
    CUDA_CHECK_LAUNCH();
}

} // namespace moe::cuda
