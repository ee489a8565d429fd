#pragma once
// The inner loop shared by every mat-vec kernel (dense and expert): one warp
// computes one output row for up to NT input vectors, each lane decoding
// 32-element chunks of the row in registers and reusing them for every vector.
// Device code only.
#include "dequant.cuh"

namespace moe::cuda {

template <uint32_t T, int NT>
__device__ __forceinline__ void warp_row_dot(const uint8_t* __restrict__ wrow, int n_chunks,
                                             const float* const* xs, int nt, float* acc) {
    const int lane = threadIdx.x & 31;
#pragma unroll
    for (int t = 0; t < NT; ++t) acc[t] = 0.0f;
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
#pragma unroll
    for (int t = 0; t < NT; ++t) acc[t] = warp_sum(acc[t]);
}

// Calls f.template operator()<T>() with the compile-time type; false when unsupported.
template <typename F>
__host__ bool dispatch_type(uint32_t type, F&& f) {
    switch (type) {
    case T_F32: f.template operator()<T_F32>(); return true;
    case T_F16: f.template operator()<T_F16>(); return true;
    case T_BF16: f.template operator()<T_BF16>(); return true;
    case T_Q8_0: f.template operator()<T_Q8_0>(); return true;
    case T_Q4_0: f.template operator()<T_Q4_0>(); return true;
    case T_Q4_K: f.template operator()<T_Q4_K>(); return true;
    case T_Q5_K: f.template operator()<T_Q5_K>(); return true;
    case T_Q6_K: f.template operator()<T_Q6_K>(); return true;
    default: return false;
    }
}

} // namespace moe::cuda
