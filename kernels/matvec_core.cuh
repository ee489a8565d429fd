#pragma once
// The inner loop shared by every mat-vec kernel (dense and expert): one warp
// computes one output row for up to NT input vectors; block formats are read
// in tiles staged through shared memory (matvec_tile.h), each lane decoding
// one 32-element chunk in registers and reusing it for every vector.
// Device code only.
#include "dequant.cuh"

namespace moe::cuda {

// Shared-memory words one warp stages a tile of type T in (matvec_tile.h); 1 for unstaged types.
template <uint32_t T> constexpr int stage_words() {
    if constexpr (kStaged<T>) {
        return Tile<T>::words;
    } else {
        return 1;
    }
}

// acc[t] = row · xs[t] for t < nt (NT at most), reduced over the warp: every
// lane holds the result. stage: this warp's stage_words<T>() words of shared memory.
template <uint32_t T, int NT>
__device__ __forceinline__ void warp_row_dot(
    const uint8_t* __restrict__ wrow, int n_chunks, const float* const* xs, int nt, float* acc, uint4* stage) {
    const int lane = threadIdx.x & 31;
#pragma unroll
    for (int t = 0; t < NT; ++t)
        acc[t] = 0.0f;
    if constexpr (!kStaged<T>) {
        // F32/F16/BF16: each lane reads its chunks with 16-byte loads directly
        for (int c = lane; c < n_chunks; c += 32) {
            float v[32];
            dequant_chunk<T>(wrow, c, v);
#pragma unroll
            for (int t = 0; t < NT; ++t) {
                if (t < nt) {
                    const float4* xp = reinterpret_cast<const float4*>(xs[t] + size_t(c) * 32);
                    float a = 0.0f;
#pragma unroll
                    for (int i = 0; i < 8; ++i) {
                        const float4 f = xp[i];
                        a += v[4 * i] * f.x + v[4 * i + 1] * f.y + v[4 * i + 2] * f.z + v[4 * i + 3] * f.w;
                    }
                    acc[t] += a;
                }
            }
        }
    } else {
        // block formats: the warp stages a tile with coalesced 16-byte loads, lane i decodes chunk i of it
        constexpr int C = TypeInfo<T>::chunks, BB = TypeInfo<T>::block_bytes;
        const int n_tiles = (n_chunks + 31) / 32;
        for (int tile = 0; tile < n_tiles; ++tile) {
            const TileSpan sp = tile_span<T>(wrow, tile, n_chunks);
            const uint4* src = reinterpret_cast<const uint4*>(sp.aligned);
            for (int i = lane; i < sp.words; i += 32)
                stage[i] = __ldg(src + i);
            __syncwarp();
            if (lane < sp.chunks) {
                Chunk ch;
                decode_chunk<T>(reinterpret_cast<const uint8_t*>(stage) + sp.shift + (lane / C) * BB, lane % C, ch);
                const size_t c = size_t(tile) * 32 + size_t(lane);
#pragma unroll
                for (int t = 0; t < NT; ++t)
                    if (t < nt) acc[t] += chunk_dot(ch, xs[t] + c * 32);
            }
            __syncwarp(); // the next tile overwrites the stage
        }
    }
#pragma unroll
    for (int t = 0; t < NT; ++t)
        acc[t] = warp_sum(acc[t]);
}

// Calls f.template operator()<T>() with the compile-time type; false when unsupported.
template <typename F> __host__ bool dispatch_type(uint32_t type, F&& f) {
    switch (type) {
    case T_F32:
        f.template operator()<T_F32>();
        return true;
    case T_F16:
        f.template operator()<T_F16>();
        return true;
    case T_BF16:
        f.template operator()<T_BF16>();
        return true;
    case T_Q8_0:
        f.template operator()<T_Q8_0>();
        return true;
    case T_Q4_0:
        f.template operator()<T_Q4_0>();
        return true;
    case T_Q4_K:
        f.template operator()<T_Q4_K>();
        return true;
    case T_Q5_K:
        f.template operator()<T_Q5_K>();
        return true;
    case T_Q6_K:
        f.template operator()<T_Q6_K>();
        return true;
    default:
        return false;
    }
}

} // namespace moe::cuda
