#include "moe.cuh"
#include "matvec_core.cuh"
#include "norm.cuh"

namespace moe::cuda {

MoeGroups MoeGroups::layout(void* base, int E, int B, int K) {
    auto* p = static_cast<int32_t*>(base);
    MoeGroups g;
    g.n_active = p;
    p += 1;
    g.act = p;
    p += E;
    g.act_start = p;
    p += E + 1;
    g.slot_token = p;
    p += size_t(B) * K;
    g.slot_weight = reinterpret_cast<float*>(p);
    p += size_t(B) * K;
    g.pair_slot = p;
    return g;
}

namespace {

constexpr int kWarps = 4;

// One warp per token.
__global__ void route_kernel(float* logits, int E, int K, bool sigmoid, bool norm_topk, int32_t* ids_out,
                             float* w_out, int stride) {
    const int t = blockIdx.x;
    const int lane = threadIdx.x;
    float* p = logits + size_t(t) * E;
    if (!sigmoid) {
        float mx = -INFINITY;
        for (int e = lane; e < E; e += 32) mx = fmaxf(mx, p[e]);
        mx = warp_max(mx);
        float sum = 0.0f;
        for (int e = lane; e < E; e += 32) {
            const float v = expf(p[e] - mx);
            p[e] = v;
            sum += v;
        }
        sum = warp_sum(sum);
        for (int e = lane; e < E; e += 32) p[e] = p[e] / sum;
    } else {
        for (int e = lane; e < E; e += 32) p[e] = 1.0f / (1.0f + expf(-p[e]));
    }
    __syncwarp();
    if (lane != 0) return;
    int32_t* ids = ids_out + size_t(t) * stride;
    float* w = w_out + size_t(t) * stride;
    // top-k by partial selection; ties go to the lower expert id (as the CPU twin)
    for (int j = 0; j < K; ++j) {
        int best = -1;
        for (int e = 0; e < E; ++e) {
            bool taken = false;
            for (int i = 0; i < j; ++i) taken = taken || ids[i] == e;
            if (!taken && (best < 0 || p[e] > p[best])) best = e;
        }
        ids[j] = best;
        w[j] = p[best];
    }
    if (norm_topk) {
        float sum = 0.0f;
        for (int j = 0; j < K; ++j) sum += w[j];
        for (int j = 0; j < K; ++j) w[j] /= sum;
    }
}

// One thread: counting sort of n*K pairs by expert (n*K and E are small: a few thousand at most).
__global__ void group_kernel(const int32_t* __restrict__ ids, const float* __restrict__ w, int stride, int n, int K,
                             int E, MoeGroups g) {
    if (threadIdx.x != 0 || blockIdx.x != 0) return;
    // act_start doubles as the per-expert counter array (E+1 entries) before compaction
    int32_t* cnt = g.act_start;
    for (int e = 0; e <= E; ++e) cnt[e] = 0;
    for (int t = 0; t < n; ++t)
        for (int j = 0; j < K; ++j) cnt[ids[size_t(t) * stride + j]] += 1;
    // exclusive prefix sum into act (used as start per expert, temporarily)
    int n_act = 0, acc = 0;
    for (int e = 0; e < E; ++e) {
        const int c = cnt[e];
        g.act[e] = acc;  // start of expert e
        acc += c;
    }
    // fill slots in token order, remembering each pair's slot
    for (int e = 0; e < E; ++e) cnt[e] = 0;
    for (int t = 0; t < n; ++t) {
        for (int j = 0; j < K; ++j) {
            const int e = ids[size_t(t) * stride + j];
            const int slot = g.act[e] + cnt[e]++;
            g.slot_token[slot] = t;
            g.slot_weight[slot] = w[size_t(t) * stride + j];
            g.pair_slot[t * K + j] = slot;
        }
    }
    // compact to the active experts: act[i] = id, act_start[i] = first slot
    int pos = 0;
    for (int e = 0; e < E; ++e) {
        if (cnt[e] > 0) {
            g.act[n_act] = e;
            g.act_start[n_act] = pos;
            pos += cnt[e];
            ++n_act;
        }
    }
    // (the compaction writes index n_act <= e, so counts of later experts are still unread-intact)
    g.act_start[n_act] = pos;
    *g.n_active = n_act;
}

enum class XMode { by_token, by_slot };

// grid (ceil(rows/kWarps), max_groups): block y handles active expert y, one warp per row.
// TWO: gate and up fused, out = silu(gate·x) * (up·x); else out = w·x.
template <uint32_t T, int NT, bool TWO, XMode XM>
__global__ void __launch_bounds__(kWarps * 32)
expert_kernel(DevExperts a, DevExperts b, const float* __restrict__ x, int ldx, MoeGroups g, float* __restrict__ out) {
    const int i = blockIdx.y;
    if (i >= *g.n_active) return;
    const int r = blockIdx.x * kWarps + (threadIdx.x >> 5);
    if (r >= a.rows) return;
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
        warp_row_dot<T, NT>(wa, n_chunks, xs, nt, acc);
        if constexpr (TWO) {
            float accb[NT];
            warp_row_dot<T, NT>(wb, n_chunks, xs, nt, accb);
#pragma unroll
            for (int t = 0; t < NT; ++t) acc[t] = acc[t] / (1.0f + expf(-acc[t])) * accb[t];
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
    const bool single = n_pairs <= max_groups;  // decode: (almost) one slot per expert
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

void launch_route(float* logits, int n, int E, int K, bool sigmoid, bool norm_topk, int32_t* ids_out, float* w_out,
                  int stride, cudaStream_t s) {
    if (n <= 0) return;
    route_kernel<<<n, 32, 0, s>>>(logits, E, K, sigmoid, norm_topk, ids_out, w_out, stride);
    CUDA_CHECK_LAUNCH();
}

void launch_group(const int32_t* ids, const float* w, int stride, int n, int K, int E, const MoeGroups& g,
                  cudaStream_t s) {
    group_kernel<<<1, 32, 0, s>>>(ids, w, stride, n, K, E, g);
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

void launch_expert_down(const DevExperts& down, const float* h, const MoeGroups& g, int max_groups, int n_pairs,
                        float* y, cudaStream_t s) {
    launch_expert<false, XMode::by_slot>(down, down, h, down.cols, g, max_groups, n_pairs, y, s);
}

void launch_combine(float* x, const float* y, const MoeGroups& g, int n, int K, int D, const float* sh_y,
                    const float* sh_gate, bool gated, cudaStream_t s) {
    if (n <= 0) return;
    combine_kernel<<<n, 256, 0, s>>>(x, y, g, K, D, sh_y, sh_gate, gated);
    CUDA_CHECK_LAUNCH();
}

} // namespace moe::cuda
