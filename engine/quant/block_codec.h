#pragma once
// Internal to engine/quant: the pieces shared by the files that implement the
// block formats (reading fp16 fields, ggml's rounding, the decode-then-dot
// loops) and the table entry each format registers (BlockCodec).
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

// MOE_QUANT_PORTABLE builds only the portable code, to test it on x86.
#if defined(__x86_64__) && !defined(MOE_QUANT_PORTABLE)
#define MOE_QUANT_X86 1
#include <immintrin.h>
// Compiled for these extensions whatever the build flags; only called after
// checking the CPU at run time (cpu_has_avx2 in quant.cpp).
#define MOE_AVX2 __attribute__((target("avx2,fma,f16c")))
#endif

// Blocks are read byte-wise with memcpy, assuming the host is little-endian
// like the GGUF format; a big-endian port would need byte swaps here.
static_assert(std::endian::native == std::endian::little, "engine/quant assumes a little-endian host");

// The decoders and quantizers reproduce ggml's float results, which were
// computed without fused multiply-adds: no contraction here even where the
// compiler would allow it (GCC in ISO mode never contracts; clang does by
// default, and would once -march enables FMA).
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

// Decoders are forced inline so that each decode-then-dot loop gets its own
// copy, compiled for that loop's target (AVX2 or baseline).
#define MOE_DECODE [[gnu::always_inline]] inline

namespace moe::quant_detail {

// One block format of the table in quant.cpp. The decoder is the reference:
// it evaluates every product in ggml's order so dequantize_row matches ggml's
// to_float bit for bit; the dot products may sum in any order.
struct BlockCodec {
    int block; // elements per block
    size_t bytes; // bytes per block
    void (*dequantize)(const uint8_t* src, float* dst, int64_t n);
    // nullptr where we have no quantizer (the lattice i-quants need an importance matrix)
    void (*quantize)(const float* src, uint8_t* dst, int64_t n);
    float (*dot)(const uint8_t* row, const float* x, int64_t n); // portable
    float (*dot_avx2)(const uint8_t* row, const float* x, int64_t n); // nullptr off x86
};

// The formats added for issue 13 (files named after what they hold).
extern const BlockCodec codec_q4_1, codec_q5_0, codec_q5_1; // legacy_quants.cpp
extern const BlockCodec codec_q1_0, codec_q2_0; // q1_0_q2_0_quants.cpp
extern const BlockCodec codec_mxfp4, codec_nvfp4; // fp4_quants.cpp
extern const BlockCodec codec_q2_k, codec_q3_k; // k_quants_low.cpp
extern const BlockCodec codec_iq4_nl, codec_iq4_xs; // iq4_quants.cpp
extern const BlockCodec codec_iq2_xxs, codec_iq2_xs, codec_iq2_s; // iq_quants.cpp
extern const BlockCodec codec_iq3_xxs, codec_iq3_s, codec_iq1_s, codec_iq1_m; // iq_quants.cpp
extern const BlockCodec codec_tq1_0, codec_tq2_0; // ternary_quants.cpp

inline float half_to_float(uint16_t h) {
    // Branch-free so row loops vectorise, and no arithmetic on fp32
    // denormals, which cost a microcode assist per operation on many CPUs
    // (fp16 weights below 2^-14 are common). The shift drops the sign.
    const uint32_t two_h = uint32_t(h) << 17;
    // exponent field zero: zero or subnormal, mant * 2^-24. Built as
    // 0.5 + mant * 2^-24 (mantissa bits under the exponent of 0.5) minus 0.5,
    // which is exact.
    const float small = std::bit_cast<float>((two_h >> 17) | (126u << 23)) - 0.5f;
    // otherwise: move exponent and mantissa into fp32 position with the
    // exponent rebiased by +224, then scale by 2^-112 (net +112 = 127 - 15).
    // Exponent 31 lands on 255, so inf stays inf and NaN stays NaN (quieted,
    // as F16C does).
    const float normal = std::bit_cast<float>((two_h >> 4) + (224u << 23)) * 0x1p-112f;
    // select with a mask rather than ?: which GCC keeps as a branch
    const uint32_t is_small = 0u - uint32_t(two_h < (1u << 27));
    const uint32_t mag = (std::bit_cast<uint32_t>(small) & is_small) | (std::bit_cast<uint32_t>(normal) & ~is_small);
    return std::bit_cast<float>(mag | (uint32_t(h & 0x8000u) << 16));
}

inline uint16_t read_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline uint32_t read_u32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline void write_u16(uint8_t* p, uint16_t v) {
    std::memcpy(p, &v, sizeof v);
}

inline float read_half(const uint8_t* p) {
    return half_to_float(read_u16(p));
}

// MXFP4's scale: E8M0 is a bare exponent, 2^(e-127); half of it is
// 2^(e-128), a subnormal float for e < 2 (the FP4 codebook holds its values
// doubled, so the scale is halved).
inline float e8m0_half(uint8_t e) {
    return std::bit_cast<float>(e < 2 ? uint32_t(0x00200000u) << e : uint32_t(e - 1) << 23);
}

// ggml's nearest_int: round to nearest, ties to even, by adding 1.5 * 2^23 so
// the integer lands in the low mantissa bits. Valid for |v| < 2^22, which the
// quantizers guarantee by construction (as ggml asserts).
inline int nearest_int(float v) {
    return int(std::bit_cast<uint32_t>(v + 12582912.0f) & 0x7FFFFFu) - 0x400000;
}

// Eight independent partial sums: written as array lanes the compiler can
// turn them into vector registers on any target (reassociating a single sum
// is not allowed without -ffast-math). Load(i) gives element i of the row.
template <typename Load> float dot_lanes(const Load& a, const float* x, int64_t n) {
    float acc[8] = {};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; ++j)
            acc[j] += a(i + j) * x[i + j];
    }
    for (; i < n; ++i)
        acc[0] += a(i) * x[i];
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

