#include "cpu/cpu_backend.h"

#include "cpu/attention_mla.h"
#include "cpu/attention_sinks.h"
#include "cpu/group_routing.h"
#include "cpu/int_ops.h"
#include "cpu/llama4_ops.h"
#include "cpu/ops.h"
#include "cpu/rope_scaled.h"
#include "runtime/routing_policy.h"
#include "runtime/thread_pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace moe {

namespace {

// RunState: every scratch buffer, allocated once; forward() never allocates.
// Shapes are (rows, cols) with one row per token of the batch (B = max_batch).
// kernels/device_state.h mirrors it field for field on the GPU.
struct RunState {
    std::vector<float> x; // (B, n_embd) residual stream
    std::vector<float> xn; // (B, n_embd) normed input of a block
    std::vector<float> q; // (B, n_head*head_dim)
    std::vector<float> k; // (B, n_kv*head_dim)
    std::vector<float> v; // (B, n_kv*head_dim)
    std::vector<float> att; // (B, n_head*head_dim) attention output before wo
    std::vector<float> proj; // (B, n_embd) output of wo
    std::vector<float> router; // (B, n_expert) router logits, then probabilities
    std::vector<float> h; // (B*top_k, n_ff) expert hidden activations, grouped by expert
    std::vector<float> y; // (B*top_k, n_embd) expert outputs before weighting
    std::vector<float> xe; // (B*top_k, n_embd) expert inputs scaled by their weight (llama4)
    std::vector<float> sh_h; // (B, n_ff_shexp) shared expert hidden
    std::vector<float> sh_u; // (B, n_ff_shexp) shared expert up projection
    std::vector<float> sh_y; // (B, n_embd) shared expert output
    std::vector<float> sh_gate; // (B) shared expert gate logits
    std::vector<float> logits; // (B, n_vocab)
    std::vector<float> k_cache; // (n_layer, n_ctx, n_kv*head_dim)
    std::vector<float> v_cache; // (n_layer, n_ctx, n_kv*head_dim)
    std::vector<float> inv_freq; // (head_dim/2) RoPE frequencies
    std::vector<int32_t> route_ids; // (B, n_moe_layer, top_k)
    std::vector<float> route_w; // (B, n_moe_layer, top_k)
    std::vector<int32_t> dense_ids; // (B) dense models: every token to expert 0 ...
    std::vector<float> dense_w; // (B) ... with weight 1
    std::vector<int32_t> group_buf; // MoeGroups::words(n_expert, B, top_k)
    MoeGroups groups; // (token, slot) pairs grouped by expert, in group_buf
    // CPU only
    std::vector<float> scores; // (n_threads, n_ctx) attention scores per thread
    cpu::ActScratch act; // quantized activations of the fast path (not with exact)
};

class CpuBackend final : public Backend {
public:
    CpuBackend(std::shared_ptr<const Model> model, const BackendOptions& opts)
        : m_model(std::move(model))
        , m_c(m_model->config())
        , m_pool(opts.n_threads > 0 ? opts.n_threads : ThreadPool::default_threads())
        , m_exact(opts.exact) {
        const ModelConfig& c = m_c;
        const BackendShape shape = backend_shape(c, opts);
        m_ctx = shape.n_ctx;
        m_batch = shape.max_batch;
        m_top_k = shape.top_k;
        m_n_moe = shape.n_moe_layers;
        m_policy = shape.routing;
        m_plain = m_policy.is_plain_top_k();
        m_n_exp = c.is_moe ? c.n_expert : 1;
        m_grouped = cpu::uses_group_routing(c);
        if (m_grouped && !m_plain) {
            throw Error("routing policies do not apply to models with grouped or biased routing yet");
        }
        if (m_grouped && c.n_expert_groups > 1 && m_top_k > c.n_group_used * (c.n_expert / c.n_expert_groups)) {
            throw Error(
                fmt::format("top-{} is more experts than the {} groups a token may use hold", m_top_k, c.n_group_used));
        }

        const size_t B = size_t(m_batch), D = size_t(c.n_embd);
        const size_t qd = size_t(c.n_head) * size_t(c.head_dim), kvd = size_t(c.n_head_kv) * size_t(c.head_dim);
        const size_t SF = size_t(std::max(c.n_ff_shexp, 1));
        RunState& s = m_s;
        s.x.resize(B * D);
        s.xn.resize(B * D);
        s.q.resize(B * qd);
        s.k.resize(B * kvd);
        s.v.resize(B * kvd);
        s.att.resize(B * qd);
        s.proj.resize(B * D);
        s.router.resize(B * size_t(m_n_exp));
        s.sh_h.resize(B * SF);
        s.sh_u.resize(B * SF);
        s.sh_y.resize(B * D);
        s.sh_gate.resize(B);
        s.logits.resize(B * size_t(c.n_vocab));
        if (c.attn == AttnKind::mla) {
            // MLA caches a latent per token (attention_mla.h); its output is n_head*head_dim_v wide
            m_mla.emplace(c, m_ctx, m_batch, m_pool.size());
            s.att.resize(std::max(s.att.size(), B * size_t(c.n_head) * size_t(c.head_dim_v)));
        } else {
            // a block with a sliding window caches a ring of rows (cpu::kv_store): its window, a
            // batch, and room to rewind over a reply of k_rewind_reach tokens (min_rewind)
            size_t rows = 0;
            for (const LayerWeights& l : m_model->weights().layers) {
                const int cap = l.n_swa > 0 ? std::min(m_ctx, l.n_swa + m_batch + k_rewind_reach) : m_ctx;
                m_kv_rows.push_back({ rows, cap });
                rows += size_t(cap);
                if (cap < m_ctx) m_ring_slack = std::min(m_ring_slack, cap - l.n_swa + 1);
            }
            s.k_cache.resize(rows * kvd);
            s.v_cache.resize(rows * kvd);
        }
        // gpt-oss, Granite: own softmax scale, windows, sinks (cpu/attention_sinks.h)
        m_attn_window = c.arch == Arch::gptoss || c.arch == Arch::granitemoe;
        s.inv_freq.resize(size_t(c.head_dim / 2));
        if (c.n_rot == c.head_dim && c.yarn_factor <= 1.0f)
            cpu::rope_inv_freq(s.inv_freq.data(), c.head_dim, c.rope_freq_base);
        else
            cpu::rope_freqs(c, s.inv_freq.data()); // partial rotary: frequencies over the rotated part
        if (const Vector& ff = m_model->weights().rope_freqs) { // llama4: llama3-style factors divide them
            for (int64_t i = 0; i < ff.n; ++i)
                s.inv_freq[size_t(i)] /= ff.data[i];
        }
        s.dense_ids.assign(B, 0);
        s.dense_w.assign(B, 1.0f);
        s.scores.resize(size_t(m_pool.size()) * size_t(m_ctx));
        size_slots();
    }

