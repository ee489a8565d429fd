// int_dot.h's AVX2 kernels, compiled for AVX2 whatever the build flags and
// only called after checking the CPU at run time (quant.cpp's simd_enabled).
// They add the same integers as the portable kernels in int_dot.cpp, 32
// levels at a time: unsigned × signed byte products summed in pairs to int16
// (maddubs), then pairs of those to int32 (madd), where the second factor of
// madd is 1 or the sub-block's integer scale. A signed weight level w is
// brought to maddubs' unsigned operand as |w|, its sign moved onto the
// activation (|w|·sign(w)·x = w·x); |w| ≤ 127 and |x| ≤ 127 keep each int16
// pair sum below 2·127·127 < 32768.
#include "quant/int_dot_tiles.h"
#include "quant/iq_grids.h"

#include <algorithm>

#if defined(MOE_QUANT_X86)

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;

// Eight int32 partial sums of w·x over 32 signed levels.
MOE_AVX2 inline __m256i dot_i8(__m256i w, __m256i x) {
    const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

MOE_AVX2 inline int hsum4(__m128i s) {
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

// The 32-element formats: Levels(block) gives the 32 signed levels, Scale the
// block's float scale. The R rows' levels stay in registers while T tokens
// pass; R·T accumulators (2×4: 8 of the 16 ymm registers). The tile drivers
// (tiles, single) are int_dot_tiles.h's.
template <size_t Bytes, __m256i (*Levels)(const uint8_t*), float (*Scale)(const uint8_t*)> struct Tile32 {
    static constexpr int rows = 2;
    template <int R, int T>
    MOE_AVX2 static void run(const uint8_t* w, size_t ws, const uint8_t* const* a, int64_t n, float* out, size_t ldo) {
        __m256 acc[R][T];
        zero_tile(acc);
        const __m256i ones = _mm256_set1_epi16(1);
#pragma GCC unroll 2
        for (int64_t b = 0; b < n / 32; ++b) {
            __m256i lv[R], mag[R];
            float dw[R];
#pragma GCC unroll 4
            for (int r = 0; r < R; ++r) {
                const uint8_t* wb = w + size_t(r) * ws + size_t(b) * Bytes;
                prefetch_ahead(wb);
                lv[r] = Levels(wb);
                mag[r] = _mm256_sign_epi8(lv[r], lv[r]);
                dw[r] = Scale(wb);
            }
#pragma GCC unroll 4
            for (int t = 0; t < T; ++t) {
                const uint8_t* ab = a[t] + size_t(b) * act32_bytes;
                const __m256i x = load32(ab + 4);
                const float dx = act_scale(ab);
#pragma GCC unroll 4
                for (int r = 0; r < R; ++r) {
                    // |w| · (x with w's sign) = w · x, pairs to int16, then to int32
                    const __m256i p = _mm256_maddubs_epi16(mag[r], _mm256_sign_epi8(x, lv[r]));
                    const __m256 s = _mm256_cvtepi32_ps(_mm256_madd_epi16(p, ones));
                    acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(dw[r] * dx), s, acc[r][t]);
                }
            }
        }
        store_tile(acc, out, ldo);
    }
};

MOE_AVX2 inline float scale_f16(const uint8_t* b) {
    return half_f16c(b);
}

MOE_AVX2 inline float scale_e8m0(const uint8_t* b) {
    return e8m0_half(b[0]);
}

MOE_AVX2 inline __m256i levels_q8_0(const uint8_t* b) {
    return load32(b + 2);
}

MOE_AVX2 inline __m256i levels_q4_0(const uint8_t* b) {
    return _mm256_sub_epi8(nibbles32(b + 2), _mm256_set1_epi8(8));
}

MOE_AVX2 inline __m256i levels_q5_0(const uint8_t* b) {
    const __m256i q = _mm256_or_si256(nibbles32(b + 6), fifth_bits32(read_u32(b + 2)));
    return _mm256_sub_epi8(q, _mm256_set1_epi8(16));
}

// A 16-entry codebook in both 128-bit lanes, indexed by the nibbles.
MOE_AVX2 inline __m256i codebook(const int8_t* table, __m256i nib) {
    const __m128i t = load16(table);
    return _mm256_shuffle_epi8(_mm256_set_m128i(t, t), nib);
}

MOE_AVX2 inline __m256i levels_iq4_nl(const uint8_t* b) {
    return codebook(iq::kvalues_iq4nl, nibbles32(b + 2));
}

MOE_AVX2 inline __m256i levels_mxfp4(const uint8_t* b) {
    return codebook(iq::kvalues_fp4, nibbles32(b + 1));
}

// 16-bit lane j (of 8) of each 128-bit lane of v, in all lanes: a byte
// shuffle picking bytes 2j and 2j+1.
MOE_AVX2 inline __m256i broadcast_i16(__m256i v, int j) {
    return _mm256_shuffle_epi8(v, _mm256_set1_epi16(int16_t(0x0100 + 0x0202 * j)));
}

// Q4_K / Q5_K: per 64 elements, 32 bytes of nibbles (low: sub-block 2c, high:
// 2c+1) and, for Q5_K, bits 2c and 2c+1 of qh[l] on top. The levels are
// unsigned (0..31), maddubs' first operand as they are; madd multiplies the
// pair sums by the sub-block scale. The mins come in through the activation
// sums: Σ_g m_{g/2}·bsum_g, one madd. A row's scales are decoded once per
// block for all T tokens; the R rows of a tile run one after the other over
// the same T activation blocks, which stay in L1.
template <bool Five> struct TileK {
    static constexpr int rows = 4;
    template <int R, int T>
    MOE_AVX2 static void run(const uint8_t* w, size_t ws, const uint8_t* const* a, int64_t n, float* out, size_t ldo) {
        constexpr size_t bytes = Five ? q5_k_block_bytes : q4_k_block_bytes;
        const __m256i m4 = _mm256_set1_epi8(0x0F);
        __m256 acc[R][T];
        zero_tile(acc);
        for (int64_t b = 0; b < n / qk_k; ++b) {
            const uint8_t* ab[T];
            for (int t = 0; t < T; ++t)
                ab[t] = a[t] + size_t(b) * act256_bytes;
            for (int r = 0; r < R; ++r) {
                const uint8_t* wb = w + size_t(r) * ws + size_t(b) * bytes;
                prefetch_block(wb, bytes);
                const KScaleWords k = k_scale_words(wb + 4);
                const __m128i m8 = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, int(k.mn_hi), int(k.mn_lo)));
                // scale j in both 128-bit lanes, for the broadcasts below
                const __m256i sc16
                    = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(_mm_set_epi32(0, 0, int(k.sc_hi), int(k.sc_lo))));
                // min j for level sums 2j and 2j+1
                const __m256i mins = _mm256_set_m128i(_mm_unpackhi_epi16(m8, m8), _mm_unpacklo_epi16(m8, m8));
                const uint8_t* qs = wb + (Five ? 48 : 16);
                __m256i qh = Five ? load32(wb + 16) : _mm256_setzero_si256();
                __m256i isum[T];
                for (int t = 0; t < T; ++t)
                    isum[t] = _mm256_setzero_si256();
                for (int c = 0; c < 4; ++c) {
                    const __m256i q = load32(qs + 32 * c);
                    __m256i lo = _mm256_and_si256(q, m4);
                    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
                    if (Five) {
                        const __m256i bit = _mm256_set1_epi8(1);
                        lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(qh, bit), 4));
                        hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 1), bit), 4));
                        qh = _mm256_srli_epi16(qh, 2);
                    }
                    const __m256i s_lo = broadcast_i16(sc16, 2 * c), s_hi = broadcast_i16(sc16, 2 * c + 1);
