#pragma once
// Quantized matrix products: Y (n, rows) = X (n, cols) · Wᵀ with W of any
// supported type dequantized in registers (decode, small batches), or
// dequantized in slabs to F32 and multiplied with cuBLAS (prefill); row
// dequantization (token embeddings, checks). Host-callable launchers.
#include "common.cuh"

#include <cstddef>
#include <cstdint>

struct cublasContext; // cublasHandle_t is cublasContext*

namespace moe::cuda {

// A weight (rows, cols) in device memory, rows `row_bytes` apart.
struct DevMatrix {
    const uint8_t* data = nullptr;
    uint32_t type = 0;
    int rows = 0;
    int cols = 0;
    size_t row_bytes = 0;
};

// Whether the kernels decode this ggml type (cols must be a multiple of 32 and of the block size).
bool matmul_type_supported(uint32_t type);

// Y (n, w.rows), rows ldy floats apart = X (n, w.cols), rows ldx floats apart, · Wᵀ.
// ldx must be a multiple of 4 and X 16-byte aligned.
void launch_matvec(const DevMatrix& w, const float* x, int n, int ldx, float* y, int ldy, cudaStream_t s);

// The same product through cuBLAS, for prefill batches: rows of W dequantized
// into `scratch` (scratch_floats floats, at least one row) slab by slab, each
// slab multiplied with SGEMM (FP32 math) on the handle's stream.
void launch_gemm(cublasContext* cublas, const DevMatrix& w, const float* x, int n, int ldx, float* y, int ldy,
    float* scratch, size_t scratch_floats, cudaStream_t s);

// out (nrows, w.cols) = dequantized rows [row0, row0 + nrows) of W.
void launch_dequant_rows(const DevMatrix& w, int row0, int nrows, float* out, cudaStream_t s);

// out (n, w.cols) = rows tokens[0..n) of W (token ids on the device, already range-checked).
void launch_embed(const DevMatrix& w, const int32_t* tokens, int n, float* out, cudaStream_t s);

} // namespace moe::cuda
