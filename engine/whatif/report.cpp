#include "whatif/report.h"

#include "common/units.h"

#include <fmt/format.h>

#include <algorithm>

namespace moe {

using json = nlohmann::ordered_json;

namespace {

std::string num(double v, int digits = 1) {
    return v > 0 ? fmt::format("{:.{}f}", v, digits) : std::string("-");
}

std::string speed(double v) {
    if (v <= 0) return "-";
    return v >= 100 ? fmt::format("{:.0f}", v) : v >= 10 ? fmt::format("{:.1f}", v) : fmt::format("{:.2f}", v);
}

std::string money(double v) {
    if (v <= 0) return "-";
    return v >= 10 ? fmt::format("{:.2f}", v) : v >= 0.01 ? fmt::format("{:.3f}", v) : fmt::format("{:.2g}", v);
}

std::string bound(const BatchBound& b) {
    if (!b.batch) return "-";
    return fmt::format("{}{:.0f}", b.lower_bound ? ">" : "", *b.batch);
}

size_t width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

bool numeric(const std::string& s) {
    return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '>' || s == "-");
}

json opt_number(double v) {
    return v > 0 ? json(v) : json(nullptr);
}

json bound_json(const BatchBound& b) {
    if (!b.batch) return nullptr;
    return { { "batch", *b.batch }, { "lower_bound", b.lower_bound }, { "tokens_per_s", b.tokens_per_s } };
}

} // namespace

std::string table_text(const TextTable& t) {
    std::vector<size_t> w(t.header.size(), 0);
    for (size_t c = 0; c < t.header.size(); ++c)
        w[c] = width(t.header[c]);
    for (const auto& r : t.rows)
        for (size_t c = 0; c < r.size() && c < w.size(); ++c)
            w[c] = std::max(w[c], width(r[c]));
    auto line = [&](const std::vector<std::string>& r, bool head) {
        std::string s;
        for (size_t c = 0; c < r.size() && c < w.size(); ++c) {
            const std::string pad(w[c] - width(r[c]), ' ');
            const bool right = !head && c > 0 && numeric(r[c]);
            s += (c ? "  " : "") + (right ? pad + r[c] : r[c] + (c + 1 < r.size() ? pad : ""));
        }
        return s + "\n";
    };
    std::string out = line(t.header, true);
    for (const auto& r : t.rows)
        out += line(r, false);
    return out;
}

std::string table_csv(const TextTable& t) {
    auto field = [](const std::string& s) {
        if (s.find_first_of(",\"\n") == std::string::npos) return s;
        std::string q = "\"";
        for (char c : s)
            q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    auto line = [&](const std::vector<std::string>& r) {
        std::string s;
        for (size_t c = 0; c < r.size(); ++c)
            s += (c ? "," : "") + field(r[c]);
        return s + "\n";
    };
    std::string out = line(t.header);
    for (const auto& r : t.rows)
        out += line(r);
    return out;
}

std::vector<std::pair<std::string, std::string>> basis_lines(const RunBasis& b, const ProjectionOptions& opt) {
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&](std::string l, std::string v) { out.emplace_back(std::move(l), std::move(v)); };
    const MoeVsDense m = moe_vs_dense(b);
    add("model sizes", b.footprint.source);
    add("bytes per token",
        fmt::format("{} measured (experts the trace used), {} at top-{}, {} for a dense model of the same size",
            format_bytes(m.bytes_measured), format_bytes(m.bytes_nominal), b.footprint.k, format_bytes(m.bytes_dense)));
    add("read by every token",
        fmt::format("{} (attention, router, shared experts, dense layers, output)", format_bytes(m.bytes_shared)));
    add("parameters",
        fmt::format(
            "{} total, {} active", format_count(double(m.total_params)), format_count(double(m.active_params))));
    add("FLOPs per token",
        fmt::format(
            "{} (MoE) against {} (dense of the same size)", format_count(m.flops_moe), format_count(m.flops_dense)));
    add("efficiency", b.efficiency_note);
    if (opt.efficiency > 0)
        add("user efficiency", fmt::format("{:.1f} % of each device's bandwidth", 100 * opt.efficiency));
    add("prefill", fmt::format("{:.0f} % of peak {} tensor throughput", 100 * opt.compute_efficiency, opt.precision));
    add("memory needed",
        fmt::format("{} = {} weights + {} KV cache ({} positions, {:.0f} bytes a value); {:.0f} % of a device usable",
            format_bytes(double(b.memory_needed)), format_bytes(double(b.footprint.weight_bytes)),
            format_bytes(double(b.kv_bytes)), b.context, opt.kv_bytes_per_element, 100 * opt.usable_memory));
    if (b.decode_tokens_per_s > 0)
        add("measured decode", fmt::format("{:.2f} tokens/s on the run's machine", b.decode_tokens_per_s));
    if (!b.curve.empty()) {
        std::string s;
        for (const BatchPoint& p : b.curve)
            s += fmt::format("{}B={}: {:.1f}", s.empty() ? "" : ", ", p.batch, p.distinct_mean());
        add("experts per layer a step touches", s + fmt::format(" (of {}; from the trace)", b.footprint.n_experts));
    }
    return out;
}