inline float dot_f32_scalar(const float* a, const float* x, int64_t n) {
    return dot_lanes([a](int64_t i) { return a[i]; }, x, n);
}

// Vectors of 8 lanes in GCC's generic vector extension: the compiler emits
// them with the instructions of the function they end up in (AVX2 once
// inlined into the AVX2 dot, SSE2 pairs in baseline code), so one decoder
// serves both paths. Conversions and products are the same IEEE operations,
// lane by lane, as the scalar expressions they replace.
// 16 bytes as GCC generic vectors: the compiler emits them with the
// instructions of the function they end up in (AVX2 once inlined into the
// AVX2 dot, baseline code elsewhere).
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef int8_t i8x16 __attribute__((vector_size(16)));

// A 16-entry int8 codebook indexed by the nibbles of 16 bytes: the values of
// element j (low nibble of byte j) and of element j+16 (high nibble). A byte
// shuffle where the target has one (SSSE3 and up).
MOE_DECODE void codebook_nibbles(const int8_t* table, const uint8_t* qs, i8x16* lo, i8x16* hi) {
    i8x16 t;
    u8x16 q;
    std::memcpy(&t, table, 16);
    std::memcpy(&q, qs, 16);
#if defined(__clang__) // clang has no variable-index vector shuffle builtin
    for (int j = 0; j < 16; ++j) {
        (*lo)[j] = t[q[j] & 15];
        (*hi)[j] = t[q[j] >> 4];
    }
#else
    *lo = __builtin_shuffle(t, i8x16(q & 15));
    *hi = __builtin_shuffle(t, i8x16(q >> 4));
#endif
}

template <int Block, size_t Bytes, void (*Decode)(const uint8_t*, float*)>
void dequantize_blocks(const uint8_t* src, float* dst, int64_t n) {
    for (int64_t b = 0; b < n / Block; ++b)
        Decode(src + size_t(b) * Bytes, dst + b * Block);
}

template <int Block, size_t Bytes, void (*Quantize)(const float*, uint8_t*)>
void quantize_blocks(const float* src, uint8_t* dst, int64_t n) {
    for (int64_t b = 0; b < n / Block; ++b)
        Quantize(src + b * Block, dst + size_t(b) * Bytes);
}

