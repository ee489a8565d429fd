#include "cpu/cpu_backend.h"

#include "quant/quant.h"
#include "runtime/thread_pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moe {

namespace {

// RunState: every scratch buffer, allocated once; forward() never allocates.
// Shapes are (rows, cols) with one row per token of the batch (B = max_batch).
struct RunState {
    std::vector<float> x;        // (B, n_embd) residual stream
    std::vector<float> xn;       // (B, n_embd) normed input of a block
    std::vector<float> q;        // (B, n_head*head_dim)
    std::vector<float> k;        // (B, n_kv*head_dim)
    std::vector<float> v;        // (B, n_kv*head_dim)
    std::vector<float> att;      // (B, n_head*head_dim) attention output before wo
    std::vector<float> proj;     // (B, n_embd) output of wo / of the FFN
    std::vector<float> scores;   // (n_threads, n_ctx) attention scores per thread
    std::vector<float> router;   // (B, n_expert) router logits, then probabilities
    std::vector<float> xg;       // (B*top_k, n_embd) inputs gathered by expert
    std::vector<float> hg;       // (B*top_k, n_ff) expert hidden activations
    std::vector<float> yg;       // (B*top_k, n_embd) expert outputs before weighting
    std::vector<float> sh_h;     // (B, n_ff_shexp) shared expert hidden
    std::vector<float> sh_gate;  // (B) shared expert gate logits
    std::vector<float> logits;   // (B, n_vocab)
    std::vector<float> k_cache;  // (n_layer, n_ctx, n_kv*head_dim)
    std::vector<float> v_cache;  // (n_layer, n_ctx, n_kv*head_dim)
    std::vector<float> inv_freq; // (head_dim/2) RoPE frequencies
    std::vector<int32_t> route_ids;  // (B, n_moe_layer, top_k)
    std::vector<float> route_w;      // (B, n_moe_layer, top_k)
    // grouping of (token, slot) pairs by expert
    std::vector<int32_t> exp_count;   // (n_expert)
    std::vector<int32_t> exp_start;   // (n_expert + 1)
    std::vector<int32_t> slot_token;  // (B*top_k) token of each slot
    std::vector<float> slot_weight;   // (B*top_k) gate weight of each slot
    std::vector<int32_t> active;      // experts with at least one token
};

void rmsnorm(float* out, const float* x, const float* w, int64_t n, float eps) {
    double ss = 0.0;
    for (int64_t i = 0; i < n; ++i) ss += double(x[i]) * x[i];
    const float scale = float(1.0 / std::sqrt(ss / double(n) + double(eps)));
    for (int64_t i = 0; i < n; ++i) out[i] = x[i] * scale * w[i];
}

float silu(float x) { return x / (1.0f + std::exp(-x)); }

class CpuBackend final : public Backend {
public:
    CpuBackend(std::shared_ptr<const Model> model, const BackendOptions& opts)
        : m_model(std::move(model)), m_c(m_model->config()),
          m_pool(opts.n_threads > 0 ? opts.n_threads : ThreadPool::default_threads()) {
        const ModelConfig& c = m_c;
        const BackendShape shape = backend_shape(c, opts);
        m_ctx = shape.n_ctx;
        m_batch = shape.max_batch;
        m_top_k = shape.top_k;
        m_n_moe = shape.n_moe_layers;

        const size_t B = size_t(m_batch);
        const size_t q_dim = size_t(c.n_head) * size_t(c.head_dim);
        const size_t kv_dim = size_t(c.n_head_kv) * size_t(c.head_dim);
        const size_t slots = B * size_t(m_top_k);
        RunState& s = m_s;
        s.x.resize(B * size_t(c.n_embd));
        s.xn.resize(B * size_t(c.n_embd));
        s.q.resize(B * q_dim);
        s.k.resize(B * kv_dim);
        s.v.resize(B * kv_dim);
        s.att.resize(B * q_dim);
        s.proj.resize(B * size_t(c.n_embd));
        s.scores.resize(size_t(m_pool.size()) * size_t(m_ctx));
        s.router.resize(B * size_t(c.n_expert));
        s.xg.resize(slots * size_t(c.n_embd));
        s.hg.resize(slots * size_t(c.n_ff_exp));
        s.yg.resize(slots * size_t(c.n_embd));
        s.sh_h.resize(B * size_t(std::max(c.n_ff_shexp, 1)));
        s.sh_gate.resize(B);
        s.logits.resize(B * size_t(c.n_vocab));
        s.k_cache.resize(size_t(c.n_layer) * size_t(m_ctx) * kv_dim);
        s.v_cache.resize(size_t(c.n_layer) * size_t(m_ctx) * kv_dim);
        s.inv_freq.resize(size_t(c.head_dim / 2));
        for (int i = 0; i < c.head_dim / 2; ++i) {
            s.inv_freq[size_t(i)] = float(std::pow(double(c.rope_freq_base), -2.0 * i / double(c.head_dim)));
        }
        s.route_ids.resize(B * size_t(std::max(m_n_moe, 1)) * size_t(m_top_k));
        s.route_w.resize(s.route_ids.size());
        s.exp_count.resize(size_t(c.n_expert));
        s.exp_start.resize(size_t(c.n_expert) + 1);
        s.slot_token.resize(slots);
        s.slot_weight.resize(slots);
        s.active.resize(size_t(c.n_expert));
    }