#pragma GCC unroll 4
                    for (int t = 0; t < T; ++t) {
                        const int8_t* x = act256_levels(ab[t]) + 64 * c;
                        const __m256i p_lo = _mm256_maddubs_epi16(lo, load32(x));
                        const __m256i p_hi = _mm256_maddubs_epi16(hi, load32(x + 32));
                        isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(p_lo, s_lo));
                        isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(p_hi, s_hi));
                    }
                }
                const float d = half_f16c(wb), dmin = half_f16c(wb + 2);
                // the mins stay in eight lanes too: no horizontal sum per block
                for (int t = 0; t < T; ++t) {
                    const __m256i msum = _mm256_madd_epi16(load32(ab[t] + 4), mins);
                    const float dx = act_scale(ab[t]);
                    acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(d * dx), _mm256_cvtepi32_ps(isum[t]), acc[r][t]);
                    acc[r][t] = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * dx), _mm256_cvtepi32_ps(msum), acc[r][t]);
                }
            }
        }
        store_tile(acc, out, ldo);
    }
};

// Q6_K: per 128-element half, 32 bytes of ql (twice) and 32 of qh give four
// runs of 32 unsigned levels 0..63; each run is two 16-element groups with
// their own int8 scale (the low and high 128-bit lane of the madd factor).
// The -32 offset comes in through the activation sums (Σ_g sc_g·bsum_g, one
// madd). Rows one after the other over the tile's T tokens, as TileK.
struct TileQ6K {
    static constexpr int rows = 4;
    template <int R, int T>
    MOE_AVX2 static void run(const uint8_t* w, size_t ws, const uint8_t* const* a, int64_t n, float* out, size_t ldo) {
        const __m256i m4 = _mm256_set1_epi8(0x0F), m2 = _mm256_set1_epi8(0x30);
        __m256 acc[R][T];
        zero_tile(acc);
        for (int64_t b = 0; b < n / qk_k; ++b) {
            const uint8_t* ab[T];
            for (int t = 0; t < T; ++t)
                ab[t] = a[t] + size_t(b) * act256_bytes;
            for (int r = 0; r < R; ++r) {
                const uint8_t* wb = w + size_t(r) * ws + size_t(b) * q6_k_block_bytes;
                prefetch_block(wb, q6_k_block_bytes);
                const int8_t* sc = reinterpret_cast<const int8_t*>(wb + 192);
                __m256i isum[T];
                for (int t = 0; t < T; ++t)
                    isum[t] = _mm256_setzero_si256();
                for (int half = 0; half < 2; ++half) {
                    const __m256i ql0 = load32(wb + 64 * half);
                    const __m256i ql1 = load32(wb + 64 * half + 32);
                    const __m256i qh = load32(wb + 128 + 32 * half);
                    const int8_t* s = sc + 8 * half;
                    const __m256i q[4] = {
                        _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m2)),
                        _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m2)),
                        _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), _mm256_and_si256(qh, m2)),
                        _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4),
                            _mm256_and_si256(_mm256_srli_epi16(qh, 2), m2)),
                    };
                    for (int k = 0; k < 4; ++k) {
                        const __m256i f = _mm256_set_m128i(_mm_set1_epi16(s[2 * k + 1]), _mm_set1_epi16(s[2 * k]));
#pragma GCC unroll 4
                        for (int t = 0; t < T; ++t) {
                            const int8_t* x = act256_levels(ab[t]) + 128 * half + 32 * k;
                            const __m256i p = _mm256_maddubs_epi16(q[k], load32(x));
                            isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(p, f));
                        }
                    }
                }
                const __m256i sc16 = _mm256_cvtepi8_epi16(load16(sc));
                const float d = half_f16c(wb + 208);
                // eight lanes of level sums less 32 times the offsets' lanes:
                // the same integer total, summed across lanes once per row
                for (int t = 0; t < T; ++t) {
                    const __m256i off = _mm256_madd_epi16(load32(ab[t] + 4), sc16);
                    const __m256i total = _mm256_sub_epi32(isum[t], _mm256_slli_epi32(off, 5));
                    acc[r][t]
                        = _mm256_fmadd_ps(_mm256_set1_ps(d * act_scale(ab[t])), _mm256_cvtepi32_ps(total), acc[r][t]);
                }
            }
        }
        store_tile(acc, out, ldo);
    }
};

