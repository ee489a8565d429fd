#pragma once
// DeviceRunState: the CPU backend's RunState (engine/cpu/cpu_backend.cpp),
// field for field, in device memory, plus the few buffers only the GPU
// needs. Every buffer is listed once, in DeviceRunState::layout, which runs
// twice over an Arena: first without a base (planning: sizes only, so the
// total is known and checked against free memory before anything is
// allocated), then over the one allocation (binding the pointers).
#include "cpu/moe_groups.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace moe::cuda {

// Hands out 256-byte-aligned pieces of one allocation. Without a base it only
// counts, and the pointers it returns are null.
class Arena {
public:
    static constexpr size_t kAlign = 256;
    explicit Arena(uint8_t* base = nullptr)
        : m_base(base) { }

    template <typename T> T* take(size_t count) { return reinterpret_cast<T*>(take_bytes(count * sizeof(T))); }
    uint8_t* take_bytes(size_t bytes) {
        const size_t off = m_size;
        m_size += (std::max<size_t>(bytes, 1) + kAlign - 1) / kAlign * kAlign;
        return m_base ? m_base + off : nullptr;
    }
    size_t size() const { return m_size; }
    bool binding() const { return m_base != nullptr; }

private:
    uint8_t* m_base;
    size_t m_size = 0;
};

// The sizes a run state is planned for (B = max_batch, K = experts per token,
// 1 for dense models, E = experts, 1 for dense models).
struct RunShape {
    size_t B = 1, D = 0, q_dim = 0, kv_dim = 0, F = 0, SF = 1, V = 0, E = 1, K = 1;
    size_t n_layer = 0, n_ctx = 0, half_hd = 0, n_route = 1; // n_route = B * n_moe_layers * top_k
    size_t gemm_floats = 0; // dequantized weight slab for cuBLAS (0: no cuBLAS path)
    size_t cublas_ws_bytes = 0;
};

struct DeviceRunState {
    float* x = nullptr; // (B, n_embd) residual stream
    float* xn = nullptr; // (B, n_embd) normed input of a block
    float* q = nullptr; // (B, n_head*head_dim)
    float* k = nullptr; // (B, n_kv*head_dim)
    float* v = nullptr; // (B, n_kv*head_dim)
    float* att = nullptr; // (B, n_head*head_dim) attention output before wo
    float* proj = nullptr; // (B, n_embd) output of wo
    float* router = nullptr; // (B, n_expert) router logits, then probabilities
    float* h = nullptr; // (B*top_k, n_ff) expert hidden activations, grouped by expert
    float* y = nullptr; // (B*top_k, n_embd) expert outputs before weighting
    float* sh_h = nullptr; // (B, n_ff_shexp) shared expert hidden
    float* sh_u = nullptr; // (B, n_ff_shexp) shared expert up projection
    float* sh_y = nullptr; // (B, n_embd) shared expert output
    float* sh_gate = nullptr; // (B) shared expert gate logits
    float* logits = nullptr; // (B, n_vocab)
    float* k_cache = nullptr; // (n_layer, n_ctx, n_kv*head_dim)
    float* v_cache = nullptr; // (n_layer, n_ctx, n_kv*head_dim)
    float* inv_freq = nullptr; // (head_dim/2) RoPE frequencies
    int32_t* route_ids = nullptr; // (B, n_moe_layer, top_k)
    float* route_w = nullptr; // (B, n_moe_layer, top_k)
    int32_t* dense_ids = nullptr; // (B) dense models: every token to expert 0 ...
    float* dense_w = nullptr; // (B) ... with weight 1
    MoeGroups groups; // (token, slot) pairs grouped by expert
    // GPU only
    int32_t* io = nullptr; // (1 + B) [pos0, tokens...]: a replayed graph reads its position here
    float* u = nullptr; // (B*top_k, n_ff) up projections when gate and up types differ
    float* gemm = nullptr; // (gemm_floats) dequantized weight rows for cuBLAS (null: none)
    void* cublas_ws = nullptr; // cuBLAS workspace

    // Places every buffer in the arena; returns the bytes of the KV cache (placed first).
    size_t layout(Arena& a, const RunShape& s) {
        const size_t kv = s.n_layer * s.n_ctx * s.kv_dim;
        const size_t start = a.size();
        k_cache = a.take<float>(kv);
        v_cache = a.take<float>(kv);
        const size_t kv_bytes = a.size() - start;
        x = a.take<float>(s.B * s.D);
        xn = a.take<float>(s.B * s.D);
        q = a.take<float>(s.B * s.q_dim);
        k = a.take<float>(s.B * s.kv_dim);
        v = a.take<float>(s.B * s.kv_dim);
        att = a.take<float>(s.B * s.q_dim);
        proj = a.take<float>(s.B * s.D);
        router = a.take<float>(s.B * s.E);
        h = a.take<float>(s.B * s.K * s.F);
        y = a.take<float>(s.B * s.K * s.D);
        sh_h = a.take<float>(s.B * s.SF);
        sh_u = a.take<float>(s.B * s.SF);
        sh_y = a.take<float>(s.B * s.D);
        sh_gate = a.take<float>(s.B);
        logits = a.take<float>(s.B * s.V);
        inv_freq = a.take<float>(s.half_hd);
        route_ids = a.take<int32_t>(s.n_route);
        route_w = a.take<float>(s.n_route);
        dense_ids = a.take<int32_t>(s.B);
        dense_w = a.take<float>(s.B);
        int32_t* group_buf = a.take<int32_t>(MoeGroups::words(int(s.E), int(s.B), int(s.K)));
        groups = a.binding() ? MoeGroups::layout(group_buf, int(s.E), int(s.B), int(s.K)) : MoeGroups {};
        io = a.take<int32_t>(s.B + 1);
        u = a.take<float>(s.B * s.K * s.F);
        gemm = s.gemm_floats ? a.take<float>(s.gemm_floats) : nullptr;
        cublas_ws = a.take_bytes(s.cublas_ws_bytes);
        return kv_bytes;
    }
};

} // namespace moe::cuda