TextTable whatif_table(const std::vector<DeviceProjection>& ps, const ProjectionOptions& opt) {
    TextTable t;
    t.header = { "device", "status", "memory GB", "GB/s", "devices", "decode tok/s" };
    if (opt.efficiency > 0) t.header.push_back(fmt::format("at {:.0f} %", 100 * opt.efficiency));
    for (const char* h : { "dense tok/s", "prefill tok/s", "compute-bound batch", "dense batch", "$/h", "$/Mtok",
             "$/Mtok batched", "J/token" })
        t.header.push_back(h);
    for (const DeviceProjection& p : ps) {
        std::vector<std::string> r = { p.device.name, p.device.status, num(p.device.memory_gb, 0),
            num(p.device.bandwidth_gb_s, 0), std::to_string(p.devices), speed(p.decode_tokens_per_s) };
        if (opt.efficiency > 0) r.push_back(speed(p.decode_tokens_per_s_user));
        for (std::string v :
            { speed(p.dense_tokens_per_s), speed(p.prefill_tokens_per_s), bound(p.moe_bound), bound(p.dense_bound),
                money(p.device.price_per_hour), money(p.cost_per_mtok), money(p.cost_per_mtok_batched),
                p.joules_per_token > 0 ? fmt::format("{:.3g}", p.joules_per_token) : "-" })
            r.push_back(v);
        t.rows.push_back(std::move(r));
    }
    return t;
}