// Portable dot: decode one block to the stack, then dot it.
template <int Block, size_t Bytes, void (*Decode)(const uint8_t*, float*)>
float dot_decoded(const uint8_t* row, const float* x, int64_t n) {
    float buf[Block];
    float sum = 0.0f;
    for (int64_t b = 0; b < n / Block; ++b) {
        Decode(row + size_t(b) * Bytes, buf);
        sum += dot_f32_scalar(buf, x + b * Block, Block);
    }
    return sum;
}

// A block unpacked to what it means: int8 levels and a float scale per 16
// weights, weight i = scale[i / 16] * q[i]. For the formats that fit this
// form (the lattice and codebook formats) the unpacker is the one home of the
// layout: the decoder multiplies it out, which is exactly ggml's product
// where ggml multiplies the scale by the level, and the AVX2 dot multiplies
// the levels into x without the float buffer.
template <int Block> struct Levels {
    alignas(32) int8_t q[Block];
    float scale[Block / 16];
};

// Byte j of k_sign_masks[s]: 0xFF where bit j of s is set (sign bytes and
// bit-per-weight formats expand to 8 levels at once through it).
constexpr std::array<uint64_t, 256> make_sign_masks() {
    std::array<uint64_t, 256> m {};
    for (int s = 0; s < 256; ++s) {
        for (int j = 0; j < 8; ++j)
            m[size_t(s)] |= uint64_t((s >> j) & 1 ? 0xFF : 0) << (8 * j);
    }
    return m;
}
inline constexpr std::array<uint64_t, 256> k_sign_masks = make_sign_masks();

template <int Block, void (*Unpack)(const uint8_t*, Levels<Block>&)>
MOE_DECODE void decode_levels(const uint8_t* __restrict b, float* __restrict y) {
    Levels<Block> L;
    Unpack(b, L);
    for (int g = 0; g < Block / 16; ++g) {
        for (int j = 0; j < 16; ++j)
            y[16 * g + j] = L.scale[g] * float(L.q[16 * g + j]);
    }
}

#if defined(MOE_QUANT_X86)

MOE_AVX2 inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// The hardware prefetchers stop at 4 KiB page boundaries and do not run far
// enough ahead to hide DRAM latency behind this much arithmetic per byte;
// asking explicitly for the line a few KiB ahead (call once per 64 bytes
// consumed) took cold Q8_0 rows from ~5.7 to ~11 GB/s on the 2-core dev VM.
// Running past the end of the row is harmless: prefetches never fault, and
// the next row is usually what the caller reads next.
#ifndef MOE_PREFETCH_DISTANCE
#define MOE_PREFETCH_DISTANCE 4096
#endif
inline void prefetch_ahead(const void* p) {
    _mm_prefetch(static_cast<const char*>(p) + MOE_PREFETCH_DISTANCE, _MM_HINT_T0);
}

// Integer-level paths (the K-quants, the lattice i-quants): a block's levels
// are unpacked to int8 with 32-byte operations, then widened 8 at a time and
// multiplied into x, one float scale per group of 16 or 32.
MOE_AVX2 inline __m256 load_i8x8_ps(const uint8_t* p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}

MOE_AVX2 inline __m256 levels_ps(const int8_t* q) {
    return load_i8x8_ps(reinterpret_cast<const uint8_t*>(q));
}

// sum q[i]*x[i] over 16 elements
MOE_AVX2 inline __m256 dot16(const int8_t* q, const float* x) {
    return _mm256_fmadd_ps(levels_ps(q + 8), _mm256_loadu_ps(x + 8), _mm256_mul_ps(levels_ps(q), _mm256_loadu_ps(x)));
}

