#pragma once
// Token sampling: repetition penalty, then top-k, top-p and min-p filters,
// then temperature; temperature 0 is greedy. Seeded and deterministic: the
// same seed, logits and history give the same token on every machine.
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace moe {

struct SamplerOptions {
    float temperature = 0.8f; // 0: greedy
    int top_k = 40; // 0: off
    float top_p = 0.95f; // 1: off
    float min_p = 0.05f; // 0: off
    float repeat_penalty = 1.0f; // 1: off
    int repeat_last_n = 64;
    uint64_t seed = 0;
};

class Sampler {
public:
    Sampler(const SamplerOptions& opts, int n_vocab);
    // history: tokens so far (prompt and generated), for the repetition penalty.
    int32_t sample(const float* logits, std::span<const int32_t> history);
    const SamplerOptions& options() const { return m_opts; }

private:
    struct Candidate {
        int32_t id;
        float logit;
        float p;
    };
    SamplerOptions m_opts;
    int m_n_vocab;
    std::mt19937_64 m_rng;
    std::vector<Candidate> m_cand; // reused between calls
};

} // namespace moe