json whatif_json(const RunBasis& b, const std::vector<DeviceProjection>& ps, const ProjectionOptions& opt) {
    const MoeVsDense m = moe_vs_dense(b);
    json curve = json::array();
    for (const BatchPoint& p : b.curve)
        curve.push_back({ { "batch", p.batch }, { "distinct_experts_per_layer", p.distinct_mean() },
            { "step_bytes", b.step_bytes(p.batch) } });
    json j = { { "basis",
                   { { "model_sizes", b.footprint.source }, { "bytes_per_token", b.bytes_per_token },
                       { "flops_per_token", b.flops_per_token }, { "efficiency", opt_number(b.efficiency) },
                       { "efficiency_note", b.efficiency_note }, { "decode_tokens_per_s", b.decode_tokens_per_s },
                       { "context", b.context }, { "kv_bytes", b.kv_bytes }, { "memory_needed", b.memory_needed },
                       { "batch_curve", curve } } },
        { "moe_vs_dense",
            { { "total_params", m.total_params }, { "active_params", m.active_params }, { "flops_moe", m.flops_moe },
                { "flops_dense", m.flops_dense }, { "bytes_measured", m.bytes_measured },
                { "bytes_nominal", m.bytes_nominal }, { "bytes_dense", m.bytes_dense },
                { "bytes_shared", m.bytes_shared } } },
        { "options",
            { { "efficiency", opt_number(opt.efficiency) }, { "compute_efficiency", opt.compute_efficiency },
                { "precision", opt.precision }, { "usable_memory", opt.usable_memory },
                { "kv_bytes_per_element", opt.kv_bytes_per_element } } } };
    json devices = json::array();
    for (const DeviceProjection& p : ps) {
        const DeviceSpec& d = p.device;
        devices.push_back({ { "name", d.name }, { "vendor", d.vendor }, { "kind", d.kind },
            { "generation", d.generation }, { "year", d.year }, { "status", d.status }, { "memory_gb", d.memory_gb },
            { "bandwidth_gb_s", d.bandwidth_gb_s }, { "source", d.source }, { "source_date", d.source_date },
            { "devices", p.devices }, { "memory_needed", p.memory_needed },
            { "decode_tokens_per_s", opt_number(p.decode_tokens_per_s) },
            { "decode_tokens_per_s_user", opt_number(p.decode_tokens_per_s_user) },
            { "dense_tokens_per_s", opt_number(p.dense_tokens_per_s) },
            { "prefill_tokens_per_s", opt_number(p.prefill_tokens_per_s) },
            { "compute_bound_batch", bound_json(p.moe_bound) },
            { "dense_compute_bound_batch", bound_json(p.dense_bound) },
            { "price_per_hour", opt_number(d.price_per_hour) }, { "cost_per_mtok", opt_number(p.cost_per_mtok) },
            { "cost_per_mtok_batched", opt_number(p.cost_per_mtok_batched) },
            { "joules_per_token_at_board_power", opt_number(p.joules_per_token) } });
    }
    j["devices"] = devices;
    return j;
}

std::vector<std::pair<std::string, std::string>> offload_lines(const OffloadPlan& p) {
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&](std::string l, std::string v) { out.emplace_back(std::move(l), std::move(v)); };
    const OffloadOptions& o = p.options;
    add("GPU memory",
        fmt::format("{} = {} non-expert weights + {} KV cache ({} positions) + {} reserve + {} for experts",
            format_bytes(double(o.vram_bytes)), format_bytes(double(p.resident_bytes)),
            format_bytes(double(p.kv_bytes)), o.context, format_bytes(double(o.reserve_bytes)),
            format_bytes(double(p.expert_budget))));
    if (!p.resident_fits)
        add("verdict", "the non-expert weights and the KV cache alone do not fit: nothing to plan");
    else if (p.fits_whole)
        add("verdict", "every expert fits: nothing needs to leave the GPU");
    else
        add("verdict", fmt::format("{} of {} experts per layer fit on the GPU", p.experts_per_layer, p.n_experts));
    add("speeds assume",
        fmt::format("GPU {:.0f} GB/s, host {:.1f} GB/s, both at {:.0f} %; PCIe {:.1f} GB/s", o.gpu_bandwidth_gb_s,
            o.cpu_bandwidth_gb_s, 100 * o.efficiency, o.pcie_gb_s));
    add("all experts on the GPU",
        fmt::format("{} tokens/s (needs more memory than the budget)", speed(p.all_gpu_tokens_per_s)));
    add("llama.cpp placement",
        fmt::format("{} MoE layers' experts on the GPU, {} on the CPU", p.gpu_moe_layers, p.cpu_blocks.size()));
    add("--n-cpu-moe", std::to_string(p.n_cpu_moe));
    add("--override-tensor", p.override_tensor.empty() ? std::string("(none: nothing moves)") : p.override_tensor);
    add("note",
        "llama.cpp stores a layer's experts in one tensor per matrix, so it places experts a whole layer at a "
        "time: the per-expert plans above cannot be expressed per expert; the rule is the per-layer plan");
    return out;
}

