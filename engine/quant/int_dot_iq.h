#pragma once
// Internal to engine/quant: the lattice i-quants (IQ2_XXS, IQ2_XS, IQ2_S,
// IQ3_XXS, IQ3_S, IQ1_S, IQ1_M) as int_dot.h's integer kernels read them,
// portable (int_dot_iq.cpp) and AVX2 (int_dot_iq_avx2.cpp). Layouts from
// ggml-common.h, as iq_quants.cpp decodes them to floats.
//
// Every format is, per 32-element sub-block, four groups of 8 levels and an
// odd integer scale ls per 16 elements, on a 256-element super-block with
// one fp16 scale d and a power-of-two factor k:
//   value = d·k·ls·level,
// so a block's dot product with q8_256 activations (scale dx, levels xq) is
// d·k·dx·Σ ls·Σ level·xq, all integer sums. A group's levels are
//   - the sign-and-grid formats: 8 grid magnitudes (1..62) with a sign bit
//     each (ggml's d·(0.5 + s)·¼ is d·(2s + 1)/8: ls = 2s + 1, k = 1/8;
//     IQ3_XXS's ½ makes k = 1/4; IQ3_S stores 1 + 2s itself, k = 1);
//   - IQ1_S / IQ1_M (ternary): 8·g ± 1 for grid values g in {-1, 0, 1} and
//     the group's delta sign (ggml's g ± 1/8 scaled by 8, k = 1/8), which
//     folds the delta into the levels instead of the activation sums.
#include "quant/block_codec.h"
#include "quant/iq_grids.h"