// IQ4_XS: per 32-element sub-block, codebook levels (signed) times the
// sub-block's integer scale (ls - 32) through madd. Rows one after the other
// over the tile's T tokens, as TileK.
struct TileIq4Xs {
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
                const uint8_t* wb = w + size_t(r) * ws + size_t(b) * iq4_xs_block_bytes;
                prefetch_block(wb, iq4_xs_block_bytes);
                const uint16_t scales_h = read_u16(wb + 2);
                const uint32_t scales_l = read_u32(wb + 4);
                __m256i isum[T];
                for (int t = 0; t < T; ++t)
                    isum[t] = _mm256_setzero_si256();
                for (int ib = 0; ib < 8; ++ib) {
                    const __m256i q = codebook(iq::kvalues_iq4nl, nibbles32(wb + 8 + 16 * ib));
                    const __m256i mag = _mm256_sign_epi8(q, q);
                    const __m256i ls = _mm256_set1_epi16(int16_t(iq4_xs_scale(scales_h, scales_l, ib)));
#pragma GCC unroll 4
                    for (int t = 0; t < T; ++t) {
                        const __m256i xv = load32(act256_levels(ab[t]) + 32 * ib);
                        const __m256i p = _mm256_maddubs_epi16(mag, _mm256_sign_epi8(xv, q));
                        isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(p, ls));
                    }
                }
                const float d = half_f16c(wb);
                for (int t = 0; t < T; ++t) {
                    acc[r][t]
                        = _mm256_fmadd_ps(_mm256_set1_ps(d * act_scale(ab[t])), _mm256_cvtepi32_ps(isum[t]), acc[r][t]);
                }
            }
        }
        store_tile(acc, out, ldo);
    }
};