    std::string name() const override { return "cpu"; }
    int n_ctx() const override { return m_ctx; }
    int max_batch() const override { return m_batch; }
    int top_k() const override { return m_top_k; }
    int n_moe_layers() const override { return m_n_moe; }
    // a position p may be kept when every ring still holds the window before it:
    // p - n_swa + 1 >= (the furthest position written) - cap
    int min_rewind() const override { return std::max(0, m_written_end - m_ring_slack); }

    void set_routing(const RoutingPolicy& resolved) override {
        m_policy = resolved;
        m_plain = resolved.is_plain_top_k();
        if (m_c.is_moe) m_top_k = routing_slots(resolved, m_n_moe);
        size_slots();
    }

    const float* logits(int i) const override { return m_s.logits.data() + size_t(i) * size_t(m_c.n_vocab); }
    const int32_t* routing_ids(int i, int l) const override { return m_s.route_ids.data() + route_index(i, l); }
    const float* routing_weights(int i, int l) const override { return m_s.route_w.data() + route_index(i, l); }

    void forward(const int32_t* tokens, int n, int pos0, bool all_logits) override;

private:
    size_t route_index(int i, int l) const { return (size_t(i) * size_t(m_n_moe) + size_t(l)) * size_t(m_top_k); }
    void layer(int il, int n, int pos0);
    void attend(const LayerWeights& l, int il, int n, int pos0);
    void ffn(const LayerWeights& l, int n);
    // The buffers sized by the routing entries per token (top_k), allocated here only.
    void size_slots() {
        RunState& s = m_s;
        m_k_eff = m_c.is_moe ? m_top_k : 1;
        const size_t B = size_t(m_batch), K = size_t(m_k_eff);
        s.h.resize(B * std::max(K * size_t(m_c.n_ff_exp), size_t(m_c.n_ff))); // a dense block: one FFN of n_ff
        s.y.resize(B * K * size_t(m_c.n_embd));
        if (m_c.moe_weight_first) s.xe.resize(B * K * size_t(m_c.n_embd));
        s.route_ids.resize(B * size_t(std::max(m_n_moe, 1)) * size_t(m_top_k));
        s.route_w.resize(s.route_ids.size());
        s.group_buf.resize(MoeGroups::words(m_n_exp, m_batch, m_k_eff));
        s.groups = MoeGroups::layout(s.group_buf.data(), m_n_exp, m_batch, m_k_eff);
        // quantized inputs of the fast path: at most one row per slot, as wide as the widest matrix input
        const int widest = std::max({ m_c.n_embd, m_c.n_head * m_c.head_dim, m_c.n_ff_exp, m_c.n_ff_shexp, m_c.n_ff,
            m_c.n_head * m_c.head_dim_v, m_c.q_lora_rank, m_c.kv_lora_rank });
        if (!m_exact) s.act.reserve(int64_t(B * K), widest);
    }
    void mm(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy) {
        if (m_exact)
            cpu::matvec(w, x, n, ldx, y, ldy, &m_pool);
        else
            cpu::int_matvec(w, x, n, ldx, y, ldy, m_s.act, &m_pool);
    }

