#pragma once
// Dequantization in registers, bit-exact with engine/quant/quant.cpp (for
// token embeddings and the slabs cuBLAS multiplies; the mat-vec kernels read
// rows through matvec_tile.h instead): every
// supported type decoded 32 elements ("a chunk") at a time. A chunk is one
// block of Q8_0/Q4_0, an eighth of a Q4_K/Q5_K/Q6_K super-block, 32
// elements of F32/F16/BF16. Products are written with __fmul_rn/__fsub_rn so
// nvcc cannot contract them into FMAs that the CPU code does not do.
// Device code only: include from .cu files.
#include "common.cuh"
#include "matvec_tile.h"

namespace moe::cuda {

// v[0..32) = elements [32*chunk, 32*chunk + 32) of the row starting at `row`.
template <uint32_t T>
__device__ __forceinline__ void dequant_chunk(const uint8_t* __restrict__ row, int chunk, float* __restrict__ v) {
    if constexpr (T == T_F32) {
        const float4* p = reinterpret_cast<const float4*>(row + size_t(chunk) * 128);
#pragma unroll
        for (int i = 0; i < 8; ++i) {
            const float4 f = __ldg(p + i);
            v[4 * i] = f.x;
            v[4 * i + 1] = f.y;
            v[4 * i + 2] = f.z;
            v[4 * i + 3] = f.w;
        }
    } else if constexpr (T == T_F16 || T == T_BF16) {
        const uint4* p = reinterpret_cast<const uint4*>(row + size_t(chunk) * 64);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const uint4 u = __ldg(p + i);
            const uint32_t w[4] = { u.x, u.y, u.z, u.w };
#pragma unroll
            for (int k = 0; k < 4; ++k) {
                const uint16_t lo = uint16_t(w[k] & 0xFFFFu), hi = uint16_t(w[k] >> 16);
                if constexpr (T == T_F16) {
                    v[8 * i + 2 * k] = __half2float(__ushort_as_half(lo));
                    v[8 * i + 2 * k + 1] = __half2float(__ushort_as_half(hi));
                } else {
                    v[8 * i + 2 * k] = bf16_bits_to_float(lo);
                    v[8 * i + 2 * k + 1] = bf16_bits_to_float(hi);
                }
            }
        }
    } else if constexpr (T == T_Q8_0) {
        const uint8_t* b = row + size_t(chunk) * 34;
        const float d = load_half(b);
        const int8_t* q = reinterpret_cast<const int8_t*>(b + 2);
#pragma unroll
        for (int j = 0; j < 32; ++j)
            v[j] = __fmul_rn(float(q[j]), d);
    } else if constexpr (T == T_Q4_0) {
        const uint8_t* b = row + size_t(chunk) * 18;
        const float d = load_half(b);
        const uint8_t* qs = b + 2;
#pragma unroll
        for (int j = 0; j < 16; ++j) {
            const int q = qs[j];
            v[j] = __fmul_rn(float((q & 0x0F) - 8), d);
            v[j + 16] = __fmul_rn(float((q >> 4) - 8), d);
        }
    } else if constexpr (T == T_Q4_K || T == T_Q5_K) {
        const uint8_t* b = row + size_t(chunk >> 3) * TypeInfo<T>::block_bytes;
        const int j = chunk & 7; // sub-block: 64-element run c = j/2, low (j even) or high nibbles
        const float d = load_half(b);
        const float dmin = load_half(b + 2);
        int sc, mn;
        k_scale_min(b + 4, j, &sc, &mn);
        const float d1 = __fmul_rn(d, float(sc)), m1 = __fmul_rn(dmin, float(mn));
        const int c = j >> 1, shift = (j & 1) * 4;
        if constexpr (T == T_Q4_K) {
            const uint8_t* q = b + 16 + 32 * c;
#pragma unroll
            for (int l = 0; l < 32; ++l)
                v[l] = __fsub_rn(__fmul_rn(d1, float((q[l] >> shift) & 0x0F)), m1);
        } else {
            const uint8_t* qh = b + 16;
            const uint8_t* q = b + 48 + 32 * c;
#pragma unroll
            for (int l = 0; l < 32; ++l) {
                const int h = (qh[l] >> j) & 1; // bit 2c (low half) or 2c+1 (high half) = bit j
                v[l] = __fsub_rn(__fmul_rn(d1, float(((q[l] >> shift) & 0x0F) + 16 * h)), m1);
            }
        }
    } else if constexpr (T == T_Q6_K) {
        const uint8_t* b = row + size_t(chunk >> 3) * 210;
        const int j = chunk & 7;
        const int half = j >> 2, qq = j & 3; // elements 128*half + 32*qq + l
        const uint8_t* ql = b + 64 * half;
        const uint8_t* qh = b + 128 + 32 * half;
        const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192) + 8 * half;
        const float d = load_half(b + 208);
        const uint8_t* qlo = ql + ((qq & 1) ? 32 : 0);
        const int nshift = (qq >> 1) * 4, hshift = 2 * qq;
        const float s0 = __fmul_rn(d, float(sc[2 * qq])), s1 = __fmul_rn(d, float(sc[2 * qq + 1]));
#pragma unroll
        for (int l = 0; l < 32; ++l) {
            const int q = (((qlo[l] >> nshift) & 0x0F) | (((qh[l] >> hshift) & 3) << 4)) - 32;
            v[l] = __fmul_rn(l < 16 ? s0 : s1, float(q));
        }
    }
}

} // namespace moe::cuda
