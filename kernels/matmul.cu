#include "matmul.cuh"
#include "matvec_core.cuh"

#include <cublas_v2.h>

#include <algorithm>

namespace moe::cuda {

namespace {

constexpr int kWarps = 4; // rows per block of the mat-vec kernels

// Y (n, rows) = X (n, cols) · Wᵀ; grid (ceil(rows/kWarps), ceil(n/NT)), one warp per row.
template <uint32_t T, int NT>
__global__ void __launch_bounds__(kWarps * 32) matvec_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int rows,
    int n_chunks, const float* __restrict__ x, int n, int ldx, float* __restrict__ y, int ldy) {
    __shared__ uint4 stage[kWarps * stage_words<T>()];
    const int warp = threadIdx.x >> 5;
    const int r = blockIdx.x * kWarps + warp;
    if (r >= rows) return; // the whole warp
    const int t0 = blockIdx.y * NT;
    const int nt = min(NT, n - t0);
    const float* xs[NT];
#pragma unroll
    for (int t = 0; t < NT; ++t)
        xs[t] = x + size_t(t0 + (t < nt ? t : 0)) * size_t(ldx);
    float acc[NT];
    warp_row_dot<T, NT>(w + size_t(r) * row_bytes, n_chunks, xs, nt, acc, stage + warp * stage_words<T>());
    if ((threadIdx.x & 31) == 0) {
#pragma unroll
        for (int t = 0; t < NT; ++t) {
            if (t < nt) y[size_t(t0 + t) * size_t(ldy) + size_t(r)] = acc[t];
        }
    }
}

// out (nrows, cols): one block per row, threads over chunks.
template <uint32_t T>
__global__ void dequant_rows_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int n_chunks,
    const int32_t* __restrict__ row_ids, int row0, float* __restrict__ out) {
    const int i = blockIdx.x;
    const int r = row_ids ? row_ids[i] : row0 + i;
    const uint8_t* row = w + size_t(r) * row_bytes;
    float* o = out + size_t(i) * size_t(n_chunks) * 32;
    for (int c = threadIdx.x; c < n_chunks; c += blockDim.x) {
        float v[32];
        dequant_chunk<T>(row, c, v);
        float4* op = reinterpret_cast<float4*>(o + size_t(c) * 32);
#pragma unroll
        for (int k = 0; k < 8; ++k)
            op[k] = make_float4(v[4 * k], v[4 * k + 1], v[4 * k + 2], v[4 * k + 3]);
    }
}

} // namespace

bool matmul_type_supported(uint32_t type) {
    return type == T_F32 || type == T_F16 || type == T_BF16 || type == T_Q8_0 || type == T_Q4_0 || type == T_Q4_K
        || type == T_Q5_K || type == T_Q6_K;
}

void launch_matvec(const DevMatrix& w, const float* x, int n, int ldx, float* y, int ldy, cudaStream_t s) {
    if (n <= 0) return;
    const int n_chunks = w.cols / 32;
    const dim3 block(kWarps * 32);
    dispatch_type(w.type, [&]<uint32_t T>() {
        if (n == 1) {
            const dim3 grid((w.rows + kWarps - 1) / kWarps, 1);
            matvec_kernel<T, 1><<<grid, block, 0, s>>>(w.data, w.row_bytes, w.rows, n_chunks, x, n, ldx, y, ldy);
        } else {
            constexpr int NT = 8;
            const dim3 grid((w.rows + kWarps - 1) / kWarps, (n + NT - 1) / NT);
            matvec_kernel<T, NT><<<grid, block, 0, s>>>(w.data, w.row_bytes, w.rows, n_chunks, x, n, ldx, y, ldy);
        }
    });
    CUDA_CHECK_LAUNCH();
}

void launch_gemm(cublasContext* cublas, const DevMatrix& w, const float* x, int n, int ldx, float* y, int ldy,
    float* scratch, size_t scratch_floats, cudaStream_t s) {
    if (n <= 0) return;
    const int slab = int(std::max<size_t>(1, scratch_floats / size_t(w.cols)));
    const float one = 1.0f, zero = 0.0f;
    CUBLAS_CHECK(cublasSetStream(cublas, s));
    for (int r0 = 0; r0 < w.rows; r0 += slab) {
        const int nr = std::min(slab, w.rows - r0);
        launch_dequant_rows(w, r0, nr, scratch, s);
        // column-major view: Yᵀ (nr, n) = op(A) · B with A = the slab read as (cols, nr), op = transpose, B = Xᵀ (cols,
        // n)
        CUBLAS_CHECK(cublasSgemm(
            cublas, CUBLAS_OP_T, CUBLAS_OP_N, nr, n, w.cols, &one, scratch, w.cols, x, ldx, &zero, y + r0, ldy));
    }
}

void launch_dequant_rows(const DevMatrix& w, int row0, int nrows, float* out, cudaStream_t s) {
    if (nrows <= 0) return;
    dispatch_type(w.type, [&]<uint32_t T>() {
        dequant_rows_kernel<T><<<nrows, 128, 0, s>>>(w.data, w.row_bytes, w.cols / 32, nullptr, row0, out);
    });
    CUDA_CHECK_LAUNCH();
}

void launch_embed(const DevMatrix& w, const int32_t* tokens, int n, float* out, cudaStream_t s) {
    if (n <= 0) return;
    dispatch_type(w.type, [&]<uint32_t T>() {
        dequant_rows_kernel<T><<<n, 128, 0, s>>>(w.data, w.row_bytes, w.cols / 32, tokens, 0, out);
    });
    CUDA_CHECK_LAUNCH();
}

} // namespace moe::cuda
