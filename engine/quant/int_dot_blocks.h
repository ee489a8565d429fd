#pragma once
// Internal to engine/quant: the activation block layouts of int_dot.h and the
// kernels of each weight format, portable (int_dot.cpp) and AVX2
// (int_dot_avx2.cpp). Every kernel computes sum over blocks of
// (weight scale · activation scale) · (integer sum of level products), with
// the K-quants' offsets (Q4_K/Q5_K mins, Q6_K's -32) folded in through the
// activation block sums, so both paths add exactly the same integers and
// differ only in the order of the float additions.
#include "quant/block_codec.h"

namespace moe::quant_detail {

// q8_32: one float scale, then 32 levels in [-127, 127].
constexpr size_t act32_bytes = 4 + 32;
// q8_256: one float scale, the sums of each 16 levels (int16), then 256 levels.
constexpr size_t act256_bytes = 4 + 2 * 16 + 256;

// The scale of an activation block: max|x| / 127, or NaN when the block
// holds a NaN or an infinity. Integer levels cannot carry either, and a max
// skips NaN, so without this a non-finite activation would turn into finite
// nonsense instead of reaching the logits, where a run stops on it.
inline float act_block_scale(float abs_max, const float* x, int n) {
    float poison = 0.0f; // x·0 is 0 for finite x, NaN for NaN and ±Inf
    for (int i = 0; i < n; ++i)
        poison += x[i] * 0.0f;
    return abs_max / 127.0f + poison;
}

inline float act_scale(const uint8_t* a) {
    float d;
    std::memcpy(&d, a, sizeof d);
    return d;
}
inline const int8_t* act32_levels(const uint8_t* a) {
    return reinterpret_cast<const int8_t*>(a + 4);
}
inline int act256_bsum(const uint8_t* a, int g) {
    int16_t s;
    std::memcpy(&s, a + 4 + 2 * g, sizeof s);
    return s;
}
inline const int8_t* act256_levels(const uint8_t* a) {
    return reinterpret_cast<const int8_t*>(a + 4 + 32);
}

// Bytes per weight block (ggml-common.h).
constexpr size_t q8_0_block_bytes = 2 + 32;
constexpr size_t q4_0_block_bytes = 2 + 16;
constexpr size_t q5_0_block_bytes = 2 + 4 + 16;
constexpr size_t iq4_nl_block_bytes = 2 + 16;
constexpr size_t mxfp4_block_bytes = 1 + 16;
constexpr size_t q4_k_block_bytes = 2 + 2 + 12 + 128;
constexpr size_t q5_k_block_bytes = 2 + 2 + 12 + 32 + 128;
constexpr size_t q6_k_block_bytes = 128 + 64 + 16 + 2;
constexpr size_t iq4_xs_block_bytes = 2 + 2 + 4 + 128;

// The 6-bit scales and mins of a Q4_K/Q5_K super-block (12 packed bytes):
// j < 4 in the low 6 bits of bytes j and j+4; j >= 4 a nibble in bytes 8..11
// and two high bits from the top of bytes j-4 and j. Worked on four bytes at
// once, a 32-bit word each: scale j is byte j of sc (j < 4: sc_lo, else
// sc_hi), min j byte j of mn. The AVX2 kernels take the words straight into a
// register: eight byte stores read back as one 8-byte load cannot be
// forwarded, and that stall was a third of the Q4_K decode kernel's time.
struct KScaleWords {
    uint32_t sc_lo, sc_hi, mn_lo, mn_hi;
};
inline KScaleWords k_scale_words(const uint8_t* s) {
    const uint32_t a = read_u32(s), b = read_u32(s + 4), c = read_u32(s + 8);
    // (a >> 2) & 0x30 per byte: bits 6..7 of byte j to bits 4..5 of byte j
    return { a & 0x3F3F3F3Fu, (c & 0x0F0F0F0Fu) | ((a >> 2) & 0x30303030u), b & 0x3F3F3F3Fu,
        ((c >> 4) & 0x0F0F0F0Fu) | ((b >> 2) & 0x30303030u) };
}
inline void k_scales_mins(const uint8_t* s, uint8_t* sc, uint8_t* mn) {
    const KScaleWords k = k_scale_words(s);
    for (int j = 0; j < 4; ++j) {
        sc[j] = uint8_t(k.sc_lo >> (8 * j));
        sc[j + 4] = uint8_t(k.sc_hi >> (8 * j));
        mn[j] = uint8_t(k.mn_lo >> (8 * j));
        mn[j + 4] = uint8_t(k.mn_hi >> (8 * j));
    }
}

// IQ4_XS sub-block ib's scale, stored + 32: low nibble ib of scales_l (4
// bytes, little-endian), two high bits at bit 2*ib of scales_h.
inline int iq4_xs_scale(uint16_t scales_h, uint32_t scales_l, int ib) {
    return (((scales_l >> (4 * ib)) & 0x0F) | (((scales_h >> (2 * ib)) & 3) << 4)) - 32;
}

// A kernel: n elements of one weight row against one quantized activation row.
using IntDotFn = float (*)(const uint8_t* row, const uint8_t* act, int64_t n);

// A tile kernel: out[t·ldo + r] = the dot product of weight row r (at
// w + r·w_stride) with activation row t (at qx + i·qx_stride, i = index[t],
// or t without an index), for r < n_rows, t < n_tok. Each (r, t) equals the
// single-row kernel of the same path bit for bit.
using IntTileFn = void (*)(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);

struct IntDotKernels {
    IntDotFn portable;
    IntTileFn portable_tile;
    IntDotFn avx2; // nullptr off x86
    IntTileFn avx2_tile; // nullptr off x86
};

#if defined(MOE_QUANT_X86)
// int_dot_avx2.cpp
MOE_AVX2 float int_dot_q8_0_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_q4_0_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_q5_0_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_iq4_nl_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_mxfp4_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_q4_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_q5_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_q6_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 float int_dot_iq4_xs_avx2(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_AVX2 void int_tile_q8_0_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_q4_0_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_q5_0_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_iq4_nl_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_mxfp4_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_q4_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_q5_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_q6_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void int_tile_iq4_xs_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_AVX2 void quantize_act32_avx2(const float* x, uint8_t* dst, int64_t n);
MOE_AVX2 void quantize_act256_avx2(const float* x, uint8_t* dst, int64_t n);
#endif

} // namespace moe::quant_detail
