#include "cpu/llama4_ops.h"

#include "cpu/ops.h"
#include "cpu/rope_scaled.h"

#include <algorithm>
#include <cmath>

namespace moe::cpu {

float attn_temperature(const ModelConfig& c, int pos) {
    const double steps = std::floor((double(pos) + double(c.attn_temp_offset)) / double(c.attn_temp_length));
    return float(std::log(steps + 1.0) * double(c.attn_temp_scale) + 1.0);
}

namespace {

// x / sqrt(mean(x²) + eps) for each head of hd values (HF's Llama4TextL2Norm, llama.cpp's rms_norm without weight).
void l2_norm_heads(float* x, size_t n_heads, int hd, float eps) {
    for (size_t h = 0; h < n_heads; ++h) {
        float* v = x + h * size_t(hd);
        double ss = 0.0;
        for (int i = 0; i < hd; ++i)
            ss += double(v[i]) * v[i];
        const float scale = float(1.0 / std::sqrt(ss / double(hd) + double(eps)));
        for (int i = 0; i < hd; ++i)
            v[i] *= scale;
    }
}

} // namespace

void llama4_qkv(const ModelConfig& c, const LayerWeights& l, float* q, float* k, const float* v, float* k_cache,
    float* v_cache, const float* inv_freq, int pos0, int n) {
    const int hd = c.head_dim;
    const size_t qd = size_t(c.n_head) * size_t(hd), kvd = size_t(c.n_head_kv) * size_t(hd);
    const bool neox = c.rope == RopeStyle::neox;
    if (l.use_rope) {
        rope_rows(q, n, qd, c.n_head, size_t(hd), hd, inv_freq, pos0, neox);
        rope_rows(k, n, kvd, c.n_head_kv, size_t(hd), hd, inv_freq, pos0, neox);
        if (c.qk_l2_norm) {
            l2_norm_heads(q, size_t(n) * size_t(c.n_head), hd, c.rms_eps);
            l2_norm_heads(k, size_t(n) * size_t(c.n_head_kv), hd, c.rms_eps);
        }
    } else {
        for (int t = 0; t < n; ++t) {
            const float s = attn_temperature(c, pos0 + t);
            float* qt = q + size_t(t) * qd;
            for (size_t i = 0; i < qd; ++i)
                qt[i] *= s;
        }
    }
    std::copy(k, k + size_t(n) * kvd, k_cache + size_t(pos0) * kvd);
    std::copy(v, v + size_t(n) * kvd, v_cache + size_t(pos0) * kvd);
}

void chunked_attention(const float* q, const float* k_cache, const float* v_cache, float* out, int pos0, int n,
    int n_head, int n_kv, int hd, int chunk, float* scores, size_t ld_scores, ThreadPool* pool) {
    const size_t qd = size_t(n_head) * size_t(hd), kvd = size_t(n_kv) * size_t(hd);
    // the tokens of one chunk are a run of the batch: causal attention over the
    // cache from the chunk's first position is exactly the chunked mask
    for (int t0 = 0; t0 < n;) {
        const int start = (pos0 + t0) / chunk * chunk;
        const int t1 = std::min(n, start + chunk - pos0);
        attention(q + size_t(t0) * qd, k_cache + size_t(start) * kvd, v_cache + size_t(start) * kvd,
            out + size_t(t0) * qd, pos0 + t0 - start, t1 - t0, n_head, n_kv, hd, scores, ld_scores, pool);
        t0 = t1;
    }
}

void route_by_logit(const float* logits, int n, int E, int K, int32_t* ids_out, float* w_out, int stride) {
    for (int t = 0; t < n; ++t) {
        const float* l = logits + size_t(t) * size_t(E);
        int32_t* ids = ids_out + size_t(t) * size_t(stride);
        float* w = w_out + size_t(t) * size_t(stride);
        for (int j = 0; j < K; ++j) {
            int best = -1;
            for (int e = 0; e < E; ++e) {
                if (std::find(ids, ids + j, e) != ids + j) continue;
                if (best < 0 || l[e] > l[best]) best = e;
            }
            ids[j] = best;
            w[j] = 1.0f / (1.0f + std::exp(-l[best]));
        }
    }
}

void weight_expert_inputs(const float* xn, int ldx, int D, const MoeGroups& g, float* xe) {
    const int n_slots = g.act_start[*g.n_active];
    for (int s = 0; s < n_slots; ++s) {
        const float* x = xn + size_t(g.slot_token[s]) * size_t(ldx);
        const float w = g.slot_weight[s];
        float* o = xe + size_t(s) * size_t(D);
        for (int i = 0; i < D; ++i)
            o[i] = x[i] * w;
        g.slot_token[s] = s;
        g.slot_weight[s] = 1.0f;
    }
}

} // namespace moe::cpu
