#pragma once
// Attention and expert activations as gpt-oss and Granite MoE ask for them
// (engine/model/arch_oss_granite.cpp): a softmax scale of the model's own,
// a sliding window over a per-block ring cache, learned per-head sink logits,
// and the experts' biased, clamped SwiGLU.
#include "cpu/moe_groups.h"
#include "cpu/parallel.h"
#include "model/model.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>

namespace moe {

class ThreadPool;

namespace cpu {

// Rows [0, n) of k and v (kv_dim wide) stored at positions pos0 + t of a
// block's cache of `cap` rows: row p % cap (a ring; cap is n_ctx for a block
// that sees every position, and window + batch for a windowed one, so a
// batch never overwrites a row one of its own tokens still sees).
void kv_store(const float* k, const float* v, int n, size_t kv_dim, float* k_cache, float* v_cache, int cap, int pos0);

// out (n, n_head*hd): token t, head h attends over the positions p <= pos0 + t
// with pos0 + t - p < window (window 0: all), held in rows p % cap of the
// caches; softmax of scale·q·k with sinks[h] as one more logit in the
// denominator when sinks is not null. scores: a row of at least min(cap, pos0 + n)
// floats per pool thread, ld_scores apart.
void attention_window(const float* q, const float* k_cache, const float* v_cache, int cap, float* out, int pos0, int n,
    int n_head, int n_kv, int hd, float scale, int window, const float* sinks, float* scores, size_t ld_scores,
    ThreadPool* pool);

// How an expert's gate and up rows become its hidden activation when it is
// not plain silu(gate)·up: biases per expert (gpt-oss) and the clamped
// SwiGLU of gpt-oss (ggml's swiglu_oai).
struct ExpertGlu {
    bool oai = false;
    std::span<const Vector> gate_b, up_b; // per expert, or empty
};

// h = act(gate + b_gate, up + b_up) of row r of expert e (glu null: silu(gate)·up).
inline float expert_glu(const ExpertGlu* glu, int e, int64_t r, float gate, float up) {
    if (!glu) return silu(gate) * up;
    if (!glu->gate_b.empty()) {
        gate += glu->gate_b[size_t(e)].data[r];
        up += glu->up_b[size_t(e)].data[r];
    }
    if (!glu->oai) return silu(gate) * up;
    constexpr float alpha = 1.702f, limit = 7.0f;
    const float x = std::min(gate, limit);
    const float y = std::clamp(up, -limit, limit);
    return x / (1.0f + std::exp(alpha * -x)) * (y + 1.0f);
}

// y[slot] += b[e] for every slot of every active expert e (the down projection's bias).
void add_expert_bias(std::span<const Vector> b, const MoeGroups& g, float* y, int width);

// x[i] *= s, i < n.
void scale(float* x, size_t n, float s);

} // namespace cpu
} // namespace moe
