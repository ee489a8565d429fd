#pragma once
// The fast path's dot products: activations quantized once per token to 8-bit
// blocks, then weight rows multiplied into them with integer arithmetic, as
// llama.cpp's CPU backend does (its vec_dot_type). The weights' own block
// formats are read as stored; only the activations change. Compared with
// vec_dot (float activations, the exact path) this rounds every activation to
// one of 255 levels per block: about 0.4 % relative error per element, and a
// median |ΔNLL| of the order of 1e-3 on the models we test.
//
// Which activation blocks a weight type wants:
//   q8_32   32 int8 and a float scale per 32 activations, for the formats with
//           32-element blocks (Q8_0, Q4_0, Q5_0, IQ4_NL, MXFP4, and the
//           affine Q4_1, Q5_1, whose block sum Σ x the kernels add up from
//           the levels: int_dot_affine32.h);
//   q8_256  256 int8, one float scale and the sums of every 16 levels, for the
//           K-quant super-blocks (Q4_K, Q5_K, Q6_K, IQ4_XS, and Q2_K, Q3_K:
//           int_dot_k_low.h) and the lattice i-quants (IQ2_XXS, IQ2_XS,
//           IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M: grid magnitudes and signs,
//           int_dot_iq.h), as ggml's Q8_K.
//   none    no integer path: F32, F16, BF16 (the activations would lose more
//           than the weights hold) and TQ1_0/TQ2_0, Q1_0/Q2_0, NVFP4: these
//           keep the float dot product.
#include <cstddef>
#include <cstdint>

namespace moe {

enum class ActFormat { none, q8_32, q8_256 };

ActFormat act_format(uint32_t type);

// Bytes of n activations in that format (n a multiple of its block: 32 or 256).
size_t act_row_bytes(ActFormat f, int64_t n);

// Quantizes n floats (a multiple of the block) into dst (act_row_bytes bytes):
// per block, scale = max|x| / 127 and level = nearest integer of x / scale.
void quantize_act(ActFormat f, const float* x, void* dst, int64_t n);

// sum_i dequant(row)[i] * dequant(qx)[i], with qx in act_format(type) (not
// none). Integer sums within a block, float products of the scales; the
// AVX2 path where the CPU has it and simd_enabled() (quant.h), else the
// portable one.
float int_dot(uint32_t type, const void* row, const void* qx, int64_t n);

// The dot product of one row with n_tok quantized activation rows, qx_stride
// bytes apart, out[t * out_stride] = int_dot(row, qx + t * qx_stride). The row
// is read from memory once and stays in L1 while the tokens stream past.
void int_dot_tokens(uint32_t type, const void* row, const void* qx, size_t qx_stride, int n_tok, int64_t n, float* out,
    size_t out_stride);

// Many rows times many tokens, as a prompt's matrix products want them:
//   out[t * ldo + r] = int_dot(w + r * w_stride, qx + i_t * qx_stride)
// for r < n_rows, t < n_tok, with i_t = index[t] (the tokens routed to an
// expert) or t when index is null. The kernels work in tiles of a few rows
// × 4 tokens: a weight block is decoded once for the tile's tokens and a
// token's block read once for its rows, with one accumulator per (row,
// token) in registers. One token (decode) reads whole rows one after
// another instead (measured faster than a block of each row in turn).
// Every value equals int_dot's bit for bit (the same integer sums and float
// operations in the same order; int_dot is the 1×1 tile), so a token gets
// the same logits in a prompt as in a decode step.
void int_dot_tile(uint32_t type, const void* w, size_t w_stride, int n_rows, const void* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);

// int_dot_tile's kernel for a type (not none), chosen now, unchecked.
using IntDotTile = void (*)(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
IntDotTile int_dot_tile_kernel(uint32_t type);

// The kernel int_dot uses for a type (not none), chosen now: hot loops fetch
// it once and call it per row without the checks.
using IntDotRow = float (*)(const uint8_t* row, const uint8_t* qx, int64_t n);
IntDotRow int_dot_kernel(uint32_t type);

// For tests: the float values quantize_act's blocks stand for.
void dequantize_act(ActFormat f, const void* qx, float* dst, int64_t n);

} // namespace moe
