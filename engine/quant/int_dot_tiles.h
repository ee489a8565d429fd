#pragma once
// Internal to engine/quant: the drivers of int_dot.h's AVX2 tile kernels
// (int_dot_avx2.cpp, int_dot_iq_avx2.cpp) and the loads they share.
//
// Every kernel is a tile: R weight rows × T activation rows, with one float
// accumulator (8 lanes) per (row, token) that takes each block's scaled
// integer sums in block order, then one horizontal sum. What a (row, token)
// pair gets does not depend on the tile that computed it, and the single-row
// kernel is the 1×1 tile, so a prompt's tokens and a decode step's agree bit
// for bit. A tile decodes a weight block once for T tokens and reads a
// token's block once for R rows; with several tokens per row (prefill) that,
// not the memory, is what the time goes to.
//
// K::run<R, T>(w, w_stride, a, n, out, ldo): rows w + r·w_stride, tokens a[t],
// out[t·ldo + r]; K::rows the rows of a whole tile (1..4).
#include "quant/int_dot_blocks.h"

#if defined(MOE_QUANT_X86)

namespace moe::quant_detail {

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

// 32 sign bits (byte l for elements 8l..8l+7) to 32 bytes, 0xFF where set:
// byte l broadcast to its 8 bytes, then each byte tested against its bit.
MOE_AVX2 inline __m256i spread_signs(uint32_t signs) {
    const __m256i pick = _mm256_setr_epi8(
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i bits = _mm256_set1_epi64x(int64_t(0x8040201008040201ull));
    const __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32(int(signs)), pick);
    return _mm256_cmpeq_epi8(_mm256_and_si256(v, bits), bits);
}

// The fifth bits of Q5_0/Q5_1 (bit j of qh: element j) as 0x10 in byte j.
MOE_AVX2 inline __m256i fifth_bits32(uint32_t qh) {
    return _mm256_and_si256(spread_signs(qh), _mm256_set1_epi8(0x10));
}

MOE_AVX2 inline float half_f16c(const uint8_t* p) {
    return _cvtsh_ss(read_u16(p));
}

MOE_AVX2 inline void prefetch_block(const uint8_t* w, size_t bytes) {
    for (size_t off = 0; off < bytes; off += 64)
        prefetch_ahead(w + off);
}

// A tile's accumulators: zeroed, and at the end each (row, token)'s lanes
// summed once into out[t·ldo + r].
template <int R, int T> MOE_AVX2 inline void zero_tile(__m256 (&acc)[R][T]) {
    for (auto& row : acc)
        for (auto& v : row)
            v = _mm256_setzero_ps();
}
template <int R, int T> MOE_AVX2 inline void store_tile(const __m256 (&acc)[R][T], float* out, size_t ldo) {
    for (int r = 0; r < R; ++r)
        for (int t = 0; t < T; ++t)
            out[size_t(t) * ldo + size_t(r)] = hsum(acc[r][t]);
}

// Tokens per tile; the rows per tile are each kernel's own (K::rows).
constexpr int tile_tokens = 4;

template <class K, int R>
MOE_AVX2 void run_rows(
    int nt, const uint8_t* w, size_t ws, const uint8_t* const* a, int64_t n, float* out, size_t ldo) {
    switch (nt) {
    case 1:
        K::template run<R, 1>(w, ws, a, n, out, ldo);
        break;
    case 2:
        K::template run<R, 2>(w, ws, a, n, out, ldo);
        break;
    case 3:
        K::template run<R, 3>(w, ws, a, n, out, ldo);
        break;
    default:
        K::template run<R, tile_tokens>(w, ws, a, n, out, ldo);
        break;
    }
}

// A whole rows × tokens product in tiles of K::rows × tile_tokens, the last
// row and token tiles smaller. Row tiles outside, so a tile's rows stay in
// L1 while the tokens pass.
template <class K>
MOE_AVX2 void tiles(const uint8_t* w, size_t ws, int n_rows, const uint8_t* qx, size_t qs, const int32_t* index,
    int n_tok, int64_t n, float* out, size_t ldo) {
    static_assert(K::rows >= 1 && K::rows <= 4);
    if (n_tok == 1) {
        // Decode: one whole row after another, a single stream for the
        // prefetchers; K::rows rows read a block of each in turn, which
        // measured 10-36 % slower at one token (Q4_K, Q6_K, Q8_0, IQ4_XS,
        // Q2_K; MXFP4 even). The same bits either way: each (row, token)
        // has its own accumulator.
        const uint8_t* a = qx + size_t(index ? index[0] : 0) * qs;
        for (int r = 0; r < n_rows; ++r)
            K::template run<1, 1>(w + size_t(r) * ws, ws, &a, n, out + r, ldo);
        return;
    }
    for (int r0 = 0; r0 < n_rows; r0 += K::rows) {
        const int nr = std::min(K::rows, n_rows - r0);
        const uint8_t* wr = w + size_t(r0) * ws;
        for (int t0 = 0; t0 < n_tok; t0 += tile_tokens) {
            const int nt = std::min(tile_tokens, n_tok - t0);
            const uint8_t* a[tile_tokens];
            for (int t = 0; t < nt; ++t)
                a[t] = qx + size_t(index ? index[t0 + t] : t0 + t) * qs;
            float* o = out + size_t(t0) * ldo + size_t(r0);
            if (nr == K::rows) {
                run_rows<K, K::rows>(nt, wr, ws, a, n, o, ldo);
            } else if constexpr (K::rows > 1) {
                if (nr == 1) run_rows<K, 1>(nt, wr, ws, a, n, o, ldo);
                if constexpr (K::rows > 2)
                    if (nr == 2) run_rows<K, 2>(nt, wr, ws, a, n, o, ldo);
                if constexpr (K::rows > 3)
                    if (nr == 3) run_rows<K, 3>(nt, wr, ws, a, n, o, ldo);
            }
        }
    }
}

// The single-row kernel: the 1×1 tile.
template <class K> MOE_AVX2 float single(const uint8_t* row, const uint8_t* act, int64_t n) {
    float out;
    K::template run<1, 1>(row, 0, &act, n, &out, 0);
    return out;
}

} // namespace moe::quant_detail

#endif
