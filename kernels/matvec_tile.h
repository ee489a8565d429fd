#pragma once
// How a warp reads one quantized weight row in the mat-vec kernels, written
// for host and device alike so tests/tst_gpu_parity.cpp runs the same code
// on the CPU (no GPU needed to check the index arithmetic).
//
// A row is read in tiles of 32 chunks of 32 elements (32 blocks of
// Q8_0/Q4_0, 4 super-blocks of the K-quants): the warp copies a tile's
// bytes into shared memory with coalesced 16-byte loads (from the 16-byte
// boundary at or below the tile's first byte, since blocks of 18, 34 or 210
// bytes are only 2-aligned), then lane i decodes chunk i of the tile from
// there. A chunk decodes to 32 small integers q[l] and at most three scales:
// element l = (l < 16 ? a : b) * q[l] - m, so a dot product needs the scales
// once per chunk, not once per element: a·Σq·x + b·Σq·x - m·Σx.
#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#include <cuda_fp16.h>
#define MOE_HD __host__ __device__ __forceinline__
#else
#include <cstring>
#define MOE_HD inline
#endif
#if defined(__CUDA_ARCH__)
#define MOE_UNROLL _Pragma("unroll")
#else
#define MOE_UNROLL
#endif

namespace moe::cuda {

// ggml type ids (engine/quant/quant.h), repeated so device code needs no engine header.
enum : uint32_t {
    T_F32 = 0,
    T_F16 = 1,
    T_Q4_0 = 2,
    T_Q8_0 = 8,
    T_Q4_K = 12,
    T_Q5_K = 13,
    T_Q6_K = 14,
    T_BF16 = 30,
};

// Bytes of a block, and 32-element chunks per block.
template <uint32_t T> struct TypeInfo;
template <> struct TypeInfo<T_F32> {
    static constexpr int block_bytes = 128;
    static constexpr int chunks = 1;
};
template <> struct TypeInfo<T_F16> {
    static constexpr int block_bytes = 64;
    static constexpr int chunks = 1;
};
template <> struct TypeInfo<T_BF16> {
    static constexpr int block_bytes = 64;
    static constexpr int chunks = 1;
};
template <> struct TypeInfo<T_Q8_0> {
    static constexpr int block_bytes = 34;
    static constexpr int chunks = 1;
};
template <> struct TypeInfo<T_Q4_0> {
    static constexpr int block_bytes = 18;
    static constexpr int chunks = 1;
};
template <> struct TypeInfo<T_Q4_K> {
    static constexpr int block_bytes = 144;
    static constexpr int chunks = 8;
};
template <> struct TypeInfo<T_Q5_K> {
    static constexpr int block_bytes = 176;
    static constexpr int chunks = 8;
};
template <> struct TypeInfo<T_Q6_K> {
    static constexpr int block_bytes = 210;
    static constexpr int chunks = 8;
};

// Whether rows of this type are staged in tiles (block formats) or read
// directly with 16-byte loads per lane (F32/F16/BF16).
template <uint32_t T> constexpr bool kStaged = T != T_F32&& T != T_F16&& T != T_BF16;

// Tile geometry: 32 chunks, their bytes, and the 16-byte words staged for
// them (one more for the alignment shift).
template <uint32_t T> struct Tile {
    static constexpr int blocks = 32 / TypeInfo<T>::chunks;
    static constexpr int bytes = blocks * TypeInfo<T>::block_bytes;
    static constexpr int words = (bytes + 15) / 16 + 1;
};

// Tile `tile` of a row of n_chunks chunks: its chunks, the 16-byte-aligned
// address to copy from, the shift of the tile's first byte past it, and the
// 16-byte words to copy.
struct TileSpan {
    int chunks;
    uintptr_t aligned;
    int shift;
    int words;
};
template <uint32_t T> MOE_HD TileSpan tile_span(const uint8_t* row, int tile, int n_chunks) {
    TileSpan s;
    s.chunks = n_chunks - 32 * tile < 32 ? n_chunks - 32 * tile : 32;
    const uintptr_t src = reinterpret_cast<uintptr_t>(row) + uintptr_t(tile) * uintptr_t(Tile<T>::bytes);
    s.aligned = src & ~uintptr_t(15);
    s.shift = int(src - s.aligned);
    const int bytes = s.chunks / TypeInfo<T>::chunks * TypeInfo<T>::block_bytes;
    s.words = (s.shift + bytes + 15) / 16;
    return s;
}

MOE_HD float half_bits_to_float(uint16_t h) {
#if defined(__CUDA_ARCH__)
    return __half2float(__ushort_as_half(h));
#else
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1Fu, mant = h & 0x3FFu, bits;
    if (exp == 0 && mant == 0) {
        bits = sign;
    } else if (exp == 0) { // subnormal: normalise
        exp = 113;
        while (!(mant & 0x400u)) {
            mant <<= 1;
            --exp;
        }
        bits = sign | (exp << 23) | ((mant & 0x3FFu) << 13);
    } else if (exp == 31) {
        bits = sign | 0x7F800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
#endif
}

MOE_HD float load_half_le(const uint8_t* p) {
    return half_bits_to_float(uint16_t(p[0] | (p[1] << 8)));
}

// The 6-bit scale and min of sub-block j of a Q4_K/Q5_K super-block (scales at s).
MOE_HD void k_scale_min(const uint8_t* s, int j, int* sc, int* mn) {
    if (j < 4) {
        *sc = s[j] & 63;
        *mn = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4);
        *mn = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

// One chunk: element l = (l < 16 ? a : b) * q[l] - m.
struct Chunk {
    float q[32];
    float a, b, m;
};

// Chunk j (0..chunks-1) of the block at blk.
template <uint32_t T> MOE_HD void decode_chunk(const uint8_t* blk, int j, Chunk& c) {
    if constexpr (T == T_Q8_0) {
        c.a = c.b = load_half_le(blk);
        c.m = 0.0f;
        MOE_UNROLL
        for (int l = 0; l < 32; ++l)
            c.q[l] = float(int8_t(blk[2 + l]));
    } else if constexpr (T == T_Q4_0) {
        c.a = c.b = load_half_le(blk);
        c.m = 0.0f;
        MOE_UNROLL
        for (int l = 0; l < 16; ++l) {
            const int q = blk[2 + l];
            c.q[l] = float((q & 0x0F) - 8);
            c.q[l + 16] = float((q >> 4) - 8);
        }
    } else if constexpr (T == T_Q4_K || T == T_Q5_K) {
        // sub-block j: 64-element run j/2, low (j even) or high nibbles
        int sc, mn;
        k_scale_min(blk + 4, j, &sc, &mn);
        c.a = c.b = load_half_le(blk) * float(sc);
        c.m = load_half_le(blk + 2) * float(mn);
        const int run = j >> 1, shift = (j & 1) * 4;
        if constexpr (T == T_Q4_K) {
            const uint8_t* q = blk + 16 + 32 * run;
            MOE_UNROLL
            for (int l = 0; l < 32; ++l)
                c.q[l] = float((q[l] >> shift) & 0x0F);
        } else {
            const uint8_t* qh = blk + 16;
            const uint8_t* q = blk + 48 + 32 * run;
            MOE_UNROLL
            for (int l = 0; l < 32; ++l)
                c.q[l] = float(((q[l] >> shift) & 0x0F) + 16 * ((qh[l] >> j) & 1));
        }
    } else if constexpr (T == T_Q6_K) {
        // elements 128*half + 32*qq + l: low 4 bits from ql, high 2 from qh, 16 elements per scale
        const int half = j >> 2, qq = j & 3;
        const uint8_t* ql = blk + 64 * half + ((qq & 1) ? 32 : 0);
        const uint8_t* qh = blk + 128 + 32 * half;
        const int8_t* sc = reinterpret_cast<const int8_t*>(blk + 192) + 8 * half;
        const float d = load_half_le(blk + 208);
        c.a = d * float(sc[2 * qq]);
        c.b = d * float(sc[2 * qq + 1]);
        c.m = 0.0f;
        const int nshift = (qq >> 1) * 4, hshift = 2 * qq;
        MOE_UNROLL
        for (int l = 0; l < 32; ++l)
            c.q[l] = float((((ql[l] >> nshift) & 0x0F) | (((qh[l] >> hshift) & 3) << 4)) - 32);
    }
}

// Σ_l element(l) · x[l] for one chunk; x 16-byte aligned.
MOE_HD float chunk_dot(const Chunk& c, const float* x) {
    float s0 = 0.0f, s1 = 0.0f, sx = 0.0f;
#if defined(__CUDA_ARCH__)
    const float4* xp = reinterpret_cast<const float4*>(x);
    MOE_UNROLL
    for (int i = 0; i < 8; ++i) {
        const float4 f = xp[i];
        const float d = c.q[4 * i] * f.x + c.q[4 * i + 1] * f.y + c.q[4 * i + 2] * f.z + c.q[4 * i + 3] * f.w;
        if (i < 4) {
            s0 += d;
        } else {
            s1 += d;
        }
        sx += (f.x + f.y) + (f.z + f.w);
    }
#else
    for (int l = 0; l < 32; ++l) {
        (l < 16 ? s0 : s1) += c.q[l] * x[l];
        sx += x[l];
    }
#endif
    return c.a * s0 + c.b * s1 - c.m * sx;
}

} // namespace moe::cuda
