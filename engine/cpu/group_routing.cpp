#include "cpu/group_routing.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace moe::cpu {

bool uses_group_routing(const ModelConfig& c) {
    return c.is_moe && (c.expert_bias || c.n_expert_groups > 1 || c.expert_weights_scale != 1.0f);
}

void route_grouped(
    const ModelConfig& c, float* logits, int n, int K, const float* bias, int32_t* ids_out, float* w_out, int stride) {
    const int E = c.n_expert, G = c.n_expert_groups, per_group = E / G;
    // scratch kept per thread: after the first call a forward pass allocates nothing here
    thread_local std::vector<float> sel, group_score;
    thread_local std::vector<char> group_kept;
    sel.resize(size_t(E));
    group_score.resize(size_t(G));
    group_kept.resize(size_t(G));
    for (int t = 0; t < n; ++t) {
        float* p = logits + size_t(t) * size_t(E);
        if (c.gating == Gating::sigmoid) {
            for (int e = 0; e < E; ++e)
                p[e] = 1.0f / (1.0f + std::exp(-p[e]));
        } else {
            const float mx = *std::max_element(p, p + E);
            float sum = 0.0f;
            for (int e = 0; e < E; ++e) {
                p[e] = std::exp(p[e] - mx);
                sum += p[e];
            }
            for (int e = 0; e < E; ++e)
                p[e] /= sum;
        }
        for (int e = 0; e < E; ++e)
            sel[size_t(e)] = bias ? p[e] + bias[e] : p[e];
        // group-limited choice: a group scores by its two best; the others are masked out
        if (G > 1) {
            for (int g = 0; g < G; ++g) {
                const float* s = sel.data() + size_t(g) * size_t(per_group);
                float a = -INFINITY, b = -INFINITY;
                for (int i = 0; i < per_group; ++i) {
                    if (s[i] > a) {
                        b = a;
                        a = s[i];
                    } else if (s[i] > b) {
                        b = s[i];
                    }
                }
                group_score[size_t(g)] = a + b;
                group_kept[size_t(g)] = 0;
            }
            for (int j = 0; j < c.n_group_used; ++j) {
                int best = -1;
                for (int g = 0; g < G; ++g)
                    if (!group_kept[size_t(g)] && (best < 0 || group_score[size_t(g)] > group_score[size_t(best)]))
                        best = g;
                group_kept[size_t(best)] = 1;
            }
            for (int e = 0; e < E; ++e)
                if (!group_kept[size_t(e / per_group)]) sel[size_t(e)] = -INFINITY;
        }
        int32_t* ids = ids_out + size_t(t) * size_t(stride);
        float* w = w_out + size_t(t) * size_t(stride);
        for (int j = 0; j < K; ++j) {
            int best = -1;
            for (int e = 0; e < E; ++e) {
                if (sel[size_t(e)] == -INFINITY) continue;
                if (best < 0 || sel[size_t(e)] > sel[size_t(best)]) best = e;
            }
            ids[j] = best;
            w[j] = p[best];
            sel[size_t(best)] = -INFINITY;
        }
        if (c.norm_topk) {
            float sum = 0.0f;
            for (int j = 0; j < K; ++j)
                sum += w[j];
            sum = std::max(sum, 6.103515625e-5f); // llama.cpp's floor (F16's smallest normal)
            for (int j = 0; j < K; ++j)
                w[j] /= sum;
        }
        for (int j = 0; j < K; ++j)
            w[j] *= c.expert_weights_scale;
    }
}

} // namespace moe::cpu