    std::shared_ptr<const Model> m_model;
    ModelConfig m_c;
    ThreadPool m_pool;
    bool m_exact = false; // BackendOptions::exact
    int m_ctx = 0, m_batch = 0, m_top_k = 0, m_n_moe = 0, m_k_eff = 1, m_n_exp = 1;
    RoutingPolicy m_policy; // resolved; m_plain: the model's own top-k, routed by cpu::route
    bool m_plain = true;
    bool m_grouped = false; // cpu::route_grouped (group_routing.h) instead of cpu::route
    RunState m_s;
    std::optional<cpu::MlaAttention> m_mla; // the attention of MLA models, with its latent cache
    struct KvRows {
        size_t first; // the block's first row in k_cache/v_cache
        int cap; // its rows: n_ctx, or window + batch for a windowed block
    };
    std::vector<KvRows> m_kv_rows; // per block (GQA)
    bool m_attn_window = false; // cpu::attention_window rather than cpu::attention
    static constexpr int k_rewind_reach = 2048;
    int m_ring_slack = 1 << 30; // min over the rings of cap - n_swa + 1 (no ring: any rewind)
    int m_written_end = 0; // one past the furthest position written since a pass from 0
};

// One transformer block, op for op as CudaBackend::layer (kernels/cuda_backend.cpp).
void CpuBackend::layer(int il, int n, int pos0) {
    const ModelConfig& c = m_c;
    const LayerWeights& l = m_model->weights().layers[size_t(il)];
    RunState& s = m_s;
    const int D = c.n_embd;

    // attention rmsnorm
    cpu::rmsnorm(s.x.data(), D, l.attn_norm.data, s.xn.data(), D, n, D, c.rms_eps);
    if (l.attn == AttnKind::mla) {
        m_mla->forward(
            l, il, s.xn.data(), n, pos0, s.att.data(),
            [this](const Matrix& w, const float* x, int nn, int ldx, float* y, int ldy) { mm(w, x, nn, ldx, y, ldy); },
            &m_pool);
        mm(l.wo, s.att.data(), n, c.n_head * c.head_dim_v, s.proj.data(), D);
    } else {
        attend(l, il, n, pos0);
    }
    cpu::add(s.x.data(), s.proj.data(), size_t(n) * size_t(D));
    ffn(l, n);
}

// Grouped-query attention of block il: s.proj (n, n_embd) from s.xn.
void CpuBackend::attend(const LayerWeights& l, int il, int n, int pos0) {
    const ModelConfig& c = m_c;
    RunState& s = m_s;
    const int D = c.n_embd, hd = c.head_dim;
    const int qd = c.n_head * hd, kvd = c.n_head_kv * hd;
    // qkv matmuls
    mm(l.wq, s.xn.data(), n, D, s.q.data(), qd);
    mm(l.wk, s.xn.data(), n, D, s.k.data(), kvd);
    mm(l.wv, s.xn.data(), n, D, s.v.data(), kvd);
    // biases (qwen2moe)
    if (l.bq) {
        cpu::add_bias(s.q.data(), qd, l.bq.data, n, qd);
        cpu::add_bias(s.k.data(), kvd, l.bk.data, n, kvd);
        cpu::add_bias(s.v.data(), kvd, l.bv.data, n, kvd);
    }
    // q/k norms: per head (qwen3) or over the whole vector (olmoe)
    if (c.qk_norm == QkNorm::per_head) {
        cpu::rmsnorm(s.q.data(), hd, l.q_norm.data, s.q.data(), hd, n * c.n_head, hd, c.rms_eps);
        cpu::rmsnorm(s.k.data(), hd, l.k_norm.data, s.k.data(), hd, n * c.n_head_kv, hd, c.rms_eps);
    } else if (c.qk_norm == QkNorm::full) {
        cpu::rmsnorm(s.q.data(), qd, l.q_norm.data, s.q.data(), qd, n, qd, c.rms_eps);
        cpu::rmsnorm(s.k.data(), kvd, l.k_norm.data, s.k.data(), kvd, n, kvd, c.rms_eps);
    }
    // RoPE, then append k and v to the cache
    const int cap = m_kv_rows[size_t(il)].cap;
    float* kc = s.k_cache.data() + m_kv_rows[size_t(il)].first * size_t(kvd);
    float* vc = s.v_cache.data() + m_kv_rows[size_t(il)].first * size_t(kvd);
    if (c.arch == Arch::llama4) { // RoPE and L2 norm, or the temperature (cpu/llama4_ops.h)
        cpu::llama4_qkv(c, l, s.q.data(), s.k.data(), s.v.data(), kc, vc, s.inv_freq.data(), pos0, n);
    } else if (c.n_rot == hd && cap == m_ctx) {
        cpu::rope_store(s.q.data(), s.k.data(), s.v.data(), kc, vc, s.inv_freq.data(), pos0, n, c.n_head, c.n_head_kv,
            hd, c.rope == RopeStyle::neox);
    } else { // partial rotary (glm4moe): the first n_rot dims of every head; a ring cache (gpt-oss)
        const bool neox = c.rope == RopeStyle::neox;
        cpu::rope_rows(s.q.data(), n, size_t(qd), c.n_head, size_t(hd), c.n_rot, s.inv_freq.data(), pos0, neox);
        cpu::rope_rows(s.k.data(), n, size_t(kvd), c.n_head_kv, size_t(hd), c.n_rot, s.inv_freq.data(), pos0, neox);
        cpu::kv_store(s.k.data(), s.v.data(), n, size_t(kvd), kc, vc, cap, pos0);
    }
    // causal attention over the cache (GQA)
    if (l.n_chunk > 0) { // llama4: within chunks
        cpu::chunked_attention(s.q.data(), kc, vc, s.att.data(), pos0, n, c.n_head, c.n_head_kv, hd, l.n_chunk,
            s.scores.data(), size_t(m_ctx), &m_pool);
    } else if (m_attn_window) {
        cpu::attention_window(s.q.data(), kc, vc, cap, s.att.data(), pos0, n, c.n_head, c.n_head_kv, hd, c.kq_scale,
            l.n_swa, l.attn_sinks.data, s.scores.data(), size_t(m_ctx), &m_pool);
    } else {
        cpu::attention(s.q.data(), kc, vc, s.att.data(), pos0, n, c.n_head, c.n_head_kv, hd, s.scores.data(),
            size_t(m_ctx), &m_pool);
    }
    // output projection (its bias: gpt-oss), scaled before the residual add (Granite)
    mm(l.wo, s.att.data(), n, qd, s.proj.data(), D);
    if (l.bo) cpu::add_bias(s.proj.data(), D, l.bo.data, n, D);
    if (c.residual_scale != 1.0f) cpu::scale(s.proj.data(), size_t(n) * size_t(D), c.residual_scale);
}

// The FFN part of a block: routed experts (+ shared ones) or one dense FFN, added to s.x.
void CpuBackend::ffn(const LayerWeights& l, int n) {
    const ModelConfig& c = m_c;
    RunState& s = m_s;
    const int D = c.n_embd;
    // ffn rmsnorm
    cpu::rmsnorm(s.x.data(), D, l.ffn_norm.data, s.xn.data(), D, n, D, c.rms_eps);
    // MoE router: probabilities, top-k, renormalisation straight into the routing frame; pairs grouped by expert
    const int K = m_k_eff, E = m_n_exp;
    if (l.ffn == FfnKind::moe) {
        const int il = l.moe_index; // the block's row in the routing frame
        mm(l.gate_inp, s.xn.data(), n, D, s.router.data(), E);
        if (l.gate_inp_b) cpu::add_bias(s.router.data(), E, l.gate_inp_b.data, n, E); // gpt-oss
        const int stride = m_n_moe * m_top_k;
        int32_t* ids = s.route_ids.data() + size_t(il) * size_t(m_top_k);
        float* wts = s.route_w.data() + size_t(il) * size_t(m_top_k);
        if (m_grouped) {
            // biased, group-limited selection (deepseek2 V3, glm4moe)
            cpu::route_grouped(c, s.router.data(), n, K, l.exp_probs_b.data, ids, wts, stride);
            cpu::group(ids, wts, stride, n, K, E, s.groups);
        } else if (m_plain && c.moe_weight_first) {
            // llama4: top-k of the logits themselves, weights sigmoid (cpu/llama4_ops.h)
            cpu::route_by_logit(s.router.data(), n, E, K, ids, wts, stride);
            cpu::group(ids, wts, stride, n, K, E, s.groups);
        } else if (m_plain) {
            // a decode step's one token is grouped by the router itself
            cpu::route(s.router.data(), n, E, K, c.gating == Gating::sigmoid, c.norm_topk, ids, wts, stride, &s.groups);
            if (n > 1) cpu::group(ids, wts, stride, n, K, E, s.groups);
        } else {
            // a routing policy (runtime/routing_policy.h): unused entries are -1, skipped by group and combine
            for (int t = 0; t < n; ++t) {
                route_with_policy(m_policy, il, s.router.data() + size_t(t) * size_t(E), E, c.gating == Gating::sigmoid,
                    c.norm_topk, K, ids + size_t(t) * size_t(stride), wts + size_t(t) * size_t(stride));
            }
            cpu::group(ids, wts, stride, n, K, E, s.groups);
        }
    } else {
        cpu::group(s.dense_ids.data(), s.dense_w.data(), 1, n, 1, 1, s.groups); // dense: one expert of weight 1
    }
    // mix w2(silu(w1 x) * w3 x), only for the experts some token was routed to
    // (gpt-oss: biases and the clamped SwiGLU, cpu::expert_glu)
    const cpu::ExpertGlu oss_glu { c.swiglu_oai, l.gate_exp_b, l.up_exp_b };
    const cpu::ExpertGlu* glu = c.swiglu_oai || !l.gate_exp_b.empty() ? &oss_glu : nullptr;
    // (llama4: each slot's input scaled by its weight first, the output then taken with weight 1)
    const float* xin = s.xn.data();
    if (l.ffn == FfnKind::moe && c.moe_weight_first) {
        cpu::weight_expert_inputs(s.xn.data(), D, D, s.groups, s.xe.data());
        xin = s.xe.data();
    }
    if (m_exact) {
        cpu::expert_gate_up(l.gate_exp, l.up_exp, xin, D, s.groups, s.h.data(), &m_pool, glu);
        cpu::expert_down(l.down_exp, s.h.data(), s.groups, s.y.data(), &m_pool);
    } else {
        cpu::int_expert_gate_up(l.gate_exp, l.up_exp, xin, D, s.groups, s.h.data(), s.act, &m_pool, glu);
        cpu::int_expert_down(l.down_exp, s.h.data(), s.groups, s.y.data(), s.act, &m_pool);
    }
    if (!l.down_exp_b.empty()) cpu::add_expert_bias(l.down_exp_b, s.groups, s.y.data(), D);
    // shared expert, scaled by its sigmoid gate (qwen2moe)
    const bool shared = c.n_ff_shexp > 0 && l.gate_shexp;
    if (shared) {
        const int SF = c.n_ff_shexp;
        mm(l.gate_shexp, s.xn.data(), n, D, s.sh_h.data(), SF);
        mm(l.up_shexp, s.xn.data(), n, D, s.sh_u.data(), SF);
        cpu::silu_mul(s.sh_h.data(), s.sh_u.data(), size_t(n) * size_t(SF));
        mm(l.down_shexp, s.sh_h.data(), n, SF, s.sh_y.data(), D);
        if (l.gate_inp_shexp) mm(l.gate_inp_shexp, s.xn.data(), n, D, s.sh_gate.data(), 1);
    }
    // Granite scales the FFN's output before the residual add: the slots' weights and the shared expert
    if (c.residual_scale != 1.0f) {
        cpu::scale(s.groups.slot_weight, size_t(s.groups.act_start[*s.groups.n_active]), c.residual_scale);
        if (shared) cpu::scale(s.sh_y.data(), size_t(n) * size_t(D), c.residual_scale);
    }
    // weighted sum of the expert outputs (+ shared expert), residual
    // (a dense block of a MoE model has one pair per token, as a dense model)
    cpu::combine(s.x.data(), s.y.data(), s.groups, n, l.ffn == FfnKind::moe ? K : 1, D,
        shared ? s.sh_y.data() : nullptr, s.sh_gate.data(), shared && c.shexp_gated && l.gate_inp_shexp);
}

void CpuBackend::forward(const int32_t* tokens, int n, int pos0, bool all_logits) {
    const ModelConfig& c = m_c;
    const ModelWeights& w = m_model->weights();
    RunState& s = m_s;
    if (n <= 0 || n > m_batch) throw Error(fmt::format("batch of {} tokens; the backend takes 1 to {}", n, m_batch));
    if (pos0 < 0 || pos0 + n > m_ctx) {
        throw Error(fmt::format("positions {}..{} are past the context of {} tokens", pos0, pos0 + n - 1, m_ctx));
    }
    if (pos0 > 0 && pos0 < min_rewind()) {
        throw Error(fmt::format("cannot continue at position {}: the sliding-window blocks' cache holds positions from "
                                "{} on (rewind to 0 and feed the context again)",
            pos0, m_written_end - m_ring_slack));
    }
    m_written_end = pos0 == 0 ? n : std::max(m_written_end, pos0 + n);
    for (int t = 0; t < n; ++t) {
        if (tokens[t] < 0 || tokens[t] >= c.n_vocab) {
            throw Error(fmt::format("token id {} is outside the vocabulary of {}", tokens[t], c.n_vocab));
        }
    }
    const int D = c.n_embd;

    // token embeddings
    cpu::embed(w.tok_embd, tokens, n, s.x.data());
    if (c.embd_scale != 1.0f) cpu::scale(s.x.data(), size_t(n) * size_t(D), c.embd_scale); // Granite
    for (int il = 0; il < c.n_layer; ++il)
        layer(il, n, pos0);
    // final rmsnorm and classifier, for every token or only the last
    const int first = all_logits ? 0 : n - 1;
    cpu::rmsnorm(s.x.data() + size_t(first) * size_t(D), D, w.output_norm.data, s.xn.data() + size_t(first) * size_t(D),
        D, n - first, D, c.rms_eps);
    mm(w.output, s.xn.data() + size_t(first) * size_t(D), n - first, D,
        s.logits.data() + size_t(first) * size_t(c.n_vocab), c.n_vocab);
    if (c.logit_scale != 1.0f) { // Granite divides the logits
        cpu::scale(s.logits.data() + size_t(first) * size_t(c.n_vocab), size_t(n - first) * size_t(c.n_vocab),
            1.0f / c.logit_scale);
    }
}

} // namespace

std::unique_ptr<Backend> make_cpu_backend(std::shared_ptr<const Model> model, const BackendOptions& opts) {
    return std::make_unique<CpuBackend>(std::move(model), opts);
}

} // namespace moe
