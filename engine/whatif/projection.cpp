#include "whatif/projection.h"

#include "error.h"
#include "store/run.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace moe {

namespace {

constexpr double k_giga = 1e9;
constexpr double k_tera = 1e12;

// Distinct experts per layer at a batch between the trace's points (linear
// between them; the last point's value beyond, which is exact once every
// expert is touched).
double distinct_at(const std::vector<BatchPoint>& curve, int layer, double batch) {
    if (curve.empty()) return 0;
    if (batch <= curve.front().batch) return curve.front().distinct[size_t(layer)];
    for (size_t i = 1; i < curve.size(); ++i) {
        if (batch <= curve[i].batch) {
            const BatchPoint &a = curve[i - 1], &b = curve[i];
            const double t = (batch - a.batch) / double(b.batch - a.batch);
            return a.distinct[size_t(layer)] + t * (b.distinct[size_t(layer)] - a.distinct[size_t(layer)]);
        }
    }
    return curve.back().distinct[size_t(layer)];
}

// First batch where compute time reaches memory time. `bytes(B)` must be
// non-decreasing in B and `flops_per_token` > 0.
template <typename Bytes>
BatchBound find_bound(
    Bytes bytes, double flops_per_token, double mem_rate, double flop_rate, double max_batch, bool saturated_after) {
    BatchBound r;
    if (mem_rate <= 0 || flop_rate <= 0 || flops_per_token <= 0) return r;
    auto memory_bound = [&](double b) { return bytes(b) / mem_rate > b * flops_per_token / flop_rate; };
    auto rate_at = [&](double b) { return b / std::max(bytes(b) / mem_rate, b * flops_per_token / flop_rate); };
    double lo = 1;
    if (!memory_bound(lo)) {
        r.batch = 1;
        r.tokens_per_s = rate_at(1);
        return r;
    }
    double hi = 2;
    while (hi <= max_batch && memory_bound(hi)) {
        lo = hi;
        hi *= 2;
    }
    if (hi > max_batch) {
        if (!memory_bound(max_batch)) {
            hi = max_batch;
        } else if (saturated_after) {
            // beyond the trace bytes stay what they were at max_batch (every expert touched)
            const double b = std::ceil(bytes(max_batch) / mem_rate * flop_rate / flops_per_token);
            r.batch = b;
            r.tokens_per_s = rate_at(b);
            return r;
        } else {
            r.batch = max_batch;
            r.lower_bound = true;
            r.tokens_per_s = rate_at(max_batch);
            return r;
        }
    }
    // memory-bound at lo, not at hi: the first whole batch in between
    while (hi - lo > 1) {
        const double mid = std::floor((lo + hi) / 2);
        (memory_bound(mid) ? lo : hi) = mid;
    }
    r.batch = hi;
    r.tokens_per_s = rate_at(hi);
    return r;
}

double cost_per_mtok(double price_per_hour, int devices, double tokens_per_s) {
    if (price_per_hour <= 0 || tokens_per_s <= 0) return 0;
    return price_per_hour * double(devices) / (tokens_per_s * 3600.0) * 1e6;
}

} // namespace

double RunBasis::step_bytes(double batch) const {
    if (!moe()) return bytes_per_token;
    double b = double(footprint.dense_bytes_per_token);
    for (int l = 0; l < footprint.n_moe_layers() && l < int(curve.empty() ? 0 : curve.front().distinct.size()); ++l)
        b += distinct_at(curve, l, batch) * double(footprint.expert_bytes[size_t(l)]);
    return b;
}

