#include "whatif/offload.h"

#include "error.h"
#include "telemetry/routing.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

namespace moe {

namespace {

// Tokens per second when the GPU reads the non-expert part and the experts
// that hit, and each missed byte goes at `miss_rate` (the CPU computing it
// from host memory, or a PCIe copy the GPU then reads too).
double tokens_per_s(
    double dense, double hit_bytes, double miss_bytes, double gpu_rate, double miss_rate, bool miss_also_on_gpu) {
    double t = (dense + hit_bytes) / gpu_rate + miss_bytes / miss_rate;
    if (miss_also_on_gpu) t += miss_bytes / gpu_rate;
    return t > 0 ? 1.0 / t : 0.0;
}

void finish(PolicyResult& r, const ModelFootprint& f, double n_tokens, const OffloadOptions& opt) {
    double hit = 0, miss = 0;
    r.total = {};
    for (size_t l = 0; l < r.layers.size(); ++l) {
        const CacheStats& s = r.layers[l];
        r.total.requests += s.requests;
        r.total.hits += s.hits;
        hit += double(s.hits) * double(f.expert_bytes[l]);
        miss += double(s.requests - s.hits) * double(f.expert_bytes[l]);
    }
    if (n_tokens <= 0) return;
    hit /= n_tokens;
    miss /= n_tokens;
    r.pcie_bytes_per_token = miss;
    const double gpu = opt.efficiency * opt.gpu_bandwidth_gb_s * 1e9;
    const double cpu = opt.efficiency * opt.cpu_bandwidth_gb_s * 1e9;
    const double pcie = opt.pcie_gb_s * 1e9;
    const double dense = double(f.dense_bytes_per_token);
    r.tokens_per_s_cpu = tokens_per_s(dense, hit, miss, gpu, cpu, false);
    r.tokens_per_s_pcie = tokens_per_s(dense, hit, miss, gpu, pcie, true);
}

} // namespace

std::string override_tensor_rule(const std::vector<int>& blocks) {
    if (blocks.empty()) return {};
    std::string alt;
    for (int b : blocks)
        alt += (alt.empty() ? "" : "|") + std::to_string(b);
    return fmt::format("blk\\.({})\\.ffn_(up|down|gate)_exps\\.weight=CPU", alt);
}

OffloadPlan plan_offload(const ModelFootprint& f, const RoutingTrace& trace, const OffloadOptions& opt) {
    if (f.expert_bytes.empty())
        throw Error("an offload plan needs a mixture-of-experts model: this one has no experts");
    if (trace.n_layers() != f.n_moe_layers()) {
        throw Error(fmt::format("the routing trace has {} MoE layers, the model {}: not the run's model?",
            trace.n_layers(), f.n_moe_layers()));
    }
    OffloadPlan p;
    p.options = opt;
    p.n_experts = f.n_experts;
    p.resident_bytes = f.resident_bytes();
    p.kv_bytes = uint64_t(
        double(f.kv_f32_bytes_per_position) * opt.kv_bytes_per_element / 4.0 * double(std::max(opt.context, 0)));
    const uint64_t fixed = p.resident_bytes + p.kv_bytes + opt.reserve_bytes;
    p.resident_fits = opt.vram_bytes >= fixed;
    p.expert_budget = p.resident_fits ? opt.vram_bytes - fixed : 0;
    p.fits_whole = p.expert_budget >= f.expert_bytes_total();
    // the same number of experts in every layer: the budget over one expert of each layer
    const uint64_t one_each = std::accumulate(f.expert_bytes.begin(), f.expert_bytes.end(), uint64_t(0));
    p.experts_per_layer = one_each ? int(std::min<uint64_t>(p.expert_budget / one_each, uint64_t(f.n_experts))) : 0;

    const int L = f.n_moe_layers();
    const double n_tokens = double(trace.size());
    const auto counts = expert_counts(trace, f.n_experts);
    p.static_experts.resize(size_t(L));
    for (int l = 0; l < L; ++l) {
        std::vector<int> ids(counts[size_t(l)].size());
        std::iota(ids.begin(), ids.end(), 0);
        std::stable_sort(ids.begin(), ids.end(),
            [&](int a, int b) { return counts[size_t(l)][size_t(a)] > counts[size_t(l)][size_t(b)]; });
        ids.resize(std::min(ids.size(), size_t(p.experts_per_layer)));
        std::sort(ids.begin(), ids.end());
        p.static_experts[size_t(l)] = ids;
    }
    for (CachePolicy policy : k_cache_policies) {
        PolicyResult r;
        r.policy = policy;
        for (int l = 0; l < L; ++l)
            r.layers.push_back(simulate_cache(layer_requests(trace, l), p.experts_per_layer, policy));
        finish(r, f, n_tokens, opt);
        p.policies.push_back(std::move(r));
    }

    // llama.cpp: whole layers, the last ones on the GPU so the rest is --n-cpu-moe
    uint64_t left = p.expert_budget;
    p.gpu_moe_layers = 0;
    for (int l = L - 1; l >= 0; --l) {
        const uint64_t b = f.expert_bytes[size_t(l)] * uint64_t(f.n_experts);
        if (b > left) break;
        left -= b;
        ++p.gpu_moe_layers;
    }
    const int n_cpu_layers = L - p.gpu_moe_layers;
    for (int l = 0; l < n_cpu_layers; ++l)
        p.cpu_blocks.push_back(f.blocks[size_t(l)]);
    p.n_cpu_moe = n_cpu_layers > 0 ? f.blocks[size_t(n_cpu_layers - 1)] + 1 : 0;
    p.override_tensor = override_tensor_rule(p.cpu_blocks);
    p.llamacpp.policy = CachePolicy::static_frequency;
    for (int l = 0; l < L; ++l) {
        CacheStats s;
        s.requests = layer_requests(trace, l).size();
        s.hits = l >= n_cpu_layers ? s.requests : 0;
        p.llamacpp.layers.push_back(s);
    }
    finish(p.llamacpp, f, n_tokens, opt);
    PolicyResult all;
    for (int l = 0; l < L; ++l) {
        CacheStats s;
        s.requests = s.hits = layer_requests(trace, l).size();
        all.layers.push_back(s);
    }
    finish(all, f, n_tokens, opt);
    p.all_gpu_tokens_per_s = all.tokens_per_s_cpu;
    return p;
}

uint64_t parse_size(const std::string& text) {
    std::string s;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) s += c;
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.'))
        ++i;
    const std::string num = s.substr(0, i);
    std::string unit = s.substr(i);
    for (char& c : unit)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    double v = 0;
    try {
        size_t used = 0;
        v = std::stod(num, &used);
        if (used != num.size()) throw std::invalid_argument(num);
    } catch (const std::exception&) {
        throw Error(fmt::format("'{}' is not a size (say 16GiB, 24GB or 17179869184)", text));
    }
    double scale = 0;
    if (unit.empty() || unit == "b")
        scale = 1;
    else if (unit == "k" || unit == "kib")
        scale = 1024.0;
    else if (unit == "kb")
        scale = 1e3;
    else if (unit == "m" || unit == "mib")
        scale = 1024.0 * 1024;
    else if (unit == "mb")
        scale = 1e6;
    else if (unit == "g" || unit == "gib")
        scale = 1024.0 * 1024 * 1024;
    else if (unit == "gb")
        scale = 1e9;
    else if (unit == "t" || unit == "tib")
        scale = 1024.0 * 1024 * 1024 * 1024;
    else if (unit == "tb")
        scale = 1e12;
    if (scale == 0 || !(v > 0) || v * scale > 1.8e19)
        throw Error(fmt::format("'{}' is not a size (say 16GiB, 24GB or 17179869184)", text));
    return uint64_t(std::llround(v * scale));
}

} // namespace moe