// AVX2 dot for the formats without a Levels form (Q4_1, Q5_1: affine): the
// block's decoder, inlined here and so compiled for AVX2, fills a stack
// buffer that FMAs then consume 16 elements at a time on two independent
// chains. Two buffers, one block apart: a 32-byte load of floats the decoder
// has just stored in smaller pieces cannot be forwarded from the store buffer
// and stalls until they reach the cache, so each block is decoded one step
// before it is consumed (about 2x).
template <int Block, size_t Bytes, void (*Decode)(const uint8_t*, float*)>
MOE_AVX2 float dot_decoded_avx2(const uint8_t* row, const float* x, int64_t n) {
    static_assert(Block % 16 == 0);
    const int64_t nb = n / Block;
    alignas(32) float buf[2][Block];
    __m256 a0 = _mm256_setzero_ps(), a1 = a0;
    if (nb > 0) Decode(row, buf[0]);
    for (int64_t b = 0; b < nb; ++b) {
        if (b + 1 < nb) {
            const uint8_t* p = row + size_t(b + 1) * Bytes;
            for (size_t off = 0; off < Bytes; off += 64)
                prefetch_ahead(p + off);
            Decode(p, buf[(b + 1) & 1]);
        }
        const float* y = buf[b & 1];
        const float* xb = x + b * Block;
        for (int i = 0; i < Block; i += 16) {
            a0 = _mm256_fmadd_ps(_mm256_load_ps(y + i), _mm256_loadu_ps(xb + i), a0);
            a1 = _mm256_fmadd_ps(_mm256_load_ps(y + i + 8), _mm256_loadu_ps(xb + i + 8), a1);
        }
    }
    return hsum(_mm256_add_ps(a0, a1));
}

template <int Block, size_t Bytes, void (*Unpack)(const uint8_t*, Levels<Block>&)>
MOE_AVX2 float dot_levels_avx2(const uint8_t* row, const float* x, int64_t n) {
    static_assert(Block % 32 == 0);
    Levels<Block> L;
    __m256 t0 = _mm256_setzero_ps(), t1 = t0;
    for (int64_t b = 0; b < n / Block; ++b) {
        const uint8_t* p = row + size_t(b) * Bytes;
        for (size_t off = 0; off < Bytes; off += 64)
            prefetch_ahead(p + off);
        Unpack(p, L);
        const float* xb = x + b * Block;
        for (int g = 0; g < Block / 16; g += 2) {
            t0 = _mm256_fmadd_ps(_mm256_set1_ps(L.scale[g]), dot16(L.q + 16 * g, xb + 16 * g), t0);
            t1 = _mm256_fmadd_ps(_mm256_set1_ps(L.scale[g + 1]), dot16(L.q + 16 * g + 16, xb + 16 * g + 16), t1);
        }
    }
    return hsum(_mm256_add_ps(t0, t1));
}

#define MOE_DOT_AVX2(Block, Bytes, Decode) (&dot_decoded_avx2<Block, Bytes, Decode>)
#define MOE_LEVELS_AVX2(Block, Bytes, Unpack) (&dot_levels_avx2<Block, Bytes, Unpack>)
#else
#define MOE_DOT_AVX2(Block, Bytes, Decode) nullptr
#define MOE_LEVELS_AVX2(Block, Bytes, Unpack) nullptr
#endif

// The codec of a format with a block decoder and an optional quantizer.
#define MOE_BLOCK_CODEC(Block, Bytes, Decode, Quantize)                                                                \
    BlockCodec {                                                                                                       \
        Block, Bytes, &dequantize_blocks<Block, Bytes, Decode>, Quantize, &dot_decoded<Block, Bytes, Decode>,          \
            MOE_DOT_AVX2(Block, Bytes, Decode)                                                                         \
    }

// The codec of a format that unpacks to Levels.
#define MOE_LEVELS_CODEC(Block, Bytes, Unpack, Quantize)                                                               \
    BlockCodec {                                                                                                       \
        Block, Bytes, &dequantize_blocks<Block, Bytes, decode_levels<Block, Unpack>>, Quantize,                        \
            &dot_decoded<Block, Bytes, decode_levels<Block, Unpack>>, MOE_LEVELS_AVX2(Block, Bytes, Unpack)            \
    }

} // namespace moe::quant_detail
