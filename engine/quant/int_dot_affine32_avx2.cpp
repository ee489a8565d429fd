// The AVX2 tile kernels of Q4_1 and Q5_1 (int_dot_affine32.h), the same
// integers as int_dot_affine32.cpp, in the shape of int_dot_avx2.cpp's
// Tile32: the R rows' levels (unsigned, maddubs' first operand as they are)
// stay in registers while T tokens pass. Per token and block Σ xq is one
// maddubs by ones and one madd, shared by the tile's rows; per (row, token)
// the two integer sums go into the eight accumulator lanes as
// dx·(d·Σ q·xq + m·Σ xq) (one fmadd on the accumulator's dependency chain
// per block: two made it the bound of a decode step), summed across lanes
// once per row.
#include "quant/int_dot_affine32.h"
#include "quant/int_dot_tiles.h"

#include <algorithm>

#if defined(MOE_QUANT_X86)

namespace moe::quant_detail {

namespace {

MOE_AVX2 inline __m256i levels_q4_1(const uint8_t* b) {
    return nibbles32(b + 4);
}

MOE_AVX2 inline __m256i levels_q5_1(const uint8_t* b) {
    return _mm256_or_si256(nibbles32(b + 8), fifth_bits32(read_u32(b + 4)));
}

template <size_t Bytes, __m256i (*Levels)(const uint8_t*)> struct TileAffine32 {
    static constexpr int rows = 2;
    template <int R, int T>
    MOE_AVX2 static void run(const uint8_t* w, size_t ws, const uint8_t* const* a, int64_t n, float* out, size_t ldo) {
        __m256 acc[R][T];
        zero_tile(acc);
        const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
#pragma GCC unroll 2
        for (int64_t b = 0; b < n / 32; ++b) {
            __m256i lv[R];
            __m256 dw[R], mw[R];
#pragma GCC unroll 4
            for (int r = 0; r < R; ++r) {
                const uint8_t* wb = w + size_t(r) * ws + size_t(b) * Bytes;
                prefetch_ahead(wb);
                lv[r] = Levels(wb);
                // d and m converted together, then each in all eight lanes
                const __m128 dm = _mm_cvtph_ps(_mm_cvtsi32_si128(int(read_u32(wb))));
                dw[r] = _mm256_broadcastss_ps(dm);
                mw[r] = _mm256_broadcastss_ps(_mm_movehdup_ps(dm));
            }
#pragma GCC unroll 4
            for (int t = 0; t < T; ++t) {
                const uint8_t* ab = a[t] + size_t(b) * act32_bytes;
                const __m256i x = load32(ab + 4);
                const __m256 dx = _mm256_set1_ps(act_scale(ab));
                const __m256 xs = _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(ones8, x), ones16));
#pragma GCC unroll 4
                for (int r = 0; r < R; ++r) {
                    const __m256i p = _mm256_maddubs_epi16(lv[r], x);
                    const __m256 s = _mm256_cvtepi32_ps(_mm256_madd_epi16(p, ones16));
                    // dx·(d·Σ q·x + m·Σ x): one fmadd on the accumulator's chain per block
                    const __m256 block = _mm256_fmadd_ps(dw[r], s, _mm256_mul_ps(mw[r], xs));
                    acc[r][t] = _mm256_fmadd_ps(dx, block, acc[r][t]);
                }
            }
        }
        store_tile(acc, out, ldo);
    }
};

using TileQ4_1 = TileAffine32<q4_1_block_bytes, levels_q4_1>;
using TileQ5_1 = TileAffine32<q5_1_block_bytes, levels_q5_1>;

} // namespace

MOE_AVX2 float int_dot_q4_1_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileQ4_1>(row, act, n);
}
MOE_AVX2 void int_tile_q4_1_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileQ4_1>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}
MOE_AVX2 float int_dot_q5_1_avx2(const uint8_t* row, const uint8_t* act, int64_t n) {
    return single<TileQ5_1>(row, act, n);
}
MOE_AVX2 void int_tile_q5_1_avx2(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    tiles<TileQ5_1>(w, w_stride, n_rows, qx, qx_stride, index, n_tok, n, out, ldo);
}

} // namespace moe::quant_detail

#endif
