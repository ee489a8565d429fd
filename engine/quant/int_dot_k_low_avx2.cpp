// The AVX2 tile kernels of Q2_K and Q3_K (int_dot_k_low.h), the same integers
// as int_dot_k_low.cpp. A super-block is eight runs of 32 unsigned levels
// (two bits from qs, for Q3_K a third from hmask): per run and token one
// maddubs with the activation levels and one madd by the run's two group
// scales (the low 128-bit lane's group, then the high one's), as Q6_K's tile
// in int_dot_avx2.cpp. The group scales are unpacked once per block into a
// register of sixteen int16 and shuffled to each run from there; the offsets
// (Q2_K's mins, Q3_K's -4) take one madd of the activation sums per token,
// kept in eight lanes to the end of the row.
#include "quant/int_dot_k_low.h"
#include "quant/int_dot_tiles.h"

#include <algorithm>

#if defined(MOE_QUANT_X86)

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;

// The madd factor of run s of a half, from that half's eight group scales
// (int16, in both 128-bit lanes): group 2s in the low lane, 2s+1 in the high.
MOE_AVX2 inline __m256i run_scales(__m256i half_scales, int s) {
    const int lo = 4 * s, hi = 4 * s + 2; // byte offsets of int16 2s and 2s+1
    const __m256i pick = _mm256_set_m128i(
        _mm_set1_epi16(int16_t(((hi + 1) << 8) | hi)), _mm_set1_epi16(int16_t(((lo + 1) << 8) | lo)));
    return _mm256_shuffle_epi8(half_scales, pick);
}

// Q3_K's high bit of run s of a half (bit s of each byte of hh) at bit 2,
// where it adds 4 to the level: a mask and one shift by a constant.
MOE_AVX2 inline __m256i high_bit(__m256i hh, int s) {
    const __m256i bit = _mm256_and_si256(hh, _mm256_set1_epi8(char(1 << s)));
    return s < 2 ? _mm256_slli_epi16(bit, 2 - s) : _mm256_srli_epi16(bit, s - 2);
}

// Rows one after the other over the tile's T tokens, as TileK.
template <bool Three> struct TileKLow {
    static constexpr int rows = 4;
    template <int R, int T>
    MOE_AVX2 static void run(const uint8_t* w, size_t ws, const uint8_t* const* a, int64_t n, float* out, size_t ldo) {
        constexpr size_t bytes = Three ? q3_k_block_bytes : q2_k_block_bytes;
        const __m256i m3 = _mm256_set1_epi8(3);
        __m256 acc[R][T];
        zero_tile(acc);
        for (int64_t b = 0; b < n / qk_k; ++b) {
            const uint8_t* ab[T];
            for (int t = 0; t < T; ++t)
                ab[t] = a[t] + size_t(b) * act256_bytes;
            for (int r = 0; r < R; ++r) {
                const uint8_t* wb = w + size_t(r) * ws + size_t(b) * bytes;
                prefetch_block(wb, bytes);
                // the sixteen group scales as int16 (Q3_K's less 32), and Q2_K's mins
                __m256i sc16, mn16;
                if constexpr (Three) {
                    const Q3kScaleWords sw = q3_k_scale_words(wb + 96);
                    const __m128i s8 = _mm_setr_epi32(int(sw.w[0]), int(sw.w[1]), int(sw.w[2]), int(sw.w[3]));
                    sc16 = _mm256_cvtepi8_epi16(_mm_sub_epi8(s8, _mm_set1_epi8(32)));
                    mn16 = _mm256_setzero_si256();
                } else {
                    const __m128i s8 = load16(wb), m4 = _mm_set1_epi8(0x0F);
                    sc16 = _mm256_cvtepu8_epi16(_mm_and_si128(s8, m4));
                    mn16 = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(s8, 4), m4));
                }
                const uint8_t* qs = wb + (Three ? 32 : 16);
                // bit 4h + s of each hmask byte: run s of half h
                const __m256i hm = Three ? load32(wb) : _mm256_setzero_si256();
                __m256i isum[T];
                for (int t = 0; t < T; ++t)
                    isum[t] = _mm256_setzero_si256();
                for (int half = 0; half < 2; ++half) {
                    const __m256i hs = half ? _mm256_permute2x128_si256(sc16, sc16, 0x11)
                                            : _mm256_permute2x128_si256(sc16, sc16, 0x00);
                    const __m256i q = load32(qs + 32 * half);
                    const __m256i hh = half ? _mm256_srli_epi16(hm, 4) : hm;
#pragma GCC unroll 4
                    for (int s = 0; s < 4; ++s) {
                        __m256i u = _mm256_and_si256(_mm256_srli_epi16(q, 2 * s), m3);
                        if constexpr (Three) u = _mm256_or_si256(u, high_bit(hh, s));
                        const __m256i f = run_scales(hs, s);
#pragma GCC unroll 4
                        for (int t = 0; t < T; ++t) {
                            const int8_t* x = act256_levels(ab[t]) + 128 * half + 32 * s;
                            const __m256i p = _mm256_maddubs_epi16(u, load32(x));
                            isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(p, f));
                        }
                    }
                }
                const float d = half_f16c(wb + (Three ? 108 : 80));
                for (int t = 0; t < T; ++t) {
                    const __m256i bsums = load32(ab[t] + 4);
                    const float dx = act_scale(ab[t]);
                    if constexpr (Three) {
                        // Σ s_g·(Σ u·x - 4·bsum_g): the same integer total in eight lanes
                        const __m256i off = _mm256_madd_epi16(bsums, sc16);
                        const __m256i total = _mm256_sub_epi32(isum[t], _mm256_slli_epi32(off, 2));
                        acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(d * dx), _mm256_cvtepi32_ps(total), acc[r][t]);
                    } else {
                        const float dmin = half_f16c(wb + 82);
                        const __m256i msum = _mm256_madd_epi16(bsums, mn16);
                        acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(d * dx), _mm256_cvtepi32_ps(isum[t]), acc[r][t]);
                        acc[r][t] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * dx), _mm256_cvtepi32_ps(msum), acc[r][t]);
                    }
                }
            }
        }
        store_tile(acc, out, ldo);
    }
};

} // namespace

MOE_AVX2 float int_dot_q2_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileKLow<false>>(row, act, n);
}
MOE_AVX2 void int_tile_q2_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileKLow<false>>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_q3_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileKLow<true>>(row, act, n);
}
MOE_AVX2 void int_tile_q3_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileKLow<true>>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}

} // namespace moe::quant_detail

#endif
