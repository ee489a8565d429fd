#include "cpu/attention_sinks.h"

#include "quant/quant.h"
#include "runtime/thread_pool.h"

namespace moe::cpu {

void kv_store(const float* k, const float* v, int n, size_t kv_dim, float* k_cache, float* v_cache, int cap, int pos0) {
    for (int t = 0; t < n; ++t) {
        const size_t row = size_t((pos0 + t) % cap) * kv_dim;
        std::copy(k + size_t(t) * kv_dim, k + size_t(t + 1) * kv_dim, k_cache + row);
        std::copy(v + size_t(t) * kv_dim, v + size_t(t + 1) * kv_dim, v_cache + row);
    }
}

void attention_window(const float* q, const float* k_cache, const float* v_cache, int cap, float* out, int pos0, int n,
    int n_head, int n_kv, int hd, float scale, int window, const float* sinks, float* scores, size_t ld_scores,
    ThreadPool* pool) {
    const size_t q_dim = size_t(n_head) * size_t(hd), kv_dim = size_t(n_kv) * size_t(hd);
    const int group = n_head / n_kv;
    each(pool, int64_t(n) * n_head, 1, [&](int64_t j0, int64_t j1, int thread) {
        float* sc = scores + size_t(thread) * ld_scores;
        for (int64_t j = j0; j < j1; ++j) {
            const int t = int(j / n_head), h = int(j % n_head);
            const int kvh = h / group;
            const int last = pos0 + t;
            const int first = window > 0 ? std::max(0, last - window + 1) : 0;
            const int n_pos = last - first + 1;
            const float* qh = q + size_t(t) * q_dim + size_t(h) * size_t(hd);
            // the sink is one more logit that takes probability mass and gives no value
            float mx = sinks ? sinks[h] : -INFINITY;
            for (int i = 0; i < n_pos; ++i) {
                const float* kp = k_cache + size_t((first + i) % cap) * kv_dim + size_t(kvh) * size_t(hd);
                sc[i] = vec_dot(GGML_TYPE_F32, kp, qh, hd) * scale;
                mx = std::max(mx, sc[i]);
            }
            float sum = sinks ? std::exp(sinks[h] - mx) : 0.0f;
            for (int i = 0; i < n_pos; ++i) {
                sc[i] = std::exp(sc[i] - mx);
                sum += sc[i];
            }
            float* o = out + size_t(t) * q_dim + size_t(h) * size_t(hd);
            std::fill(o, o + hd, 0.0f);
            for (int i = 0; i < n_pos; ++i) {
                const float a = sc[i] / sum;
                const float* vp = v_cache + size_t((first + i) % cap) * kv_dim + size_t(kvh) * size_t(hd);
                for (int d = 0; d < hd; ++d)
                    o[d] += a * vp[d];
            }
        }
    });
}

void add_expert_bias(std::span<const Vector> b, const MoeGroups& g, float* y, int width) {
    for (int i = 0; i < *g.n_active; ++i) {
        const float* be = b[size_t(g.act[i])].data;
        for (int s = g.act_start[i]; s < g.act_start[i + 1]; ++s) {
            float* ys = y + size_t(s) * size_t(width);
            for (int d = 0; d < width; ++d)
                ys[d] += be[d];
        }
    }
}

void scale(float* x, size_t n, float s) {
    for (size_t i = 0; i < n; ++i)
        x[i] *= s;
}

} // namespace moe::cpu