using TileQ8_0 = Tile32<q8_0_block_bytes, levels_q8_0, scale_f16>;
using TileQ4_0 = Tile32<q4_0_block_bytes, levels_q4_0, scale_f16>;
using TileQ5_0 = Tile32<q5_0_block_bytes, levels_q5_0, scale_f16>;
using TileIq4Nl = Tile32<iq4_nl_block_bytes, levels_iq4_nl, scale_f16>;
using TileMxfp4 = Tile32<mxfp4_block_bytes, levels_mxfp4, scale_e8m0>;

// max|x| of n floats (n a multiple of 8).
MOE_AVX2 inline float abs_max(const float* x, int n) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8)
        m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i)));
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// 32 floats times id, rounded to nearest even (the default MXCSR mode, as
// nearest_int in the portable path), packed to 32 int8 in element order.
MOE_AVX2 inline __m256i round_pack32(const float* x, __m256 id) {
    const __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), id));
    const __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 8), id));
    const __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 16), id));
    const __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 24), id));
    // the packs interleave the 128-bit lanes; a dword permutation restores the order
    const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
    return _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

} // namespace

MOE_AVX2 float int_dot_q8_0_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileQ8_0>(row, act, n);
}
MOE_AVX2 void int_tile_q8_0_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileQ8_0>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_q4_0_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileQ4_0>(row, act, n);
}
MOE_AVX2 void int_tile_q4_0_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileQ4_0>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_q5_0_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileQ5_0>(row, act, n);
}
MOE_AVX2 void int_tile_q5_0_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileQ5_0>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_iq4_nl_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileIq4Nl>(row, act, n);
}
MOE_AVX2 void int_tile_iq4_nl_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileIq4Nl>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_mxfp4_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileMxfp4>(row, act, n);
}
MOE_AVX2 void int_tile_mxfp4_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileMxfp4>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_q4_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileK<false>>(row, act, n);
}
MOE_AVX2 void int_tile_q4_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileK<false>>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_q5_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileK<true>>(row, act, n);
}
MOE_AVX2 void int_tile_q5_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileK<true>>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_q6_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileQ6K>(row, act, n);
}
MOE_AVX2 void int_tile_q6_k_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileQ6K>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_iq4_xs_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileIq4Xs>(row, act, n);
}
MOE_AVX2 void int_tile_iq4_xs_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileIq4Xs>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}

MOE_AVX2 void quantize_act32_avx2(const float* x, uint8_t* dst, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b) {
        const float* xb = x + b * 32;
        uint8_t* a = dst + size_t(b) * act32_bytes;
        const float d = act_block_scale(abs_max(xb, 32), xb, 32);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        std::memcpy(a, &d, sizeof d);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(a + 4), round_pack32(xb, _mm256_set1_ps(id)));
    }
}

MOE_AVX2 void quantize_act256_avx2(const float* x, uint8_t* dst, int64_t n) {
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const float* xb = x + b * qk_k;
        uint8_t* a = dst + size_t(b) * act256_bytes;
        const float d = act_block_scale(abs_max(xb, qk_k), xb, qk_k);
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        std::memcpy(a, &d, sizeof d);
        for (int r = 0; r < 8; ++r) {
            const __m256i q = round_pack32(xb + 32 * r, _mm256_set1_ps(id));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(a + 36 + 32 * r), q);
            // sums of 16 levels: widen to int16 pairs, then madd and fold
            const __m256i s16 = _mm256_maddubs_epi16(_mm256_set1_epi8(1), q); // 16 sums of 2
            const __m256i s32 = _mm256_madd_epi16(s16, _mm256_set1_epi16(1)); // 8 sums of 4
            const __m128i lo = _mm256_castsi256_si128(s32), hi = _mm256_extracti128_si256(s32, 1);
            const int16_t g0 = int16_t(hsum4(lo)), g1 = int16_t(hsum4(hi));
            std::memcpy(a + 4 + 2 * (2 * r), &g0, 2);
            std::memcpy(a + 4 + 2 * (2 * r + 1), &g1, 2);
        }
    }
}

} // namespace moe::quant_detail

#endif
