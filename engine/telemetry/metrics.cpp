#include "telemetry/metrics.h"

#include "error.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace moe {

LayerBalance layer_balance(const RoutingTrace& trace, int layer, int n_experts, size_t begin, size_t end) {
    if (n_experts <= 0) throw Error(fmt::format("{} experts: the metrics need at least one", n_experts));
    end = std::min(end, trace.size());
    LayerBalance b;
    const size_t E = size_t(n_experts);
    b.counts.assign(E, 0);
    b.share.assign(E, 0.0);
    b.coactivation.assign(E * E, 0);
    if (begin >= end) return b;
    if (layer < 0 || layer >= trace.n_layers()) {
        throw Error(fmt::format("layer {} is not in the trace ({} MoE layers)", layer, trace.n_layers()));
    }
    const int k = trace.k();
    double overlap = 0.0;
    for (size_t t = begin; t < end; ++t) {
        const int32_t* ids = trace.ids(t, layer);
        for (int j = 0; j < k; ++j) {
            if (ids[j] < 0 || size_t(ids[j]) >= E) {
                throw Error(fmt::format("expert {} in the trace is outside the {} experts", ids[j], n_experts));
            }
            b.counts[size_t(ids[j])] += 1;
            for (int i = 0; i < k; ++i) b.coactivation[size_t(ids[j]) * E + size_t(ids[i])] += 1;
        }
        if (t > begin) {
            const int32_t* prev = trace.ids(t - 1, layer);
            int same = 0;
            for (int j = 0; j < k; ++j) same += int(std::find(prev, prev + k, ids[j]) != prev + k);
            overlap += double(same) / double(k);
        }
    }
    const double T = double(end - begin);
    const double total = double(k) * T;
    const double mean = total / double(E);
    double mx = 0.0, var = 0.0, h = 0.0;
    int used = 0;
    for (size_t e = 0; e < E; ++e) {
        const double c = double(b.counts[e]);
        b.share[e] = c / total;
        mx = std::max(mx, c);
        var += (c - mean) * (c - mean);
        if (c > 0) {
            ++used;
            h -= b.share[e] * std::log(b.share[e]);
        }
    }
    var /= double(E);
    b.imbalance = mx / mean;
    b.efficiency = mean / mx;
    b.cv = std::sqrt(var) / mean;
    b.entropy = E > 1 ? h / std::log(double(E)) : 1.0;
    b.coverage = double(used) / double(E);
    b.stability = end - begin > 1 ? overlap / (T - 1.0) : 0.0;
    return b;
}

} // namespace moe
