#pragma once
// Internal to engine/quant: the integer kernels (int_dot.h) of the affine
// 32-element formats Q4_1 and Q5_1, portable (int_dot_affine32.cpp) and AVX2
// (int_dot_affine32_avx2.cpp), with q8_32 activations. Layouts from
// ggml-common.h, as legacy_quants.cpp decodes them to floats: fp16 d, fp16 m,
// for Q5_1 a uint32 of fifth bits (bit j: element j), then 16 bytes whose
// byte j holds element j (low nibble) and j + 16 (high nibble).
//
// value = d·q + m with q unsigned (0..15, 0..31), so with activation scale dx
// and levels xq a block gives
//   Σ value·x = d·dx·Σ q·xq + m·dx·Σ xq.
// llama.cpp carries Σ xq in its activation blocks (Q8_1); here it is summed
// from the q8_32 block's levels where the kernel reads them anyway (in a tile
// once per token for all its rows), so these formats share the activations
// of Q4_0, Q8_0 and the rest, and the activation format stays one per block
// size.
#include "quant/block_codec.h"

namespace moe::quant_detail {

constexpr size_t q4_1_block_bytes = 2 + 2 + 16;
constexpr size_t q5_1_block_bytes = 2 + 2 + 4 + 16;

float int_dot_q4_1_portable(const uint8_t* row, const uint8_t* act, int64_t n);
float int_dot_q5_1_portable(const uint8_t* row, const uint8_t* act, int64_t n);

#if defined(MOE_QUANT_X86)
MOE_AVX2 float int_dot_q4_1_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_q5_1_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 void int_tile_q4_1_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_q5_1_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
#endif

} // namespace moe::quant_detail