RunBasis run_basis(const RunRecord& run, const ModelFootprint& footprint, const ProjectionOptions& opt) {
    RunBasis b;
    b.footprint = footprint;
    b.bytes_per_token = run.figures.weight_bytes_per_token;
    if (b.bytes_per_token <= 0)
        throw Error(fmt::format("run {} decoded no token, so it has no bytes per token to project from", run.id));
    b.flops_per_token = 2.0 * double(footprint.active_params);
    b.decode_tokens_per_s = run.decode_tokens_per_s;
    b.host_bandwidth_gb_s = run.figures.memory_bandwidth_gb_per_s;
    if (run.figures.bandwidth_share() > 0) {
        b.efficiency = run.figures.bandwidth_share();
        b.efficiency_note = fmt::format("{:.1f} % of the run machine's measured {:.1f} GB/s", 100 * b.efficiency,
            run.figures.memory_bandwidth_gb_per_s);
        if (b.efficiency > 1) {
            b.efficiency_note += " (above 100 %: the weights fit in the CPU's caches, so main-memory bandwidth "
                                 "understates what it read from; projections carry that over)";
        }
    } else {
        b.efficiency_note = "the run has no measured memory bandwidth (give --efficiency)";
    }
    b.context = opt.context > 0 ? opt.context : run.settings.n_ctx;
    b.kv_bytes = uint64_t(
        double(footprint.kv_f32_bytes_per_position) * opt.kv_bytes_per_element / 4.0 * double(std::max(b.context, 0)));
    b.memory_needed = footprint.weight_bytes + b.kv_bytes;
    if (run.routing.size() > 0 && footprint.n_experts > 0) b.curve = batch_curve(run.routing);
    return b;
}

DeviceProjection project(const RunBasis& basis, const DeviceSpec& d, const ProjectionOptions& opt) {
    DeviceProjection p;
    p.device = d;
    p.memory_needed = basis.memory_needed;
    const double usable = d.memory_gb * k_giga * opt.usable_memory;
    p.devices = usable > 0 ? int(std::ceil(double(p.memory_needed) / usable)) : 0;
    p.devices = std::max(p.devices, 1);
    const double bw = d.bandwidth_gb_s * k_giga;
    const double dense_bytes = double(basis.footprint.weight_bytes);
    if (basis.efficiency > 0) {
        p.decode_tokens_per_s = basis.efficiency * bw / basis.bytes_per_token;
        p.dense_tokens_per_s = basis.efficiency * bw / dense_bytes;
    }
    if (opt.efficiency > 0) p.decode_tokens_per_s_user = opt.efficiency * bw / basis.bytes_per_token;
    const double eff = basis.efficiency > 0 ? basis.efficiency : opt.efficiency;
    const double peak = d.tflops(opt.precision) * k_tera * opt.compute_efficiency;
    if (peak > 0 && basis.flops_per_token > 0) p.prefill_tokens_per_s = peak / basis.flops_per_token;
    if (eff > 0 && peak > 0) {
        const double mem_rate = eff * bw;
        const double max_batch = basis.curve.empty() ? 1 : double(basis.curve.back().batch);
        bool saturated = false;
        if (!basis.curve.empty()) {
            saturated = true;
            for (double v : basis.curve.back().distinct)
                saturated = saturated && v >= double(basis.footprint.n_experts) - 1e-9;
        }
        if (basis.moe()) {
            p.moe_bound = find_bound([&](double b) { return basis.step_bytes(b); }, basis.flops_per_token, mem_rate,
                peak, max_batch, saturated);
        } else {
            p.moe_bound = find_bound(
                [&](double) { return basis.bytes_per_token; }, basis.flops_per_token, mem_rate, peak, 1, true);
        }
        p.dense_bound = find_bound(
            [&](double) { return dense_bytes; }, 2.0 * double(basis.footprint.total_params), mem_rate, peak, 1, true);
    }
    p.cost_per_mtok = cost_per_mtok(d.price_per_hour, p.devices, p.decode_tokens_per_s);
    p.cost_per_mtok_batched = cost_per_mtok(d.price_per_hour, p.devices, p.moe_bound.tokens_per_s);
    if (d.power_w > 0 && p.decode_tokens_per_s > 0) p.joules_per_token = d.power_w * p.devices / p.decode_tokens_per_s;
    return p;
}

MoeVsDense moe_vs_dense(const RunBasis& b) {
    MoeVsDense m;
    const ModelFootprint& f = b.footprint;
    m.total_params = f.total_params;
    m.active_params = f.active_params;
    m.flops_moe = 2.0 * double(f.active_params);
    m.flops_dense = 2.0 * double(f.total_params);
    m.bytes_measured = b.bytes_per_token;
    m.bytes_shared = double(f.dense_bytes_per_token);
    m.bytes_nominal = double(f.dense_bytes_per_token);
    for (uint64_t eb : f.expert_bytes)
        m.bytes_nominal += double(f.k) * double(eb);
    m.bytes_dense = double(f.weight_bytes);
    return m;
}

} // namespace moe
