// `moe-cli selftest`'s model checks: a synthetic model of each architecture
// and type on the CPU reference and on the backend under test, compared by
// NLL, routing and greedy tokens.
#include "selftest_cmd.h"

#include "error.h"
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "runtime/cuda_hook.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>

using json = nlohmann::ordered_json;

namespace selftest {

namespace {

constexpr double kNllTol = 1e-2;
constexpr float kGateTie = 1e-3f;
constexpr float kLogitTie = 1e-4f;

std::unique_ptr<moe::Backend> make(const std::string& backend, std::shared_ptr<moe::Model> m, int n_ctx, int batch) {
    moe::BackendOptions o;
    o.n_ctx = n_ctx;
    o.max_batch = batch;
    if (backend == "cuda") return moe::make_cuda_backend(std::move(m), o);
    return moe::make_backend(moe::BackendKind::cpu, std::move(m), o);
}

// -log softmax(logits)[target]
double nll_of(const float* logits, int n_vocab, int target) {
    double mx = -INFINITY;
    for (int i = 0; i < n_vocab; ++i)
        mx = std::max(mx, double(logits[i]));
    double s = 0.0;
    for (int i = 0; i < n_vocab; ++i)
        s += std::exp(double(logits[i]) - mx);
    return -(double(logits[target]) - mx - std::log(s));
}

int argmax(const float* v, int n, float* gap) {
    int best = 0, second = -1;
    for (int i = 1; i < n; ++i) {
        if (v[i] > v[best]) {
            second = best;
            best = i;
        } else if (second < 0 || v[i] > v[second]) {
            second = i;
        }
    }
    if (gap) *gap = second < 0 ? INFINITY : v[best] - v[second];
    return best;
}

} // namespace

std::vector<int32_t> greedy_tokens(
    moe::Backend& b, int n_vocab, const std::vector<int32_t>& prompt, int steps, std::vector<float>* gaps) {
    std::vector<int32_t> out;
    const int n = int(prompt.size());
    b.forward(prompt.data(), n, 0, false);
    int row = n - 1; // without all_logits only the last token's row is valid
    for (int s = 0; s < steps; ++s) {
        float gap = 0.0f;
        const int32_t tok = argmax(b.logits(row), n_vocab, &gap);
        out.push_back(tok);
        if (gaps) gaps->push_back(gap);
        if (s + 1 == steps || n + s >= b.n_ctx()) break;
        b.forward(&tok, 1, n + s, false);
        row = 0;
    }
    return out;
}

ParityResult check_model(const std::string& backend, const std::string& arch, const std::string& type,
    const std::string& dir, int greedy_steps, uint64_t seed) {
    ParityResult r;
    r.arch = arch;
    r.type = type;
    try {
        moe::SynthOptions so;
        so.arch = arch;
        so.preset = "small"; // rows of 256: every block format holds every tensor
        so.seed = seed;
        if (!moe::type_from_name(type.c_str(), &so.quant)) throw moe::Error(fmt::format("unknown type {}", type));
        const std::string path = fmt::format("{}/{}-{}.gguf", dir, arch, type);
        moe::write_synthetic_model(so, path);
        auto model = std::shared_ptr<moe::Model>(moe::Model::load(path));
        const int V = model->config().n_vocab;
        const int n_ctx = 256, batch = 32;
        auto ref = make("cpu", model, n_ctx, batch);
        auto test = make(backend, model, n_ctx, batch);

        // a 48-token sequence: the first 32 as one prefill batch, the rest one by one (decode path)
        std::mt19937_64 rng(seed * 7919 + std::hash<std::string> {}(arch + type));
        std::vector<int32_t> toks(48);
        for (auto& t : toks)
            t = int32_t(rng() % uint64_t(V));
        const int n_pre = 32;
        double nll_a = 0, nll_b = 0;
        int n_nll = 0;
        const int L = ref->n_moe_layers(), K = ref->top_k();
        auto compare_routing = [&](int i) {
            for (int l = 0; l < L; ++l) {
                ++r.routing_frames;
                const int32_t* ia = ref->routing_ids(i, l);
                const int32_t* ib = test->routing_ids(i, l);
                const float* wa = ref->routing_weights(i, l);
                const float* wb = test->routing_weights(i, l);
                std::vector<int32_t> sa(ia, ia + K), sb(ib, ib + K);
                std::sort(sa.begin(), sa.end());
                std::sort(sb.begin(), sb.end());
                if (sa == sb) continue;
                // near-tie: the weakest expert of the reference set and the expert that replaced it had gates within
                // 1e-3
                const float weakest_a = *std::min_element(wa, wa + K);
                bool tie = true;
                for (int j = 0; j < K; ++j) {
                    if (!std::binary_search(sa.begin(), sa.end(), ib[j]) && std::fabs(wb[j] - weakest_a) > kGateTie) {
                        tie = false;
                    }
                }
                (tie ? r.routing_near_ties : r.routing_mismatch) += 1;
            }
        };
        ref->forward(toks.data(), n_pre, 0, true);
        test->forward(toks.data(), n_pre, 0, true);
        for (int i = 0; i < n_pre; ++i) {
            nll_a += nll_of(ref->logits(i), V, toks[size_t(i) + 1]);
            nll_b += nll_of(test->logits(i), V, toks[size_t(i) + 1]);
            ++n_nll;
            compare_routing(i);
        }
        for (int p = n_pre; p + 1 < int(toks.size()); ++p) {
            ref->forward(&toks[size_t(p)], 1, p, false);
            test->forward(&toks[size_t(p)], 1, p, false);
            nll_a += nll_of(ref->logits(0), V, toks[size_t(p) + 1]);
            nll_b += nll_of(test->logits(0), V, toks[size_t(p) + 1]);
            ++n_nll;
            compare_routing(0);
        }
        r.nll_ref = nll_a / n_nll;
        r.nll_test = nll_b / n_nll;

        // greedy decoding from the first 8 tokens, each backend on its own output (F32 only)
        if (type == "F32" && greedy_steps > 0) {
            r.greedy_steps = greedy_steps;
            const std::vector<int32_t> prompt(toks.begin(), toks.begin() + 8);
            std::vector<float> gaps;
            const auto ga = greedy_tokens(*ref, V, prompt, greedy_steps, &gaps);
            const auto gb = greedy_tokens(*test, V, prompt, greedy_steps);
            r.greedy_steps = int(ga.size());
            while (r.greedy_match < int(std::min(ga.size(), gb.size()))
                && ga[size_t(r.greedy_match)] == gb[size_t(r.greedy_match)]) {
                ++r.greedy_match;
            }
            // a first difference where the reference's top two logits were within 1e-4 is a near-tie
            if (r.greedy_match < r.greedy_steps) r.greedy_near_tie = gaps[size_t(r.greedy_match)] < kLogitTie;
        }
        r.ok = std::fabs(r.nll_ref - r.nll_test) <= kNllTol && r.routing_mismatch == 0
            && (r.greedy_steps == 0 || r.greedy_match == r.greedy_steps || r.greedy_near_tie);
        std::filesystem::remove(path);
    } catch (const std::exception& e) {
        r.error = e.what();
        r.ok = false;
    }
    return r;
}

} // namespace selftest
