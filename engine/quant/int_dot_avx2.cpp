// int_dot.h's AVX2 kernels, compiled for AVX2 whatever the build flags and
// only called after checking the CPU at run time (quant.cpp's simd_enabled).
// They add the same integers as the portable kernels in int_dot.cpp, 32
// levels at a time: unsigned × signed byte products summed in pairs to int16
// (maddubs), then pairs of those to int32 (madd), where the second factor of
// madd is 1 or the sub-block's integer scale. A signed weight level w is
// brought to maddubs' unsigned operand as |w|, its sign moved onto the
// activation (|w|·sign(w)·x = w·x); |w| ≤ 127 and |x| ≤ 127 keep each int16
// pair sum below 2·127·127 < 32768.
#include "quant/int_dot_blocks.h"
#include "quant/iq_grids.h"

#if defined(MOE_QUANT_X86)

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;

MOE_AVX2 inline __m256i load32(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

MOE_AVX2 inline __m128i load16(const void* p) {
    return _mm_loadu_si128(static_cast<const __m128i*>(p));
}

// 16 bytes of nibble pairs to 32 bytes: byte j the low nibble of byte j,
// byte j + 16 its high nibble (the order of the 32-element formats).
MOE_AVX2 inline __m256i nibbles32(const uint8_t* qs) {
    const __m128i q = load16(qs);
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(q, 4), q);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

// Eight int32 partial sums of w·x over 32 signed levels.
MOE_AVX2 inline __m256i dot_i8(__m256i w, __m256i x) {
    const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

MOE_AVX2 inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

MOE_AVX2 inline int hsum4(__m128i s) {
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

MOE_AVX2 inline int hsum_epi32(__m256i v) {
    return hsum4(_mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}

MOE_AVX2 inline float half_f16c(const uint8_t* p) {
    return _cvtsh_ss(read_u16(p));
}

// The 32-element formats: Levels(block) gives the 32 signed levels, Scale the
// block's float scale; two accumulator chains.
template <size_t Bytes, __m256i (*Levels)(const uint8_t*), float (*Scale)(const uint8_t*)>
MOE_AVX2 float dot32_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    const int64_t nb = n / 32;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2) {
        const uint8_t* w = row + size_t(b) * Bytes;
        const uint8_t* a = act + size_t(b) * act32_bytes;
        prefetch_ahead(w);
        const __m256 s0 = _mm256_cvtepi32_ps(dot_i8(Levels(w), load32(a + 4)));
        const __m256 s1 = _mm256_cvtepi32_ps(dot_i8(Levels(w + Bytes), load32(a + act32_bytes + 4)));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(Scale(w) * act_scale(a)), s0, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(Scale(w + Bytes) * act_scale(a + act32_bytes)), s1, acc1);
    }
    if (b < nb) {
        const uint8_t* w = row + size_t(b) * Bytes;
        const uint8_t* a = act + size_t(b) * act32_bytes;
        const __m256 s0 = _mm256_cvtepi32_ps(dot_i8(Levels(w), load32(a + 4)));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(Scale(w) * act_scale(a)), s0, acc0);
    }
    return hsum_ps(_mm256_add_ps(acc0, acc1));
}

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

// Q5_0: bit j of qh is element j's fifth bit (k_sign_masks spreads 8 bits to 8 bytes).
MOE_AVX2 inline __m256i levels_q5_0(const uint8_t* b) {
    const uint32_t qh = read_u32(b + 2);
    const __m256i hi = _mm256_set_epi64x(int64_t(k_sign_masks[qh >> 24]), int64_t(k_sign_masks[(qh >> 16) & 0xFF]),
        int64_t(k_sign_masks[(qh >> 8) & 0xFF]), int64_t(k_sign_masks[qh & 0xFF]));
    const __m256i q = _mm256_or_si256(nibbles32(b + 6), _mm256_and_si256(hi, _mm256_set1_epi8(0x10)));
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

// Q4_K / Q5_K: per 64 elements, 32 bytes of nibbles (low: sub-block 2c, high:
// 2c+1) and, for Q5_K, bits 2c and 2c+1 of qh[l] on top. The levels are
// unsigned (0..31), maddubs' first operand as they are; madd multiplies the
// pair sums by the sub-block scale. The mins come in through the activation
// sums, one scalar product per sub-block.
template <bool Five> MOE_AVX2 float dot_k_affine_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    constexpr size_t bytes = Five ? q5_k_block_bytes : q4_k_block_bytes;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    float acc_min = 0.0f;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* w = row + size_t(b) * bytes;
        const uint8_t* a = act + size_t(b) * act256_bytes;
        for (size_t off = 0; off < bytes; off += 64)
            prefetch_ahead(w + off);
        const int8_t* x = act256_levels(a);
        uint8_t sc[8], mn[8];
        k_scales_mins(w + 4, sc, mn);
        const uint8_t* qs = w + (Five ? 48 : 16);
        __m256i qh = Five ? load32(w + 16) : _mm256_setzero_si256();
        __m256i isum = _mm256_setzero_si256();
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
            const __m256i p_lo = _mm256_maddubs_epi16(lo, load32(x + 64 * c));
            const __m256i p_hi = _mm256_maddubs_epi16(hi, load32(x + 64 * c + 32));
            isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p_lo, _mm256_set1_epi16(sc[2 * c])));
            isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p_hi, _mm256_set1_epi16(sc[2 * c + 1])));
        }
        int32_t msum = 0;
        for (int j = 0; j < 8; ++j)
            msum += mn[j] * (act256_bsum(a, 2 * j) + act256_bsum(a, 2 * j + 1));
        const float dx = act_scale(a);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_f16c(w) * dx), _mm256_cvtepi32_ps(isum), acc);
        acc_min += half_f16c(w + 2) * dx * float(msum);
    }
    return hsum_ps(acc) - acc_min;
}