TextTable offload_policy_table(const OffloadPlan& p) {
    TextTable t;
    t.header = { "placement", "experts per layer", "hit rate", "PCIe bytes/token", "tok/s (misses on CPU)",
        "tok/s (misses over PCIe)" };
    auto row = [&](const std::string& name, const std::string& per_layer, const PolicyResult& r) {
        t.rows.push_back({ name, per_layer, fmt::format("{:.1f} %", 100 * r.total.hit_rate()),
            format_bytes(r.pcie_bytes_per_token), speed(r.tokens_per_s_cpu), speed(r.tokens_per_s_pcie) });
    };
    for (const PolicyResult& r : p.policies)
        row(cache_policy_name(r.policy), std::to_string(p.experts_per_layer), r);
    row("llama.cpp (whole layers)", fmt::format("all in {} layers", p.gpu_moe_layers), p.llamacpp);
    return t;
}

TextTable offload_layer_table(const OffloadPlan& p) {
    TextTable t;
    t.header = { "layer" };
    for (const PolicyResult& r : p.policies)
        t.header.push_back(cache_policy_name(r.policy));
    t.header.push_back("llama.cpp");
    const size_t L = p.policies.empty() ? 0 : p.policies.front().layers.size();
    for (size_t l = 0; l < L; ++l) {
        std::vector<std::string> r = { std::to_string(l) };
        for (const PolicyResult& pr : p.policies)
            r.push_back(fmt::format("{:.1f} %", 100 * pr.layers[l].hit_rate()));
        r.push_back(fmt::format("{:.0f} %", 100 * p.llamacpp.layers[l].hit_rate()));
        t.rows.push_back(std::move(r));
    }
    return t;
}

json offload_json(const OffloadPlan& p) {
    auto policy = [](const PolicyResult& r) {
        json layers = json::array();
        for (const CacheStats& s : r.layers)
            layers.push_back(s.hit_rate());
        return json { { "hit_rate", r.total.hit_rate() }, { "requests", r.total.requests }, { "hits", r.total.hits },
            { "pcie_bytes_per_token", r.pcie_bytes_per_token }, { "tokens_per_s_misses_on_cpu", r.tokens_per_s_cpu },
            { "tokens_per_s_misses_over_pcie", r.tokens_per_s_pcie }, { "hit_rate_per_layer", layers } };
    };
    json policies = json::object();
    for (const PolicyResult& r : p.policies)
        policies[cache_policy_name(r.policy)] = policy(r);
    const OffloadOptions& o = p.options;
    return { { "vram_bytes", o.vram_bytes }, { "resident_bytes", p.resident_bytes }, { "kv_bytes", p.kv_bytes },
        { "reserve_bytes", o.reserve_bytes }, { "expert_budget", p.expert_budget }, { "fits_whole", p.fits_whole },
        { "resident_fits", p.resident_fits }, { "experts_per_layer", p.experts_per_layer },
        { "n_experts", p.n_experts }, { "static_experts", p.static_experts }, { "policies", policies },
        { "llamacpp",
            { { "gpu_moe_layers", p.gpu_moe_layers }, { "cpu_blocks", p.cpu_blocks }, { "n_cpu_moe", p.n_cpu_moe },
                { "override_tensor", p.override_tensor }, { "placement", policy(p.llamacpp) },
                { "note",
                    "llama.cpp places a layer's experts together (one tensor per matrix), so the plan is exported per "
                    "layer" } } },
        { "all_gpu_tokens_per_s", p.all_gpu_tokens_per_s },
        { "assumptions",
            { { "gpu_bandwidth_gb_s", o.gpu_bandwidth_gb_s }, { "cpu_bandwidth_gb_s", o.cpu_bandwidth_gb_s },
                { "efficiency", o.efficiency }, { "pcie_gb_s", o.pcie_gb_s }, { "context", o.context },
                { "kv_bytes_per_element", o.kv_bytes_per_element } } } };
}

} // namespace moe
