#pragma once
// Synthetic runs for the run store's tests, its kill test helper and its
// benchmark: a full RunRecord whose routing looks like a real MoE layer's.
//
// Routing model, per MoE layer: every expert has a fixed popularity
// (log-normal, sigma 0.8: the few favourite experts get 2-3x the mean load,
// as measured on trained models with a balancing loss); each token keeps
// each of the previous token's experts with probability `stability` and
// draws the rest by popularity without repeats. Gate weights are a softmax
// over k router logits drawn around the chosen experts, renormalised to
// sum 1 (norm_topk), in descending order as the backend reports them.
#include "store/run.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace moe_test {

struct SyntheticRouting {
    int n_tokens = 1000;
    int n_layers = 48;
    int k = 8;
    int n_experts = 128;
    double stability = 0.5; // chance a previous expert is kept by the next token
    double skew = 0.8; // sigma of the log-normal expert popularity
    uint64_t seed = 1;
};

inline moe::RoutingTrace synthetic_trace(const SyntheticRouting& o) {
    std::mt19937_64 rng(o.seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> uni(0.0, 1.0);
    const size_t L = size_t(o.n_layers), K = size_t(o.k), E = size_t(o.n_experts);
    // cumulative popularity per layer for inverse-CDF sampling
    std::vector<std::vector<double>> cdf(L, std::vector<double>(E));
    for (size_t l = 0; l < L; ++l) {
        double acc = 0.0;
        for (size_t e = 0; e < E; ++e) {
            acc += std::exp(o.skew * normal(rng));
            cdf[l][e] = acc;
        }
        for (double& c : cdf[l])
            c /= acc;
    }
    std::vector<int32_t> prev(L * K), ids(L * K);
    std::vector<float> w(L * K);
    std::vector<uint8_t> used(E);
    std::vector<double> logits(K);
    moe::RoutingTrace t;
    for (int i = 0; i < o.n_tokens; ++i) {
        for (size_t l = 0; l < L; ++l) {
            std::fill(used.begin(), used.end(), 0);
            int32_t* row = ids.data() + l * K;
            size_t n = 0;
            if (i > 0) {
                for (size_t j = 0; j < K; ++j) {
                    if (uni(rng) < o.stability) {
                        row[n++] = prev[l * K + j];
                        used[size_t(prev[l * K + j])] = 1;
                    }
                }
            }
            while (n < K) {
                const double u = uni(rng);
                size_t e = size_t(std::lower_bound(cdf[l].begin(), cdf[l].end(), u) - cdf[l].begin());
                e = std::min(e, E - 1);
                if (used[e]) continue;
                used[e] = 1;
                row[n++] = int32_t(e);
            }
            // router logits of the chosen experts: descending softmax weights
            for (size_t j = 0; j < K; ++j)
                logits[j] = 1.2 * normal(rng);
            std::sort(logits.begin(), logits.end(), std::greater<>());
            double sum = 0.0;
            for (size_t j = 0; j < K; ++j)
                sum += std::exp(logits[j] - logits[0]);
            std::shuffle(row, row + K, rng);
            for (size_t j = 0; j < K; ++j)
                w[l * K + j] = float(std::exp(logits[j] - logits[0]) / sum);
        }
        std::copy(ids.begin(), ids.end(), prev.begin());
        moe::RoutingFrame f;
        f.pos = i;
        // the same token ids for every seed: runs of one prompt with different routing
        f.token = int32_t((uint64_t(i) * 2654435761u) % 151936);
        f.n_layers = o.n_layers;
        f.k = o.k;
        f.ids = ids.data();
        f.weights = w.data();
        t.on_routing(f);
    }
    return t;
}

// A complete generate run: prompt of n_prompt tokens, the rest generated.
inline moe::RunRecord synthetic_run(const SyntheticRouting& o, int n_prompt) {
    moe::RunRecord r;
    r.kind = moe::RunKind::generate;
    r.created_at = "2025-03-01T10:00:00Z";
    r.status = moe::RunStatus::complete;
    r.stop_reason = "length";
    r.model.file_name = "synthetic-128x8.gguf";
    r.model.path = "/models/synthetic-128x8.gguf";
    r.model.file_size = 17'000'000'000ull;
    r.model.content_hash = "0123456789abcdef";
    r.model.name = "Synthetic 128x8";
    r.model.arch = "qwen3moe";
    r.model.quant_mix = "Q4_K 91.0%, Q6_K 8.0%, F32 1.0%";
    r.model.total_params = 30'500'000'000ull;
    r.model.active_params = 3'300'000'000ull;
    r.model.n_layers = o.n_layers;
    r.model.n_experts = o.n_experts;
    r.model.n_experts_used = o.k;
    r.hardware = { "Synthetic CPU", 16, 64ull << 30, "", 0, "", "" };
    r.build = { "0.1.0", "abc1234" };
    r.backend = "cpu";
    r.settings.temperature = 0.7f;
    r.settings.top_k = 40;
    r.settings.top_p = 0.95f;
    r.settings.min_p = 0.05f;
    r.settings.repeat_penalty = 1.1f;
    r.settings.repeat_last_n = 64;
    r.settings.seed = o.seed;
    r.settings.n_predict = o.n_tokens - n_prompt + 1;
    r.settings.n_ctx = o.n_tokens + 16;
    r.settings.n_threads = 16;
    r.settings.n_batch = 64;
    r.settings.experts_used = o.k;
    r.routing = synthetic_trace(o);
    for (int i = 0; i < n_prompt && size_t(i) < r.routing.size(); ++i)
        r.prompt_ids.push_back(r.routing.token(size_t(i)));
    std::mt19937_64 rng(o.seed + 7);
    std::lognormal_distribution<double> ms(std::log(25.0), 0.15);
    const int n_out = o.n_tokens - n_prompt + 1;
    for (int i = 0; i < n_out; ++i) {
        const size_t at = size_t(n_prompt + i);
        r.output_ids.push_back(at < r.routing.size() ? r.routing.token(at) : 2);
        r.token_ms.push_back(ms(rng));
    }
    r.prefill_ms = 0.4 * n_prompt;
    r.ttft_ms = r.prefill_ms + (r.token_ms.empty() ? 0.0 : r.token_ms[0]);
    return r;
}

} // namespace moe_test
