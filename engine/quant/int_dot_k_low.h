#pragma once
// Internal to engine/quant: the integer kernels (int_dot.h) of the low-bit
// K-quants Q2_K and Q3_K, portable (int_dot_k_low.cpp) and AVX2
// (int_dot_k_low_avx2.cpp), with q8_256 activations. Layouts from
// ggml-common.h, as k_quants_low.cpp decodes them to floats.
//
// Both are 256-element super-blocks of sixteen 16-element groups g, two bits
// per level: in each 128-element half h, byte l of its 32 qs bytes holds
// elements 128h + 32s + l at bits 2s, 2s+1 (s = 0..3), so a half is four runs
// of 32 levels, run s covering groups 8h + 2s (bytes 0..15) and 8h + 2s + 1
// (bytes 16..31). With activation scale dx, levels xq and the group sums
// bsum_g of q8_256:
//   Q2_K  value = d·sc_g·q - dmin·m_g, q in 0..3, sc_g and m_g 4 bits each:
//         Σ value·x = dx·(d·Σ_g sc_g·Σ q·xq - dmin·Σ_g m_g·bsum_g);
//   Q3_K  value = d·s_g·(u - 4), u = q + 4·hbit in 0..7 (bit 4h + s of
//         hmask[l] is the high bit of run s, element l), s_g 6 bits stored
//         + 32: Σ value·x = dx·d·Σ_g s_g·(Σ u·xq - 4·bsum_g),
// the -4 brought in through the activation sums as Q6_K's -32, so the levels
// are unsigned (maddubs' first operand) and need no sign trick.
#include "quant/block_codec.h"

namespace moe::quant_detail {

constexpr size_t q2_k_block_bytes = 16 + 64 + 2 + 2; // scales | mins << 4, qs, d, dmin
constexpr size_t q3_k_block_bytes = 32 + 64 + 12 + 2; // hmask, qs, scales, d

// Q3_K's sixteen 6-bit scales (12 packed bytes), still + 32, as four words:
// scale g is byte g % 4 of word g / 4. The low four bits of groups 0..7 are
// the low nibbles of bytes 0..7, those of groups 8..15 their high nibbles;
// the top two bits of group g are at bit 2·(g / 4) of byte 8 + g % 4. Worked
// a word at a time so the AVX2 kernel takes them straight into a register
// (no byte stores read back wider; int_dot_blocks.h's k_scale_words).
struct Q3kScaleWords {
    uint32_t w[4];
};
inline Q3kScaleWords q3_k_scale_words(const uint8_t* s) {
    const uint32_t a = read_u32(s), b = read_u32(s + 4), c = read_u32(s + 8);
    constexpr uint32_t lo4 = 0x0F0F0F0Fu, lo2 = 0x03030303u;
    return { { (a & lo4) | ((c & lo2) << 4), (b & lo4) | (((c >> 2) & lo2) << 4),
        ((a >> 4) & lo4) | (((c >> 4) & lo2) << 4), ((b >> 4) & lo4) | (((c >> 6) & lo2) << 4) } };
}

float int_dot_q2_k_portable(const uint8_t* row, const uint8_t* act, int64_t n);
float int_dot_q3_k_portable(const uint8_t* row, const uint8_t* act, int64_t n);

#if defined(MOE_QUANT_X86)
MOE_AVX2 float int_dot_q2_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_q3_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 void int_tile_q2_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_q3_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
#endif

} // namespace moe::quant_detail