// Q6_K: per 128-element half, 32 bytes of ql (twice) and 32 of qh give four
// runs of 32 unsigned levels 0..63; each run is two 16-element groups with
// their own int8 scale (the low and high 128-bit lane of the madd factor).
// The -32 offset comes in through the activation sums.
MOE_AVX2 float dot_q6_k_avx2_impl(const uint8_t* row, const uint8_t* act, int64_t n) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m2 = _mm256_set1_epi8(0x30);
    float sum = 0.0f;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* w = row + size_t(b) * q6_k_block_bytes;
        const uint8_t* a = act + size_t(b) * act256_bytes;
        for (size_t off = 0; off < q6_k_block_bytes; off += 64)
            prefetch_ahead(w + off);
        const int8_t* sc = reinterpret_cast<const int8_t*>(w + 192);
        __m256i isum = _mm256_setzero_si256();
        for (int half = 0; half < 2; ++half) {
            const __m256i ql0 = load32(w + 64 * half);
            const __m256i ql1 = load32(w + 64 * half + 32);
            const __m256i qh = load32(w + 128 + 32 * half);
            const int8_t* x = act256_levels(a) + 128 * half;
            const int8_t* s = sc + 8 * half;
            const __m256i q[4] = {
                _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m2)),
                _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m2)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), _mm256_and_si256(qh, m2)),
                _mm256_or_si256(
                    _mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(qh, 2), m2)),
            };
            for (int r = 0; r < 4; ++r) {
                const __m256i p = _mm256_maddubs_epi16(q[r], load32(x + 32 * r));
                const __m256i f = _mm256_set_m128i(_mm_set1_epi16(s[2 * r + 1]), _mm_set1_epi16(s[2 * r]));
                isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p, f));
            }
        }
        int32_t off = 0;
        for (int g = 0; g < 16; ++g)
            off += int32_t(sc[g]) * act256_bsum(a, g);
        const int32_t total = hsum_epi32(isum) - 32 * off;
        sum += half_f16c(w + 208) * act_scale(a) * float(total);
    }
    return sum;
}

// IQ4_XS: per 32-element sub-block, codebook levels (signed) times the
// sub-block's integer scale (ls - 32) through madd.
MOE_AVX2 float dot_iq4_xs_avx2_impl(const uint8_t* row, const uint8_t* act, int64_t n) {
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* w = row + size_t(b) * iq4_xs_block_bytes;
        const uint8_t* a = act + size_t(b) * act256_bytes;
        for (size_t off = 0; off < iq4_xs_block_bytes; off += 64)
            prefetch_ahead(w + off);
        const uint16_t scales_h = read_u16(w + 2);
        const int8_t* x = act256_levels(a);
        __m256i isum = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            const __m256i q = codebook(iq::kvalues_iq4nl, nibbles32(w + 8 + 16 * ib));
            const __m256i xv = load32(x + 32 * ib);
            const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(xv, q));
            const int ls = iq4_xs_scale(scales_h, w + 4, ib);
            isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p, _mm256_set1_epi16(int16_t(ls))));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half_f16c(w) * act_scale(a)), _mm256_cvtepi32_ps(isum), acc);
    }
    return hsum_ps(acc);
}

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
    return dot32_avx2<q8_0_block_bytes, levels_q8_0, scale_f16>(row, act, n);
}
MOE_AVX2 float int_dot_q4_0_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot32_avx2<q4_0_block_bytes, levels_q4_0, scale_f16>(row, act, n);
}
MOE_AVX2 float int_dot_q5_0_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot32_avx2<q5_0_block_bytes, levels_q5_0, scale_f16>(row, act, n);
}
MOE_AVX2 float int_dot_iq4_nl_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot32_avx2<iq4_nl_block_bytes, levels_iq4_nl, scale_f16>(row, act, n);
}
MOE_AVX2 float int_dot_mxfp4_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot32_avx2<mxfp4_block_bytes, levels_mxfp4, scale_e8m0>(row, act, n);
}
MOE_AVX2 float int_dot_q4_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_k_affine_avx2<false>(row, act, n);
}
MOE_AVX2 float int_dot_q5_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_k_affine_avx2<true>(row, act, n);
}
MOE_AVX2 float int_dot_q6_k_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_q6_k_avx2_impl(row, act, n);
}
MOE_AVX2 float int_dot_iq4_xs_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_iq4_xs_avx2_impl(row, act, n);
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