    std::string name() const override { return "cpu"; }
    int n_ctx() const override { return m_ctx; }
    int max_batch() const override { return m_batch; }
    int top_k() const override { return m_top_k; }
    int n_moe_layers() const override { return m_n_moe; }

    const float* logits(int i) const override { return m_s.logits.data() + size_t(i) * size_t(m_c.n_vocab); }
    const int32_t* routing_ids(int i, int l) const override { return m_s.route_ids.data() + route_index(i, l); }
    const float* routing_weights(int i, int l) const override { return m_s.route_w.data() + route_index(i, l); }

    void forward(const int32_t* tokens, int n, int pos0, bool all_logits) override;

private:
    size_t route_index(int i, int l) const { return (size_t(i) * size_t(m_n_moe) + size_t(l)) * size_t(m_top_k); }

    // Y (n_tok, W.rows) = X (n_tok, W.cols) · Wᵀ; X rows `ldx` floats apart.
    void matmul(const Matrix& w, const float* x, int n_tok, size_t ldx, float* y, size_t ldy);
    void attention(int il, int n, int pos0);
    void rope(float* v, int n_heads, int pos) const;
    void moe_ffn(int il, int n);
    void route(int il, int n);

    std::shared_ptr<const Model> m_model;
    ModelConfig m_c;
    ThreadPool m_pool;
    int m_ctx = 0;
    int m_batch = 0;
    int m_top_k = 0;
    int m_n_moe = 0;
    RunState m_s;
};

void CpuBackend::matmul(const Matrix& w, const float* x, int n_tok, size_t ldx, float* y, size_t ldy) {
    const int64_t rows = w.rows;
    const int64_t chunk = std::max<int64_t>(1, rows / (int64_t(m_pool.size()) * 16));
    m_pool.parallel_for(rows, chunk, [&](int64_t r0, int64_t r1, int) {
        for (int64_t r = r0; r < r1; ++r) {
            const uint8_t* row = w.row(r);
            for (int t = 0; t < n_tok; ++t) {
                y[size_t(t) * ldy + size_t(r)] = vec_dot(w.type, row, x + size_t(t) * ldx, w.cols);
            }
        }
    });
}

void CpuBackend::rope(float* v, int n_heads, int pos) const {
    const int d = m_c.head_dim;
    const int half = d / 2;
    for (int h = 0; h < n_heads; ++h) {
        float* hv = v + size_t(h) * size_t(d);
        for (int i = 0; i < half; ++i) {
            const float theta = float(pos) * m_s.inv_freq[size_t(i)];
            const float cs = std::cos(theta), sn = std::sin(theta);
            // normal: rotate adjacent pairs (2i, 2i+1); neox: rotate (i, i + d/2)
            const int a = m_c.rope == RopeStyle::normal ? 2 * i : i;
            const int b = m_c.rope == RopeStyle::normal ? 2 * i + 1 : i + half;
            const float x0 = hv[a], x1 = hv[b];
            hv[a] = x0 * cs - x1 * sn;
            hv[b] = x0 * sn + x1 * cs;
        }
    }
}

void CpuBackend::attention(int il, int n, int pos0) {
    const ModelConfig& c = m_c;
    const LayerWeights& l = m_model->weights().layers[size_t(il)];
    RunState& s = m_s;
    const int hd = c.head_dim;
    const size_t q_dim = size_t(c.n_head) * size_t(hd);
    const size_t kv_dim = size_t(c.n_head_kv) * size_t(hd);
    const size_t E = size_t(c.n_embd);

    // qkv matmuls
    matmul(l.wq, s.xn.data(), n, E, s.q.data(), q_dim);
    matmul(l.wk, s.xn.data(), n, E, s.k.data(), kv_dim);
    matmul(l.wv, s.xn.data(), n, E, s.v.data(), kv_dim);

    for (int t = 0; t < n; ++t) {
        float* q = s.q.data() + size_t(t) * q_dim;
        float* k = s.k.data() + size_t(t) * kv_dim;
        float* v = s.v.data() + size_t(t) * kv_dim;
        // biases (qwen2moe)
        if (l.bq) {
            for (size_t i = 0; i < q_dim; ++i) q[i] += l.bq.data[i];
            for (size_t i = 0; i < kv_dim; ++i) k[i] += l.bk.data[i];
            for (size_t i = 0; i < kv_dim; ++i) v[i] += l.bv.data[i];
        }
        // q/k norms: per head (qwen3) or over the whole vector (olmoe)
        if (c.qk_norm == QkNorm::per_head) {
            for (int h = 0; h < c.n_head; ++h) rmsnorm(q + h * hd, q + h * hd, l.q_norm.data, hd, c.rms_eps);
            for (int h = 0; h < c.n_head_kv; ++h) rmsnorm(k + h * hd, k + h * hd, l.k_norm.data, hd, c.rms_eps);
        } else if (c.qk_norm == QkNorm::full) {
            rmsnorm(q, q, l.q_norm.data, int64_t(q_dim), c.rms_eps);
            rmsnorm(k, k, l.k_norm.data, int64_t(kv_dim), c.rms_eps);
        }
        // RoPE, then append k and v to the cache
        rope(q, c.n_head, pos0 + t);
        rope(k, c.n_head_kv, pos0 + t);
        const size_t cache_off = (size_t(il) * size_t(m_ctx) + size_t(pos0 + t)) * kv_dim;
        std::copy(k, k + kv_dim, s.k_cache.data() + cache_off);
        std::copy(v, v + kv_dim, s.v_cache.data() + cache_off);
    }

    // causal attention over the cache, one (token, head) per task; GQA maps
    // query head h to key/value head h / (n_head / n_head_kv)
    const int group = c.n_head / c.n_head_kv;
    const float scale = 1.0f / std::sqrt(float(hd));
    const float* kc = s.k_cache.data() + size_t(il) * size_t(m_ctx) * kv_dim;
    const float* vc = s.v_cache.data() + size_t(il) * size_t(m_ctx) * kv_dim;
    m_pool.parallel_for(int64_t(n) * c.n_head, 1, [&](int64_t j0, int64_t j1, int thread) {
        float* sc = s.scores.data() + size_t(thread) * size_t(m_ctx);
        for (int64_t j = j0; j < j1; ++j) {
            const int t = int(j / c.n_head), h = int(j % c.n_head);
            const int kvh = h / group;
            const int n_pos = pos0 + t + 1;
            const float* q = s.q.data() + size_t(t) * q_dim + size_t(h) * size_t(hd);
            float mx = -INFINITY;
            for (int p = 0; p < n_pos; ++p) {
                const float* kp = kc + size_t(p) * kv_dim + size_t(kvh) * size_t(hd);
                // the F32 dot product of quant/ has the SIMD path; a plain
                // loop stays scalar (no -ffast-math to reorder the sum)
                sc[p] = vec_dot(GGML_TYPE_F32, kp, q, hd) * scale;
                mx = std::max(mx, sc[p]);
            }
            float sum = 0.0f;
            for (int p = 0; p < n_pos; ++p) {
                sc[p] = std::exp(sc[p] - mx);
                sum += sc[p];
            }
            float* out = s.att.data() + size_t(t) * q_dim + size_t(h) * size_t(hd);
            std::fill(out, out + hd, 0.0f);
            for (int p = 0; p < n_pos; ++p) {
                const float a = sc[p] / sum;
                const float* vp = vc + size_t(p) * kv_dim + size_t(kvh) * size_t(hd);
                for (int i = 0; i < hd; ++i) out[i] += a * vp[i];
            }
        }
    });

    // output projection
    matmul(l.wo, s.att.data(), n, q_dim, s.proj.data(), E);
}

// Router → probabilities → top-k → (optionally) renormalise; fills the
// routing frame and the per-expert slot lists.
void CpuBackend::route(int il, int n) {
    const ModelConfig& c = m_c;
    const LayerWeights& l = m_model->weights().layers[size_t(il)];
    RunState& s = m_s;
    const int E = c.n_expert;
    const int K = m_top_k;

    if (!c.is_moe) {
        // dense: every token goes to the one expert with weight 1
        for (int t = 0; t < n; ++t) {
            s.slot_token[size_t(t)] = t;
            s.slot_weight[size_t(t)] = 1.0f;
        }
        s.exp_start[0] = 0;
        s.exp_start[1] = n;
        s.exp_count[0] = n;
        return;
    }

    matmul(l.gate_inp, s.xn.data(), n, size_t(c.n_embd), s.router.data(), size_t(E));
    std::fill(s.exp_count.begin(), s.exp_count.end(), 0);
    for (int t = 0; t < n; ++t) {
        float* p = s.router.data() + size_t(t) * size_t(E);
        if (c.gating == Gating::softmax) {
            const float mx = *std::max_element(p, p + E);
            float sum = 0.0f;
            for (int e = 0; e < E; ++e) {
                p[e] = std::exp(p[e] - mx);
                sum += p[e];
            }
            for (int e = 0; e < E; ++e) p[e] /= sum;
        } else {
            for (int e = 0; e < E; ++e) p[e] = 1.0f / (1.0f + std::exp(-p[e]));
        }
        int32_t* ids = s.route_ids.data() + route_index(t, il);
        float* w = s.route_w.data() + route_index(t, il);
        // top-k by partial selection; ties go to the lower expert id
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
        if (c.norm_topk) {
            float sum = 0.0f;
            for (int j = 0; j < K; ++j) sum += w[j];
            for (int j = 0; j < K; ++j) w[j] /= sum;
        }
        for (int j = 0; j < K; ++j) s.exp_count[size_t(ids[j])] += 1;
    }
    // slots grouped by expert: expert e owns slots [exp_start[e], exp_start[e+1])
    s.exp_start[0] = 0;
    for (int e = 0; e < E; ++e) s.exp_start[size_t(e) + 1] = s.exp_start[size_t(e)] + s.exp_count[size_t(e)];
    std::fill(s.exp_count.begin(), s.exp_count.end(), 0);
    for (int t = 0; t < n; ++t) {
        const int32_t* ids = s.route_ids.data() + route_index(t, il);
        const float* w = s.route_w.data() + route_index(t, il);
        for (int j = 0; j < K; ++j) {
            const size_t slot = size_t(s.exp_start[size_t(ids[j])] + s.exp_count[size_t(ids[j])]++);
            s.slot_token[slot] = t;
            s.slot_weight[slot] = w[j];
        }
    }
}

void CpuBackend::moe_ffn(int il, int n) {
    const ModelConfig& c = m_c;
    const LayerWeights& l = m_model->weights().layers[size_t(il)];
    RunState& s = m_s;
    const size_t E = size_t(c.n_embd);
    const int64_t F = c.n_ff_exp;

    // MoE router
    route(il, n);

    // gather the inputs of every slot, expert by expert
    int n_active = 0;
    for (int e = 0; e < c.n_expert; ++e) {
        if (s.exp_start[size_t(e) + 1] > s.exp_start[size_t(e)]) s.active[size_t(n_active++)] = e;
    }
    const int n_slots = s.exp_start[size_t(c.n_expert)];
    for (int slot = 0; slot < n_slots; ++slot) {
        const float* src = s.xn.data() + size_t(s.slot_token[size_t(slot)]) * E;
        std::copy(src, src + E, s.xg.data() + size_t(slot) * E);
    }

    // mix w2(silu(w1 x) * w3 x), only for the experts some token was routed to:
    // gate and up rows of all active experts in one parallel pass, then down
    m_pool.parallel_for(int64_t(n_active) * F, std::max<int64_t>(1, F / 8), [&](int64_t j0, int64_t j1, int) {
        for (int64_t j = j0; j < j1; ++j) {
            const int e = s.active[size_t(j / F)];
            const int64_t r = j % F;
            const Matrix& wg = l.gate_exp[size_t(e)];
            const Matrix& wu = l.up_exp[size_t(e)];
            for (int slot = s.exp_start[size_t(e)]; slot < s.exp_start[size_t(e) + 1]; ++slot) {
                const float* xs = s.xg.data() + size_t(slot) * E;
                const float g = vec_dot(wg.type, wg.row(r), xs, wg.cols);
                const float u = vec_dot(wu.type, wu.row(r), xs, wu.cols);
                s.hg[size_t(slot) * size_t(F) + size_t(r)] = silu(g) * u;
            }
        }
    });
    const int64_t D = c.n_embd;
    m_pool.parallel_for(int64_t(n_active) * D, std::max<int64_t>(1, D / 8), [&](int64_t j0, int64_t j1, int) {
        for (int64_t j = j0; j < j1; ++j) {
            const int e = s.active[size_t(j / D)];
            const int64_t r = j % D;
            const Matrix& wd = l.down_exp[size_t(e)];
            for (int slot = s.exp_start[size_t(e)]; slot < s.exp_start[size_t(e) + 1]; ++slot) {
                s.yg[size_t(slot) * E + size_t(r)] =
                    vec_dot(wd.type, wd.row(r), s.hg.data() + size_t(slot) * size_t(F), wd.cols);
            }
        }
    });

    // weighted sum of the expert outputs per token
    std::fill(s.proj.begin(), s.proj.begin() + ptrdiff_t(size_t(n) * E), 0.0f);
    for (int slot = 0; slot < n_slots; ++slot) {
        float* out = s.proj.data() + size_t(s.slot_token[size_t(slot)]) * E;
        const float* y = s.yg.data() + size_t(slot) * E;
        const float w = s.slot_weight[size_t(slot)];
        for (size_t i = 0; i < E; ++i) out[i] += w * y[i];
    }

    // shared expert, scaled by its sigmoid gate (qwen2moe)
    if (c.n_ff_shexp > 0) {
        const size_t SF = size_t(c.n_ff_shexp);
        matmul(l.gate_shexp, s.xn.data(), n, E, s.sh_h.data(), SF);
        matmul(l.up_shexp, s.xn.data(), n, E, s.hg.data(), SF);  // hg reused as scratch
        for (size_t i = 0; i < size_t(n) * SF; ++i) s.sh_h[i] = silu(s.sh_h[i]) * s.hg[i];
        matmul(l.down_shexp, s.sh_h.data(), n, SF, s.yg.data(), E);
        matmul(l.gate_inp_shexp, s.xn.data(), n, E, s.sh_gate.data(), 1);
        for (int t = 0; t < n; ++t) {
            const float g = c.shexp_gated ? 1.0f / (1.0f + std::exp(-s.sh_gate[size_t(t)])) : 1.0f;
            float* out = s.proj.data() + size_t(t) * E;
            const float* y = s.yg.data() + size_t(t) * E;
            for (size_t i = 0; i < E; ++i) out[i] += g * y[i];
        }
    }
}

void CpuBackend::forward(const int32_t* tokens, int n, int pos0, bool all_logits) {
    const ModelConfig& c = m_c;
    const ModelWeights& w = m_model->weights();
    RunState& s = m_s;
    if (n <= 0 || n > m_batch) throw Error(fmt::format("batch of {} tokens; the backend takes 1 to {}", n, m_batch));
    if (pos0 < 0 || pos0 + n > m_ctx) {
        throw Error(fmt::format("positions {}..{} are past the context of {} tokens", pos0, pos0 + n - 1, m_ctx));
    }
    const size_t E = size_t(c.n_embd);

    // token embeddings
    for (int t = 0; t < n; ++t) {
        if (tokens[t] < 0 || tokens[t] >= c.n_vocab) {
            throw Error(fmt::format("token id {} is outside the vocabulary of {}", tokens[t], c.n_vocab));
        }
        dequantize_row(w.tok_embd.type, w.tok_embd.row(tokens[t]), s.x.data() + size_t(t) * E, c.n_embd);
    }

    for (int il = 0; il < c.n_layer; ++il) {
        const LayerWeights& l = w.layers[size_t(il)];
        // attention rmsnorm, attention, residual
        for (int t = 0; t < n; ++t) {
            rmsnorm(s.xn.data() + size_t(t) * E, s.x.data() + size_t(t) * E, l.attn_norm.data, c.n_embd, c.rms_eps);
        }
        attention(il, n, pos0);
        for (size_t i = 0; i < size_t(n) * E; ++i) s.x[i] += s.proj[i];

        // ffn rmsnorm, MoE, residual
        for (int t = 0; t < n; ++t) {
            rmsnorm(s.xn.data() + size_t(t) * E, s.x.data() + size_t(t) * E, l.ffn_norm.data, c.n_embd, c.rms_eps);
        }
        moe_ffn(il, n);
        for (size_t i = 0; i < size_t(n) * E; ++i) s.x[i] += s.proj[i];
    }

    // final rmsnorm and classifier, for every token or only the last
    const int first = all_logits ? 0 : n - 1;
    for (int t = first; t < n; ++t) {
        rmsnorm(s.xn.data() + size_t(t) * E, s.x.data() + size_t(t) * E, w.output_norm.data, c.n_embd, c.rms_eps);
    }
    matmul(w.output, s.xn.data() + size_t(first) * E, n - first, E, s.logits.data() + size_t(first) * size_t(c.n_vocab),
           size_t(c.n_vocab));
}

} // namespace

std::unique_ptr<Backend> make_cpu_backend(std::shared_ptr<const Model> model, const BackendOptions& opts) {
    return std::make_unique<CpuBackend>(std::move(model), opts);
}

} // namespace moe
