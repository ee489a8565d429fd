#include "telemetry/metrics.h"

#include "error.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

namespace moe {

LayerBalance layer_balance(
    const RoutingTrace& trace, int layer, int n_experts, size_t begin, size_t end, bool with_coactivation) {
    if (n_experts <= 0) throw Error(fmt::format("{} experts: the metrics need at least one", n_experts));
    end = std::min(end, trace.size());
    LayerBalance b;
    const size_t E = size_t(n_experts);
    b.counts.assign(E, 0);
    b.share.assign(E, 0.0);
    if (with_coactivation) b.coactivation.assign(E * E, 0);
    if (begin >= end) return b;
    if (layer < 0 || layer >= trace.n_layers()) {
        throw Error(fmt::format("layer {} is not in the trace ({} MoE layers)", layer, trace.n_layers()));
    }
    const int k = trace.k();
    double overlap = 0.0, assigned = 0.0;
    std::array<uint64_t, 4> prev_mask {};
    int prev_used = 0;
    for (size_t t = begin; t < end; ++t) {
        const int32_t* ids = trace.ids(t, layer);
        int used = 0; // entries a routing policy left unused (id -1) are skipped
        for (int j = 0; j < k; ++j) {
            if (ids[j] == -1) continue;
            ++used;
            if (ids[j] < 0 || size_t(ids[j]) >= E) {
                throw Error(fmt::format("expert {} in the trace is outside the {} experts", ids[j], n_experts));
            }
            b.counts[size_t(ids[j])] += 1;
            if (with_coactivation) {
                for (int i = 0; i < k; ++i)
                    if (ids[i] >= 0) b.coactivation[size_t(ids[j]) * E + size_t(ids[i])] += 1;
            }
        }
        // |topk(t) ∩ topk(t-1)| as the popcount of two expert bitmasks
        std::array<uint64_t, 4> mask {};
        for (int j = 0; j < k; ++j)
            if (ids[j] >= 0) mask[size_t(ids[j]) >> 6 & 3] |= uint64_t(1) << (ids[j] & 63);
        if (t > begin) {
            int same = 0;
            if (E <= 256) {
                for (size_t w = 0; w < 4; ++w)
                    same += __builtin_popcountll(mask[w] & prev_mask[w]);
            } else {
                const int32_t* prev = trace.ids(t - 1, layer);
                for (int j = 0; j < k; ++j)
                    same += int(ids[j] >= 0 && std::find(prev, prev + k, ids[j]) != prev + k);
            }
            const int most = std::max(used, prev_used);
            overlap += most > 0 ? double(same) / double(most) : 1.0;
        }
        prev_mask = mask;
        prev_used = used;
        assigned += double(used);
    }
    const double T = double(end - begin);
    const double total = assigned; // k T under a fixed top-k
    if (total == 0.0) return b;
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

double percentile(std::vector<double> values, double q) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    q = std::clamp(q, 0.0, 1.0);
    const double h = q * double(values.size() - 1);
    const size_t lo = size_t(std::floor(h));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (h - double(lo)) * (values[hi] - values[lo]);
}

LatencySummary latency_summary(const std::vector<double>& token_ms, size_t n_prompt, double prefill_ms) {
    LatencySummary s;
    if (prefill_ms > 0.0) s.prefill_tokens_per_s = 1000.0 * double(n_prompt) / prefill_ms;
    if (token_ms.size() < 2) return s;
    std::vector<double> decode(token_ms.begin() + 1, token_ms.end());
    double sum = 0.0;
    for (double v : decode)
        sum += v;
    s.p50_ms = percentile(decode, 0.50);
    s.p99_ms = percentile(decode, 0.99);
    s.decode_tokens_per_s = sum > 0.0 ? 1000.0 * double(decode.size()) / sum : 0.0;
    return s;
}

namespace {

// Sorted copy of one row's expert ids, so sets compare with std::equal and
// intersect in one merge pass.
// (Entries a routing policy left unused, id -1, are not experts: dropped.)
void sorted_row(const int32_t* ids, int k, std::vector<int32_t>& out) {
    out.clear();
    for (int j = 0; j < k; ++j)
        if (ids[j] >= 0) out.push_back(ids[j]);
    std::sort(out.begin(), out.end());
}

} // namespace

RoutingAgreement routing_agreement(const RoutingTrace& a, const RoutingTrace& b) {
    RoutingAgreement r;
    const size_t n = std::min(a.size(), b.size());
    size_t common = 0;
    while (common < n && a.token(common) == b.token(common) && a.pos(common) == b.pos(common))
        ++common;
    if (common < n) r.first_token_difference = int64_t(common);
    r.n_compared = common;
    const int n_layers = std::min(a.n_layers(), b.n_layers());
    if (n_layers <= 0) return r;
    r.layers.resize(size_t(n_layers));
    const int ka = a.k(), kb = b.k();
    std::vector<int32_t> sa, sb, both;
    size_t matched_cells = 0;
    for (int l = 0; l < n_layers; ++l) {
        LayerAgreement& la = r.layers[size_t(l)];
        la.layer = l;
        size_t matched = 0;
        double overlap = 0.0;
        for (size_t t = 0; t < common; ++t) {
            sorted_row(a.ids(t, l), ka, sa);
            sorted_row(b.ids(t, l), kb, sb);
            const bool same = sa == sb;
            if (same) {
                ++matched;
            } else {
                if (la.first_divergence < 0) la.first_divergence = int64_t(t);
            }
            both.clear();
            std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(both));
            const size_t most = std::max(sa.size(), sb.size());
            overlap += most > 0 ? double(both.size()) / double(most) : 1.0;
        }
        if (common > 0) {
            la.set_match = double(matched) / double(common);
            la.overlap = overlap / double(common);
        }
        matched_cells += matched;
        if (la.first_divergence >= 0 && (r.first_divergence < 0 || la.first_divergence < r.first_divergence)) {
            r.first_divergence = la.first_divergence;
        }
    }
    if (common > 0) r.set_match = double(matched_cells) / (double(common) * double(n_layers));
    return r;
}

} // namespace moe
