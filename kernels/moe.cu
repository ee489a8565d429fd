#include "matvec_core.cuh"
#include "moe.cuh"
#include "norm.cuh"

#include "error.h"

#include <string>

namespace moe::cuda {

namespace {

constexpr int kWarps = 4;
constexpr int kRouteMaxPerLane = 16; // experts per lane held in registers: E <= 512
constexpr int kGroupThreads = 256;
constexpr unsigned kFull = 0xffffffffu;

// One warp per token: expert e = 32*i + lane sits in register v[i] of its lane
// (loads coalesced), softmax/sigmoid by warp reductions, then K rounds of
// warp argmax; lane j keeps the j-th pick. NPL = experts per lane.
template <int NPL>
__global__ void __launch_bounds__(kWarps * 32) route_kernel(float* logits, int n, int E, int K, bool sigmoid,
    bool norm_topk, int32_t* ids_out, float* w_out, int stride, MoeGroups g, bool write_groups) {
    const int t = int(blockIdx.x) * kWarps + int(threadIdx.x >> 5);
    const int lane = int(threadIdx.x & 31);
    if (t >= n) return; // whole warps leave together: the shuffles below see full warps
    float* p = logits + size_t(t) * size_t(E);
    float v[NPL];
#pragma unroll
    for (int i = 0; i < NPL; ++i) {
        const int e = 32 * i + lane;
        v[i] = e < E ? p[e] : -INFINITY;
    }
    if (!sigmoid) {
        float mx = -INFINITY;
#pragma unroll
        for (int i = 0; i < NPL; ++i)
            mx = fmaxf(mx, v[i]);
        mx = warp_max(mx);
        float sum = 0.0f;
#pragma unroll
        for (int i = 0; i < NPL; ++i) {
            if (32 * i + lane < E) {
                v[i] = expf(v[i] - mx);
                sum += v[i];
            }
        }
        sum = warp_sum(sum);
#pragma unroll
        for (int i = 0; i < NPL; ++i)
            if (32 * i + lane < E) v[i] = v[i] / sum;
    } else {
#pragma unroll
        for (int i = 0; i < NPL; ++i)
            if (32 * i + lane < E) v[i] = 1.0f / (1.0f + expf(-v[i]));
    }
#pragma unroll
    for (int i = 0; i < NPL; ++i)
        if (32 * i + lane < E) p[32 * i + lane] = v[i]; // the probabilities, as the CPU twin leaves them

    // top-k: each round every lane offers its best untaken expert, the warp
    // keeps the largest (ties to the lower id, as the CPU twin), its lane marks it taken
    uint32_t taken = 0; // bit i: v[i] taken
    float my_w = 0.0f, wsum = 0.0f;
    int my_id = 0;
    for (int j = 0; j < K; ++j) {
        float bv = -INFINITY;
        int bi = 0x7fffffff;
#pragma unroll
        for (int i = 0; i < NPL; ++i) {
            if (32 * i + lane < E && !((taken >> i) & 1u) && (bi == 0x7fffffff || v[i] > bv)) {
                bv = v[i];
                bi = 32 * i + lane;
            }
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) {
            const float ov = __shfl_xor_sync(kFull, bv, o);
            const int oi = __shfl_xor_sync(kFull, bi, o);
            if (oi != 0x7fffffff && (bi == 0x7fffffff || ov > bv || (ov == bv && oi < bi))) {
                bv = ov;
                bi = oi;
            }
        }
        if ((bi & 31) == lane) taken |= 1u << (bi >> 5);
        if (lane == j) {
            my_w = bv;
            my_id = bi;
        }
        wsum += bv; // in pick order, as the CPU twin sums
    }
    if (norm_topk) my_w = my_w / wsum;
    if (lane < K) {
        ids_out[size_t(t) * size_t(stride) + size_t(lane)] = my_id;
        w_out[size_t(t) * size_t(stride) + size_t(lane)] = my_w;
    }
    if (!write_groups) return;
    // one token: its K experts are distinct, so expert i in ascending order owns slot i
    int rank = 0;
    for (int m = 0; m < K; ++m) {
        const int other = __shfl_sync(kFull, my_id, m);
        rank += other < my_id;
    }
    if (lane < K) {
        g.act[rank] = my_id;
        g.act_start[rank] = rank;
        g.slot_token[rank] = 0;
        g.slot_weight[rank] = my_w;
        g.pair_slot[lane] = rank;
    }
    if (lane == 0) {
        g.act_start[K] = K;
        *g.n_active = K;
    }
}

// One block: per-expert counts by shared-memory atomics, then warp 0 scans
// them (slot starts and the compacted active list, 32 experts per step),
// then every pair finds its slot: its expert's start plus the pairs of the
// same expert before it (token order within an expert, as the CPU twin).
// Dynamic shared memory: (2E + 1 + n*K) ints when SMEM, (2E + 1) otherwise.
template <bool SMEM>
__global__ void __launch_bounds__(kGroupThreads) group_kernel(
    const int32_t* __restrict__ ids, const float* __restrict__ w, int stride, int n, int K, int E, MoeGroups g) {
    extern __shared__ int32_t sm[];
    int32_t* cnt = sm; // (E)
    int32_t* start = sm + E; // (E + 1)
    int32_t* pid = sm + 2 * E + 1; // (n*K) expert of pair p, when SMEM
    const int P = n * K;
    const int tid = int(threadIdx.x);
    auto id_of = [&](int p) { return SMEM ? pid[p] : ids[size_t(p / K) * size_t(stride) + size_t(p % K)]; };
    for (int e = tid; e < E; e += blockDim.x)
        cnt[e] = 0;
    if (SMEM)
        for (int p = tid; p < P; p += blockDim.x)
            pid[p] = ids[size_t(p / K) * size_t(stride) + size_t(p % K)];
    __syncthreads();
    for (int p = tid; p < P; p += blockDim.x)
        atomicAdd(&cnt[id_of(p)], 1);
    __syncthreads();
    if (tid < 32) {
        const int lane = tid;
        int base = 0, abase = 0;
        for (int e0 = 0; e0 < E; e0 += 32) {
            const int e = e0 + lane;
            const int c = e < E ? cnt[e] : 0;
            const int a = c > 0 ? 1 : 0;
            int sc = c, sa = a; // inclusive scans over the lanes
#pragma unroll
            for (int o = 1; o < 32; o <<= 1) {
                const int yc = __shfl_up_sync(kFull, sc, o);
                const int ya = __shfl_up_sync(kFull, sa, o);
                if (lane >= o) {
                    sc += yc;
                    sa += ya;
                }
            }
            if (e < E) {
                start[e] = base + sc - c;
                if (a) {
                    g.act[abase + sa - 1] = e;
                    g.act_start[abase + sa - 1] = base + sc - c;
                }
            }
            base += __shfl_sync(kFull, sc, 31);
            abase += __shfl_sync(kFull, sa, 31);
        }
        if (lane == 0) {
            g.act_start[abase] = base;
            *g.n_active = abase;
        }
    }
    __syncthreads();
    for (int p = tid; p < P; p += blockDim.x) {
        const int e = id_of(p);
        int rank = 0;
        for (int q = 0; q < p; ++q)
            rank += id_of(q) == e;
        const int slot = start[e] + rank;
        g.slot_token[slot] = p / K;
        g.slot_weight[slot] = w[size_t(p / K) * size_t(stride) + size_t(p % K)];
        g.pair_slot[p] = slot;
    }
}

enum class XMode { by_token, by_slot };

// grid (ceil(rows/kWarps), max_groups): block y handles active expert y, one warp per row.
// TWO: gate and up fused, out = silu(gate·x) * (up·x); else out = w·x.
template <uint32_t T, int NT, bool TWO, XMode XM>
__global__ void __launch_bounds__(kWarps * 32) expert_kernel(
    DevExperts a, DevExperts b, const float* __restrict__ x, int ldx, MoeGroups g, float* __restrict__ out) {
    __shared__ uint4 stage[kWarps * stage_words<T>()];
    const int i = blockIdx.y;
    if (i >= *g.n_active) return;
    const int warp = threadIdx.x >> 5;
    const int r = blockIdx.x * kWarps + warp;
    if (r >= a.rows) return; // the whole warp
    uint4* my_stage = stage + warp * stage_words<T>();
    const int e = g.act[i];
    const int s0 = g.act_start[i], s1 = g.act_start[i + 1];
    const uint8_t* wa = a.data + size_t(e) * a.expert_stride + size_t(r) * a.row_bytes;
    const uint8_t* wb = TWO ? b.data + size_t(e) * b.expert_stride + size_t(r) * b.row_bytes : nullptr;
    const int n_chunks = a.cols / 32;
    for (int s = s0; s < s1; s += NT) {
        const int nt = min(NT, s1 - s);
        const float* xs[NT];
#pragma unroll
        for (int t = 0; t < NT; ++t) {
            const int slot = s + (t < nt ? t : 0);
            xs[t] = XM == XMode::by_token ? x + size_t(g.slot_token[slot]) * ldx : x + size_t(slot) * ldx;
        }
        float acc[NT];
        warp_row_dot<T, NT>(wa, n_chunks, xs, nt, acc, my_stage);
        if constexpr (TWO) {
            float accb[NT];
            warp_row_dot<T, NT>(wb, n_chunks, xs, nt, accb, my_stage);
#pragma unroll
            for (int t = 0; t < NT; ++t)
                acc[t] = acc[t] / (1.0f + expf(-acc[t])) * accb[t];
        }
        if ((threadIdx.x & 31) == 0) {
#pragma unroll
            for (int t = 0; t < NT; ++t) {
                if (t < nt) out[size_t(s + t) * a.rows + r] = acc[t];
            }
        }
    }
}

template <bool TWO, XMode XM>
void launch_expert(const DevExperts& a, const DevExperts& b, const float* x, int ldx, const MoeGroups& g,
    int max_groups, int n_pairs, float* out, cudaStream_t s) {
    const dim3 grid((a.rows + kWarps - 1) / kWarps, max_groups);
    const dim3 block(kWarps * 32);
    const bool single = n_pairs <= max_groups; // decode: (almost) one slot per expert
    dispatch_type(a.type, [&]<uint32_t T>() {
        if (single) {
            expert_kernel<T, 1, TWO, XM><<<grid, block, 0, s>>>(a, b, x, ldx, g, out);
        } else {
            expert_kernel<T, 8, TWO, XM><<<grid, block, 0, s>>>(a, b, x, ldx, g, out);
        }
    });
    CUDA_CHECK_LAUNCH();
}

__global__ void combine_kernel(float* x, const float* __restrict__ y, MoeGroups g, int K, int D,
    const float* __restrict__ sh_y, const float* __restrict__ sh_gate, bool gated) {
    const int t = blockIdx.x;
    float gt = 1.0f;
    if (sh_y && gated) gt = 1.0f / (1.0f + expf(-sh_gate[t]));
    for (int i = threadIdx.x; i < D; i += blockDim.x) {
        float p = 0.0f;
        for (int j = 0; j < K; ++j) {
            const int slot = g.pair_slot[t * K + j];
            p += g.slot_weight[slot] * y[size_t(slot) * D + i];
        }
        if (sh_y) p += gt * sh_y[size_t(t) * D + i];
        x[size_t(t) * D + i] += p;
    }
}

} // namespace

int route_max_experts() {
    return 32 * kRouteMaxPerLane;
}

void launch_route(float* logits, int n, int E, int K, bool sigmoid, bool norm_topk, int32_t* ids_out, float* w_out,
    int stride, const MoeGroups* single, cudaStream_t s) {
    if (n <= 0) return;
    if (E > route_max_experts() || K > 32 || K > E) {
        throw Error("the CUDA router takes at most " + std::to_string(route_max_experts())
            + " experts and top-32 (asked: " + std::to_string(E) + " experts, top-" + std::to_string(K) + ")");
    }
    const bool groups = single && n == 1;
    const MoeGroups g = groups ? *single : MoeGroups {};
    const dim3 grid((n + kWarps - 1) / kWarps), block(kWarps * 32);
    const int npl = (E + 31) / 32;
    if (npl <= 1) {
        route_kernel<1><<<grid, block, 0, s>>>(logits, n, E, K, sigmoid, norm_topk, ids_out, w_out, stride, g, groups);
    } else if (npl <= 2) {
        route_kernel<2><<<grid, block, 0, s>>>(logits, n, E, K, sigmoid, norm_topk, ids_out, w_out, stride, g, groups);
    } else if (npl <= 4) {
        route_kernel<4><<<grid, block, 0, s>>>(logits, n, E, K, sigmoid, norm_topk, ids_out, w_out, stride, g, groups);
    } else if (npl <= 8) {
        route_kernel<8><<<grid, block, 0, s>>>(logits, n, E, K, sigmoid, norm_topk, ids_out, w_out, stride, g, groups);
    } else {
        route_kernel<16><<<grid, block, 0, s>>>(logits, n, E, K, sigmoid, norm_topk, ids_out, w_out, stride, g, groups);
    }
    CUDA_CHECK_LAUNCH();
}

void launch_group(
    const int32_t* ids, const float* w, int stride, int n, int K, int E, const MoeGroups& g, cudaStream_t s) {
    if (n <= 0) return;
    const size_t base = size_t(2 * E + 1) * sizeof(int32_t);
    const size_t pairs = size_t(n) * size_t(K) * sizeof(int32_t);
    if (base + pairs <= 48 * 1024) {
        group_kernel<true><<<1, kGroupThreads, base + pairs, s>>>(ids, w, stride, n, K, E, g);
    } else {
        group_kernel<false><<<1, kGroupThreads, base, s>>>(ids, w, stride, n, K, E, g);
    }
    CUDA_CHECK_LAUNCH();
}

void launch_expert_gate_up(const DevExperts& gate, const DevExperts& up, const float* xn, int ldx, const MoeGroups& g,
    int max_groups, int n_pairs, float* h, float* u_scratch, cudaStream_t s) {
    if (gate.type == up.type) {
        launch_expert<true, XMode::by_token>(gate, up, xn, ldx, g, max_groups, n_pairs, h, s);
        return;
    }
    // mixed types: two passes, then silu(gate) * up
    launch_expert<false, XMode::by_token>(gate, gate, xn, ldx, g, max_groups, n_pairs, h, s);
    launch_expert<false, XMode::by_token>(up, up, xn, ldx, g, max_groups, n_pairs, u_scratch, s);
    launch_silu_mul(h, u_scratch, size_t(n_pairs) * size_t(gate.rows), s);
}

void launch_expert_down(
    const DevExperts& down, const float* h, const MoeGroups& g, int max_groups, int n_pairs, float* y, cudaStream_t s) {
    launch_expert<false, XMode::by_slot>(down, down, h, down.cols, g, max_groups, n_pairs, y, s);
}

void launch_combine(float* x, const float* y, const MoeGroups& g, int n, int K, int D, const float* sh_y,
    const float* sh_gate, bool gated, cudaStream_t s) {
    if (n <= 0) return;
    combine_kernel<<<n, 256, 0, s>>>(x, y, g, K, D, sh_y, sh_gate, gated);
    CUDA_CHECK_LAUNCH();
}

} // namespace moe::cuda
