#include "selftest_cmd.h"

#include "error.h"
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "runtime/backend.h"
#include "runtime/cuda_hook.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <random>

#include <unistd.h>

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
    for (int i = 0; i < n_vocab; ++i) mx = std::max(mx, double(logits[i]));
    double s = 0.0;
    for (int i = 0; i < n_vocab; ++i) s += std::exp(double(logits[i]) - mx);
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

std::vector<std::string> all_archs() { return {"qwen3moe", "qwen2moe", "llama", "olmoe", "qwen3"}; }
std::vector<std::string> all_types() { return {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"}; }

bool backend_available(const std::string& backend, std::string* why) {
    if (backend == "cpu") return true;
    return moe::cuda_device_info(why).has_value();
}

ParityResult check_model(const std::string& backend, const std::string& arch, const std::string& type,
                         const std::string& dir, int greedy_steps, uint64_t seed) {
    ParityResult r;
    r.arch = arch;
    r.type = type;
    try {
        moe::SynthOptions so;
        so.arch = arch;
        so.preset = "small";  // rows of 256: every block format holds every tensor
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
        std::mt19937_64 rng(seed * 7919 + std::hash<std::string>{}(arch + type));
        std::vector<int32_t> toks(48);
        for (auto& t : toks) t = int32_t(rng() % uint64_t(V));
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
                // near-tie: the weakest expert of the reference set and the expert that replaced it had gates within 1e-3
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
            const int n_prompt = 8;
            ref->forward(toks.data(), n_prompt, 0, false);
            test->forward(toks.data(), n_prompt, 0, false);
            int32_t ta = 0, tb = 0;
            for (int s = 0; s < greedy_steps && n_prompt + s + 1 < n_ctx; ++s) {
                float gap = 0;
                ta = argmax(ref->logits(0), V, &gap);
                tb = argmax(test->logits(0), V, nullptr);
                if (ta != tb) {
                    r.greedy_near_tie = gap < kLogitTie;
                    break;
                }
                ++r.greedy_match;
                ref->forward(&ta, 1, n_prompt + s, false);
                test->forward(&tb, 1, n_prompt + s, false);
            }
        }
        r.ok = std::fabs(r.nll_ref - r.nll_test) <= kNllTol && r.routing_mismatch == 0 &&
               (r.greedy_steps == 0 || r.greedy_match == r.greedy_steps || r.greedy_near_tie);
        std::filesystem::remove(path);
    } catch (const std::exception& e) {
        r.error = e.what();
        r.ok = false;
    }
    return r;
}

} // namespace selftest

CLI::App* add_selftest_command(CLI::App& app, SelftestArgs& a) {
    a.cmd = app.add_subcommand("selftest", "GPU-vs-CPU parity: per-op checks and tiny models of every architecture and type");
    a.cmd->add_option("--backend", a.backend, "backend checked against the CPU reference")
        ->check(CLI::IsMember({"cuda", "cpu"}));
    a.cmd->add_option("--arch", a.archs, "only these architectures");
    a.cmd->add_option("--type", a.types, "only these tensor types");
    a.cmd->add_option("--greedy-steps", a.greedy_steps, "greedy tokens compared on F32 models");
    a.cmd->add_option("--seed", a.seed, "random seed");
    a.cmd->add_flag("--skip-ops", a.skip_ops, "skip the per-op kernel checks");
    a.cmd->add_flag("--json", a.json, "print one JSON object");
    return a.cmd;
}

int run_selftest_command(const SelftestArgs& a) {
    using json = nlohmann::ordered_json;
    std::string why;
    if (!selftest::backend_available(a.backend, &why)) {
        fmt::print(stderr, "selftest skipped: the {} backend is not available here: {}\n", a.backend, why);
        return 77;
    }
    json j = {{"backend", a.backend}};
    bool all_ok = true;
    if (a.backend == "cuda") {
        if (auto g = moe::cuda_device_info()) {
            j["gpu"] = {{"name", g->name}, {"sm_count", g->sm_count}, {"cc", fmt::format("{}.{}", g->cc_major, g->cc_minor)},
                        {"driver", g->driver_name}, {"cuda_runtime", g->runtime_version}};
            if (!a.json) fmt::print("GPU: {} ({} SMs, cc {}.{}, driver {})\n", g->name, g->sm_count, g->cc_major, g->cc_minor,
                                    g->driver_name);
        }
    }
    if (!a.skip_ops && a.backend == "cuda") {
        json ops = json::array();
        if (!a.json) fmt::print("\n| op | error | tolerance | result |\n|---|---|---|---|\n");
        for (const moe::OpCheck& c : moe::cuda_op_checks(a.seed)) {
            all_ok = all_ok && c.ok;
            ops.push_back({{"op", c.op}, {"error", c.max_err}, {"tol", c.tol}, {"ok", c.ok}});
            if (!a.json) fmt::print("| {} | {:.3g} | {:.3g} | {}{} |\n", c.op, c.max_err, c.tol, c.ok ? "ok" : "FAIL",
                                    c.ok || c.note.empty() ? "" : " (" + c.note + ")");
        }
        j["ops"] = ops;
    }

    const auto dir = std::filesystem::temp_directory_path() / fmt::format("moe-selftest-{}", getpid());
    std::filesystem::create_directories(dir);
    const auto archs = a.archs.empty() ? selftest::all_archs() : a.archs;
    const auto types = a.types.empty() ? selftest::all_types() : a.types;
    json models = json::array();
    if (!a.json) {
        fmt::print("\n| arch | type | NLL cpu | NLL {} | abs diff | top-k sets differing (near-ties) | greedy | result |\n",
                   a.backend);
        fmt::print("|---|---|---|---|---|---|---|---|\n");
    }
    for (const auto& arch : archs) {
        for (const auto& type : types) {
            const auto r = selftest::check_model(a.backend, arch, type, dir.string(), a.greedy_steps, a.seed);
            all_ok = all_ok && r.ok;
            models.push_back({{"arch", r.arch}, {"type", r.type}, {"nll_cpu", r.nll_ref}, {"nll_test", r.nll_test},
                              {"routing_frames", r.routing_frames}, {"routing_mismatch", r.routing_mismatch},
                              {"routing_near_ties", r.routing_near_ties}, {"greedy_steps", r.greedy_steps},
                              {"greedy_match", r.greedy_match}, {"greedy_near_tie", r.greedy_near_tie}, {"ok", r.ok},
                              {"error", r.error}});
            if (a.json) continue;
            if (!r.error.empty()) {
                fmt::print("| {} | {} | error: {} | | | | | FAIL |\n", r.arch, r.type, r.error);
                continue;
            }
            const std::string greedy = r.greedy_steps == 0
                                           ? "-"
                                           : fmt::format("{}/{}{}", r.greedy_match, r.greedy_steps,
                                                         r.greedy_near_tie ? " (near-tie)" : "");
            fmt::print("| {} | {} | {:.5f} | {:.5f} | {:.2e} | {} of {} ({}) | {} | {} |\n", r.arch, r.type, r.nll_ref,
                       r.nll_test, std::fabs(r.nll_ref - r.nll_test), r.routing_mismatch, r.routing_frames,
                       r.routing_near_ties, greedy, r.ok ? "ok" : "FAIL");
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    j["models"] = models;
    j["ok"] = all_ok;
    if (a.json) {
        std::cout << j.dump(2) << "\n";
    } else {
        fmt::print("\nselftest: {}\n", all_ok ? "all checks passed" : "FAILED");
    }
    return all_ok ? 0 : 1;
}
