#include "runtime/sampler.h"

#include "error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace moe {

Sampler::Sampler(const SamplerOptions& opts, int n_vocab)
    : m_opts(opts)
    , m_n_vocab(n_vocab)
    , m_rng(opts.seed) {
    if (!(opts.temperature >= 0.0f) || !std::isfinite(opts.temperature)) {
        throw Error(fmt::format("temperature {} must be a finite number, 0 or more", opts.temperature));
    }
    if (opts.top_k < 0) throw Error(fmt::format("top-k {} must be 0 or more", opts.top_k));
    if (!(opts.top_p > 0.0f && opts.top_p <= 1.0f)) throw Error(fmt::format("top-p {} must be in (0, 1]", opts.top_p));
    if (!(opts.min_p >= 0.0f && opts.min_p < 1.0f)) throw Error(fmt::format("min-p {} must be in [0, 1)", opts.min_p));
    if (!(opts.repeat_penalty > 0.0f) || !std::isfinite(opts.repeat_penalty)) {
        throw Error(fmt::format("repeat penalty {} must be a positive finite number", opts.repeat_penalty));
    }
    m_cand.reserve(size_t(n_vocab));
}

int32_t Sampler::sample(const float* logits, std::span<const int32_t> history) {
    m_cand.clear();
    for (int i = 0; i < m_n_vocab; ++i)
        m_cand.push_back({ i, logits[i], 0.0f });

    // repetition penalty over the last repeat_last_n tokens (each id once)
    if (m_opts.repeat_penalty != 1.0f && m_opts.repeat_last_n > 0) {
        const size_t n = std::min(history.size(), size_t(m_opts.repeat_last_n));
        for (size_t i = history.size() - n; i < history.size(); ++i) {
            const int32_t id = history[i];
            if (id < 0 || id >= m_n_vocab) continue;
            Candidate& c = m_cand[size_t(id)];
            if (c.p != 0.0f) continue; // already penalised
            c.logit = c.logit > 0.0f ? c.logit / m_opts.repeat_penalty : c.logit * m_opts.repeat_penalty;
            c.p = 1.0f;
        }
    }

    auto by_logit = [](const Candidate& a, const Candidate& b) {
        return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
    };
    if (m_opts.temperature == 0.0f) {
        return std::min_element(m_cand.begin(), m_cand.end(), by_logit)->id;
    }

    // top-k
    size_t n = m_cand.size();
    if (m_opts.top_k > 0 && size_t(m_opts.top_k) < n) {
        std::partial_sort(m_cand.begin(), m_cand.begin() + m_opts.top_k, m_cand.end(), by_logit);
        n = size_t(m_opts.top_k);
    } else {
        std::sort(m_cand.begin(), m_cand.end(), by_logit);
    }

    // probabilities at temperature 1 for the top-p / min-p filters
    auto softmax = [&](float temp) {
        const float mx = m_cand[0].logit;
        double sum = 0.0;
        for (size_t i = 0; i < n; ++i) {
            m_cand[i].p = std::exp((m_cand[i].logit - mx) / temp);
            sum += m_cand[i].p;
        }
        for (size_t i = 0; i < n; ++i)
            m_cand[i].p = float(m_cand[i].p / sum);
    };
    softmax(1.0f);

    // top-p: the smallest prefix whose mass reaches top_p
    if (m_opts.top_p < 1.0f) {
        double cum = 0.0;
        for (size_t i = 0; i < n; ++i) {
            cum += m_cand[i].p;
            if (cum >= m_opts.top_p) {
                n = i + 1;
                break;
            }
        }
    }
    // min-p: drop tokens less likely than min_p times the best
    if (m_opts.min_p > 0.0f) {
        const float floor_p = m_cand[0].p * m_opts.min_p;
        size_t keep = 1;
        while (keep < n && m_cand[keep].p >= floor_p)
            ++keep;
        n = keep;
    }

    // temperature, then draw
    softmax(m_opts.temperature);
    // 53 random bits -> [0, 1): the same on every standard library, unlike uniform_real_distribution
    const double r = double(m_rng() >> 11) * 0x1.0p-53;
    double cum = 0.0;
    for (size_t i = 0; i < n; ++i) {
        cum += m_cand[i].p;
        if (r < cum) return m_cand[i].id;
    }
    return m_cand[n - 1].id;
}

} // namespace moe