namespace moe::quant_detail {

// A sub-block: group l's 8 grid bytes in grid[l] (element j in byte j), its
// signs, and the scales of elements 0..15 and 16..31. The signs come in the
// form the format reads most cheaply (F::signs_form):
enum class IqSigns {
    // sign[l]: group l's 8 signs as bytes, 0xFF (-1) or 0x01, for the
    // formats that store 7-bit indices into ggml's even-parity patterns (one
    // table load per group) and IQ1_S (one delta sign for all four groups);
    pm_bytes,
    // byte l of signs: group l's 8 sign bits (bit j: element j negative), for
    // the formats that store whole sign bytes;
    bits,
    // bit 4l + 3 of signs: group l's delta negative (IQ1_M's qh as stored,
    // tested per group in a vector).
    delta_nibbles,
};

struct IqSub {
    uint64_t grid[4];
    uint64_t sign[4];
    uint32_t signs;
    int ls0, ls1;
};

// Bytes 0xFF where bit j of s is set, else 0x01.
constexpr uint64_t sign_pm(uint32_t s) {
    return k_sign_masks[s & 0xFF] | 0x0101010101010101ull;
}

// ggml's 128 even-parity sign patterns (ksigns_iq2xs: 7 stored bits, the
// eighth restores even parity) as ±1 bytes.
constexpr std::array<uint64_t, 128> make_even_sign_pm() {
    std::array<uint64_t, 128> t {};
    for (uint32_t i = 0; i < 128; ++i)
        t[i] = sign_pm(i | (uint32_t(std::popcount(i) & 1) << 7));
    return t;
}
inline constexpr std::array<uint64_t, 128> k_even_sign_pm = make_even_sign_pm();

// Four 7-bit pattern indices at bits 0, 7, 14, 21 of aux.
inline void even_signs4(uint32_t aux, IqSub& s) {
#pragma GCC unroll 4
    for (int l = 0; l < 4; ++l)
        s.sign[l] = k_even_sign_pm[(aux >> (7 * l)) & 127];
}

inline uint64_t join4(uint32_t a, uint32_t b) {
    return uint64_t(a) | (uint64_t(b) << 32);
}

// IQ2_XXS: d; per 32: 4 grid index bytes, then a uint32 of 4×7 sign bits and
// a 4-bit scale.
struct Iq2Xxs {
    static constexpr size_t bytes = 2 + 64;
    static constexpr float k = 0.125f;
    static constexpr bool ternary = false;
    static constexpr IqSigns signs_form = IqSigns::pm_bytes;
    static uint16_t d_bits(const uint8_t* b) { return read_u16(b); }
    static void sub(const uint8_t* b, int ib, IqSub& s) {
        const uint8_t* q = b + 2 + 8 * ib;
        const uint32_t aux = read_u32(q + 4);
#pragma GCC unroll 4
        for (int l = 0; l < 4; ++l)
            s.grid[l] = iq::iq2xxs_grid[q[l]];
        even_signs4(aux, s);
        s.ls0 = s.ls1 = int(2 * (aux >> 28) + 1);
    }
};

// IQ2_XS: d; a uint16 per 8 (9-bit grid index, 7 sign bits); a 4-bit scale
// per 16.
struct Iq2Xs {
    static constexpr size_t bytes = 2 + 64 + 8;
    static constexpr float k = 0.125f;
    static constexpr bool ternary = false;
    static constexpr IqSigns signs_form = IqSigns::pm_bytes;
    static uint16_t d_bits(const uint8_t* b) { return read_u16(b); }
    static void sub(const uint8_t* b, int ib, IqSub& s) {
#pragma GCC unroll 4
        for (int l = 0; l < 4; ++l) {
            const uint16_t q = read_u16(b + 2 + 8 * ib + 2 * l);
            s.grid[l] = iq::iq2xs_grid[q & 511];
            s.sign[l] = k_even_sign_pm[q >> 9];
        }
        const uint8_t sc = b[66 + ib];
        s.ls0 = 2 * (sc & 0x0F) + 1;
        s.ls1 = 2 * (sc >> 4) + 1;
    }
};

// IQ2_S: d; grid index low bytes; sign bytes; 2 high index bits per group;
// a 4-bit scale per 16.
struct Iq2S {
    static constexpr size_t bytes = 2 + 32 + 32 + 8 + 8;
    static constexpr float k = 0.125f;
    static constexpr bool ternary = false;
    static constexpr IqSigns signs_form = IqSigns::bits;
    static uint16_t d_bits(const uint8_t* b) { return read_u16(b); }
    static void sub(const uint8_t* b, int ib, IqSub& s) {
        const uint8_t* qs = b + 2 + 4 * ib;
        const int qh = b[66 + ib];
#pragma GCC unroll 4
        for (int l = 0; l < 4; ++l)
            s.grid[l] = iq::iq2s_grid[qs[l] | ((qh << (8 - 2 * l)) & 0x300)];
        s.signs = read_u32(b + 34 + 4 * ib);
        const uint8_t sc = b[74 + ib];
        s.ls0 = 2 * (sc & 0x0F) + 1;
        s.ls1 = 2 * (sc >> 4) + 1;
    }
};

// IQ3_XXS: d; a grid index byte per 4; per 32 a uint32 of 4×7 sign bits and
// a 4-bit scale, as IQ2_XXS.
struct Iq3Xxs {
    static constexpr size_t bytes = 2 + 64 + 32;
    static constexpr float k = 0.25f;
    static constexpr bool ternary = false;
    static constexpr IqSigns signs_form = IqSigns::pm_bytes;
    static uint16_t d_bits(const uint8_t* b) { return read_u16(b); }
    static void sub(const uint8_t* b, int ib, IqSub& s) {
        const uint8_t* qs = b + 2 + 8 * ib;
        const uint32_t aux = read_u32(b + 66 + 4 * ib);
#pragma GCC unroll 4
        for (int l = 0; l < 4; ++l)
            s.grid[l] = join4(iq::iq3xxs_grid[qs[2 * l]], iq::iq3xxs_grid[qs[2 * l + 1]]);
        even_signs4(aux, s);
        s.ls0 = s.ls1 = int(2 * (aux >> 28) + 1);
    }
};

// IQ3_S: d; grid index low bytes; a high bit per 4 (one qh byte per 32);
// sign bytes; a 4-bit scale 1 + 2s per 32.
struct Iq3S {
    static constexpr size_t bytes = 2 + 64 + 8 + 32 + 4;
    static constexpr float k = 1.0f;
    static constexpr bool ternary = false;
    static constexpr IqSigns signs_form = IqSigns::bits;
    static uint16_t d_bits(const uint8_t* b) { return read_u16(b); }
    static void sub(const uint8_t* b, int ib, IqSub& s) {
        const uint8_t* qs = b + 2 + 8 * ib;
        const int qh = b[66 + ib];
#pragma GCC unroll 4
        for (int l = 0; l < 4; ++l) {
            const int i1 = qs[2 * l] | ((qh << (8 - 2 * l)) & 256);
            const int i2 = qs[2 * l + 1] | ((qh << (7 - 2 * l)) & 256);
            s.grid[l] = join4(iq::iq3s_grid[i1], iq::iq3s_grid[i2]);
        }
        s.signs = read_u32(b + 74 + 4 * ib);
        const int sc = (b[106 + ib / 2] >> (4 * (ib % 2))) & 0x0F;
        s.ls0 = s.ls1 = 1 + 2 * sc;
    }
};

// IQ1_S: d; grid index low bytes; per 32 a uint16 with 3 high index bits per
// group, a 3-bit scale (bits 12..14) and the delta's sign (bit 15).
struct Iq1S {
    static constexpr size_t bytes = 2 + 32 + 16;
    static constexpr float k = 0.125f;
    static constexpr bool ternary = true;
    static constexpr IqSigns signs_form = IqSigns::pm_bytes;
    static uint16_t d_bits(const uint8_t* b) { return read_u16(b); }
    static void sub(const uint8_t* b, int ib, IqSub& s) {
        const uint8_t* qs = b + 2 + 4 * ib;
        const uint32_t qh = read_u16(b + 34 + 2 * ib);
#pragma GCC unroll 4
        for (int l = 0; l < 4; ++l)
            s.grid[l] = iq::iq1s_grid[qs[l] | (((qh >> (3 * l)) & 7) << 8)];
        const uint64_t delta = qh & 0x8000 ? ~0ull : 0x0101010101010101ull; // one sign for the four groups
#pragma GCC unroll 4
        for (int l = 0; l < 4; ++l)
            s.sign[l] = delta;
        s.ls0 = s.ls1 = int(2 * ((qh >> 12) & 7) + 1);
    }
};

// IQ1_M: grid index low bytes; a nibble per group (3 high index bits, the
// delta's sign); 3-bit scales per 16 in four uint16, whose top nibbles
// together are d.
struct Iq1M {
    static constexpr size_t bytes = 32 + 16 + 8;
    static constexpr float k = 0.125f;
    static constexpr bool ternary = true;
    static constexpr IqSigns signs_form = IqSigns::delta_nibbles;
    static uint16_t d_bits(const uint8_t* b) {
        const uint32_t s0 = read_u16(b + 48), s1 = read_u16(b + 50), s2 = read_u16(b + 52), s3 = read_u16(b + 54);
        return uint16_t((s0 >> 12) | ((s1 >> 8) & 0x00F0) | ((s2 >> 4) & 0x0F00) | (s3 & 0xF000));
    }
    static void sub(const uint8_t* b, int ib, IqSub& s) {
        const uint8_t* qs = b + 4 * ib;
        const uint32_t qh = read_u16(b + 32 + 2 * ib);
        s.signs = qh;
#pragma GCC unroll 4
        for (int l = 0; l < 4; ++l) {
            const uint32_t h = (qh >> (4 * l)) & 0x0F;
            s.grid[l] = iq::iq1s_grid[qs[l] | ((h & 7) << 8)];
        }
        const uint32_t sc = read_u16(b + 48 + 2 * (ib / 2));
        const int shift = 6 * (ib % 2);
        s.ls0 = int(2 * ((sc >> shift) & 7) + 1);
        s.ls1 = int(2 * ((sc >> (shift + 3)) & 7) + 1);
    }
};

// The kernels (IntDotFn / IntTileFn of int_dot_blocks.h).
#define MOE_INT_DOT_IQ_DECLARE(t) float int_dot_##t##_portable(const uint8_t* row, const uint8_t* act, int64_t n);
MOE_INT_DOT_IQ_DECLARE(iq2_xxs)
MOE_INT_DOT_IQ_DECLARE(iq2_xs)
MOE_INT_DOT_IQ_DECLARE(iq2_s)
MOE_INT_DOT_IQ_DECLARE(iq3_xxs)
MOE_INT_DOT_IQ_DECLARE(iq3_s)
MOE_INT_DOT_IQ_DECLARE(iq1_s)
MOE_INT_DOT_IQ_DECLARE(iq1_m)
#undef MOE_INT_DOT_IQ_DECLARE

#if defined(MOE_QUANT_X86)
#define MOE_INT_DOT_IQ_DECLARE(t)                                                                                      \
    MOE_AVX2 float int_dot_##t##_avx2(const uint8_t* row, const uint8_t* act, int64_t n);                              \
    MOE_AVX2 void int_tile_##t##_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx,                \
        size_t qx_stride, const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo);
MOE_INT_DOT_IQ_DECLARE(iq2_xxs)
MOE_INT_DOT_IQ_DECLARE(iq2_xs)
MOE_INT_DOT_IQ_DECLARE(iq2_s)
MOE_INT_DOT_IQ_DECLARE(iq3_xxs)
MOE_INT_DOT_IQ_DECLARE(iq3_s)
MOE_INT_DOT_IQ_DECLARE(iq1_s)
MOE_INT_DOT_IQ_DECLARE(iq1_m)
#undef MOE_INT_DOT_IQ_DECLARE
#endif

} // namespace moe::quant_detail
