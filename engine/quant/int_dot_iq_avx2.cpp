// The AVX2 tile kernels of the lattice i-quants (int_dot_iq.h), the same
// integers as int_dot_iq.cpp. Per 32-element sub-block a row's levels are
// built once for the tile's tokens as maddubs' two operands: the unsigned
// magnitudes (four 8-byte grid entries) and a sign vector (±1 per byte) that
// moves each level's sign onto the activation; per token then one sign,
// one maddubs, one madd by the scales of the two 16-element halves and one
// add, as IQ4_XS's tile in int_dot_avx2.cpp. The ternary formats' levels
// 8·g ± 1 are built in a register (g's sign on 8, plus the delta) and take
// the same path with |level| and the level's own sign.
#include "quant/int_dot_iq.h"
#include "quant/int_dot_tiles.h"

#include <algorithm>

#if defined(MOE_QUANT_X86)

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;

// A sub-block as maddubs' operands: mag (unsigned) and sgn, whose sign goes
// onto the activation, and the madd factor (the scale of each 16).
struct IqOperands {
    __m256i mag, sgn, scale;
};

template <class F> MOE_AVX2 inline IqOperands operands(const uint8_t* wb, int ib) {
    IqSub s;
    F::sub(wb, ib, s);
    const __m256i grid
        = _mm256_set_epi64x(int64_t(s.grid[3]), int64_t(s.grid[2]), int64_t(s.grid[1]), int64_t(s.grid[0]));
    const __m256i one = _mm256_set1_epi8(1);
    // -1 where the element is negative, else +1
    __m256i pm;
    if constexpr (F::signs_form == IqSigns::pm_bytes) {
        pm = _mm256_set_epi64x(int64_t(s.sign[3]), int64_t(s.sign[2]), int64_t(s.sign[1]), int64_t(s.sign[0]));
    } else if constexpr (F::signs_form == IqSigns::bits) {
        pm = _mm256_or_si256(spread_signs(s.signs), one);
    } else { // bit 4l + 3 tested in each 16-bit word of group l's 8 bytes
        const __m256i bit = _mm256_set_epi64x(int64_t(0x8000800080008000ull), int64_t(0x0800080008000800ull),
            int64_t(0x0080008000800080ull), int64_t(0x0008000800080008ull));
        const __m256i v = _mm256_and_si256(_mm256_set1_epi16(int16_t(s.signs)), bit);
        pm = _mm256_or_si256(_mm256_cmpeq_epi16(v, bit), one);
    }
    const __m256i scale = _mm256_set_m128i(_mm_set1_epi16(int16_t(s.ls1)), _mm_set1_epi16(int16_t(s.ls0)));
    if constexpr (F::ternary) {
        const __m256i level = _mm256_add_epi8(_mm256_sign_epi8(_mm256_set1_epi8(8), grid), pm);
        return { _mm256_abs_epi8(level), level, scale };
    } else {
        return { grid, pm, scale };
    }
}

template <class F> struct TileIq {
    static constexpr int rows = 4;
    template <int R, int T>
    MOE_AVX2 static void run(const uint8_t* w, size_t ws, const uint8_t* const* a, int64_t n, float* out, size_t ldo) {
        __m256 acc[R][T];
        zero_tile(acc);
        for (int64_t b = 0; b < n / qk_k; ++b) {
            const uint8_t* ab[T];
            for (int t = 0; t < T; ++t)
                ab[t] = a[t] + size_t(b) * act256_bytes;
            for (int r = 0; r < R; ++r) {
                const uint8_t* wb = w + size_t(r) * ws + size_t(b) * F::bytes;
                prefetch_block(wb, F::bytes);
                __m256i isum[T];
                for (int t = 0; t < T; ++t) {
                    isum[t] = _mm256_setzero_si256();
                }
                // all eight sub-blocks unrolled: their offsets, scale nibbles
                // and shifts become constants (IQ1_M 289 -> 228 ns a row)
#pragma GCC unroll 8
                for (int ib = 0; ib < 8; ++ib) {
                    const IqOperands op = operands<F>(wb, ib);
#pragma GCC unroll 4
                    for (int t = 0; t < T; ++t) {
                        const __m256i xv = load32(act256_levels(ab[t]) + 32 * ib);
                        const __m256i p = _mm256_maddubs_epi16(op.mag, _mm256_sign_epi8(xv, op.sgn));
                        isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(p, op.scale));
                    }
                }
                const float dk = _cvtsh_ss(F::d_bits(wb)) * F::k;
                for (int t = 0; t < T; ++t) {
                    acc[r][t] = _mm256_fmadd_ps(
                        _mm256_set1_ps(dk * act_scale(ab[t])), _mm256_cvtepi32_ps(isum[t]), acc[r][t]);
                }
            }
        }
        store_tile(acc, out, ldo);
    }
};

} // namespace

#define MOE_INT_DOT_IQ_AVX2(t, F)                                                                                      \
    MOE_AVX2 float int_dot_##t##_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {                             \
        return single<TileIq<F>>(row, act, n);                                                                         \
    }                                                                                                                  \
    MOE_AVX2 void int_tile_##t##_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx,                \
        size_t qx_stride, const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {                        \
        tiles<TileIq<F>>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);                               \
    }
MOE_INT_DOT_IQ_AVX2(iq2_xxs, Iq2Xxs)
MOE_INT_DOT_IQ_AVX2(iq2_xs, Iq2Xs)
MOE_INT_DOT_IQ_AVX2(iq2_s, Iq2S)
MOE_INT_DOT_IQ_AVX2(iq3_xxs, Iq3Xxs)
MOE_INT_DOT_IQ_AVX2(iq3_s, Iq3S)
MOE_INT_DOT_IQ_AVX2(iq1_s, Iq1S)
MOE_INT_DOT_IQ_AVX2(iq1_m, Iq1M)
#undef MOE_INT_DOT_IQ_AVX2

} // namespace moe::quant_detail

#endif
