#include "cpu/attention_mla.h"

#include "cpu/ops.h"
#include "cpu/rope_scaled.h"
#include "quant/quant.h"
#include "runtime/thread_pool.h"

#include <algorithm>
#include <cmath>

namespace moe::cpu {

MlaAttention::MlaAttention(const ModelConfig& c, int n_ctx, int max_batch, int n_threads)
    : m_c(c)
    , m_ctx(n_ctx)
    , m_row(c.kv_lora_rank + c.n_rot) {
    const size_t B = size_t(max_batch), H = size_t(c.n_head), R = size_t(c.kv_lora_rank);
    m_cache.resize(size_t(c.n_layer) * size_t(n_ctx) * size_t(m_row));
    m_qa.resize(B * size_t(std::max(c.q_lora_rank, 1)));
    m_q.resize(B * H * size_t(c.head_dim));
    m_kv.resize(B * size_t(m_row));
    m_q_lat.resize(B * H * R);
    m_o_lat.resize(B * H * R);
    m_inv_freq.resize(size_t(c.n_rot / 2));
    rope_freqs(c, m_inv_freq.data());
    m_scores.resize(size_t(std::max(n_threads, 1)) * size_t(n_ctx));
}

const float* MlaAttention::cached(int il, int pos) const {
    return m_cache.data() + (size_t(il) * size_t(m_ctx) + size_t(pos)) * size_t(m_row);
}

void MlaAttention::forward(
    const LayerWeights& l, int il, const float* xn, int n, int pos0, float* att, const MatMul& mm, ThreadPool* pool) {
    const ModelConfig& c = m_c;
    const int H = c.n_head, hd = c.head_dim, R = c.kv_lora_rank, nope = hd - c.n_rot, dv = c.head_dim_v;
    const int qd = H * hd, D = c.n_embd;

    // queries: full, or through the low-rank bottleneck with its norm
    if (l.wq_a) {
        mm(l.wq_a, xn, n, D, m_qa.data(), c.q_lora_rank);
        rmsnorm(m_qa.data(), c.q_lora_rank, l.q_a_norm.data, m_qa.data(), c.q_lora_rank, n, c.q_lora_rank, c.rms_eps);
        mm(l.wq_b, m_qa.data(), n, c.q_lora_rank, m_q.data(), qd);
    } else {
        mm(l.wq, xn, n, D, m_q.data(), qd);
    }
    // the latent (normed) and the shared rope key, appended to the cache
    mm(l.wkv_a, xn, n, D, m_kv.data(), m_row);
    rmsnorm(m_kv.data(), m_row, l.kv_a_norm.data, m_kv.data(), m_row, n, R, c.rms_eps);
    const bool neox = c.rope == RopeStyle::neox;
    rope_rows(m_kv.data() + R, n, size_t(m_row), 1, 0, c.n_rot, m_inv_freq.data(), pos0, neox);
    float* cache = m_cache.data() + size_t(il) * size_t(m_ctx) * size_t(m_row);
    std::copy(m_kv.begin(), m_kv.begin() + ptrdiff_t(n) * m_row, cache + size_t(pos0) * size_t(m_row));
    // rope part of every query head; the nope part taken into latent space, head by head
    rope_rows(m_q.data() + nope, n, size_t(qd), H, size_t(hd), c.n_rot, m_inv_freq.data(), pos0, neox);
    for (int h = 0; h < H; ++h) {
        mm(l.wk_b[size_t(h)], m_q.data() + size_t(h) * size_t(hd), n, qd, m_q_lat.data() + size_t(h) * size_t(R),
            H * R);
    }

    // softmax(q_lat · c_p + q_pe · k_pe_p) over the positions so far, one (token, head) per task
    const float scale = c.kq_scale;
    auto task = [&](int64_t j0, int64_t j1, int thread) {
        float* sc = m_scores.data() + size_t(thread) * size_t(m_ctx);
        for (int64_t j = j0; j < j1; ++j) {
            const int t = int(j / H), h = int(j % H);
            const int n_pos = pos0 + t + 1;
            const float* ql = m_q_lat.data() + (size_t(t) * size_t(H) + size_t(h)) * size_t(R);
            const float* qr = m_q.data() + size_t(t) * size_t(qd) + size_t(h) * size_t(hd) + size_t(nope);
            float mx = -INFINITY;
            for (int p = 0; p < n_pos; ++p) {
                const float* kp = cache + size_t(p) * size_t(m_row);
                sc[p] = (vec_dot(GGML_TYPE_F32, kp, ql, R) + vec_dot(GGML_TYPE_F32, kp + R, qr, c.n_rot)) * scale;
                mx = std::max(mx, sc[p]);
            }
            float sum = 0.0f;
            for (int p = 0; p < n_pos; ++p) {
                sc[p] = std::exp(sc[p] - mx);
                sum += sc[p];
            }
            float* o = m_o_lat.data() + (size_t(t) * size_t(H) + size_t(h)) * size_t(R);
            std::fill(o, o + R, 0.0f);
            for (int p = 0; p < n_pos; ++p) {
                const float a = sc[p] / sum;
                const float* cp = cache + size_t(p) * size_t(m_row);
                for (int i = 0; i < R; ++i)
                    o[i] += a * cp[i];
            }
        }
    };
    if (pool) {
        pool->parallel_for(int64_t(n) * H, 1, task);
    } else {
        task(0, int64_t(n) * H, 0);
    }
    // values: each head's weighted latent decompressed
    for (int h = 0; h < H; ++h) {
        mm(l.wv_b[size_t(h)], m_o_lat.data() + size_t(h) * size_t(R), n, H * R, att + size_t(h) * size_t(dv), H * dv);
    }
}

} // namespace moe::cpu
