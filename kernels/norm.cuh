#pragma once
// RMSNorm over rows (block norms, per-head and full-width q/k norms) and
// element-wise residual/bias adds, SiLU gating. Host-callable launchers.
#include "common.cuh"

namespace moe::cuda {

// out[r, :] = x[r, :] / sqrt(mean(x[r, :]²) + eps) * w, for rows r < rows of `width`
// elements; rows ld_in / ld_out floats apart. In place (out == x) is fine.
void launch_rmsnorm(
    const float* x, int ld_in, const float* w, float* out, int ld_out, int rows, int width, float eps, cudaStream_t s);
// y[r, i] += b[i] for r < rows, i < width (rows ld floats apart).
void launch_add_bias(float* y, int ld, const float* b, int rows, int width, cudaStream_t s);
// x[i] += y[i], i < n.
void launch_add(float* x, const float* y, size_t n, cudaStream_t s);
// a[i] = silu(a[i]) * b[i], i < n.
void launch_silu_mul(float* a, const float* b, size_t n, cudaStream_t s);

} // namespace moe::cuda
