#include "telemetry/routing_stats.h"

#include "error.h"
#include "telemetry/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace moe {

double mean_experts_per_token(const RoutingTrace& t, size_t begin, size_t end) {
    end = std::min(end, t.size());
    if (begin >= end || t.n_layers() <= 0) return 0.0;
    const size_t per = size_t(t.n_layers()) * size_t(t.k());
    const int32_t* ids = t.ids(begin, 0);
    size_t used = 0;
    for (size_t i = 0; i < (end - begin) * per; ++i)
        used += size_t(ids[i] >= 0);
    return double(used) / (double(end - begin) * double(t.n_layers()));
}

double js_divergence(std::span<const double> p, std::span<const double> q) {
    if (p.size() != q.size()) throw Error(fmt::format("JS divergence of {} and {} values", p.size(), q.size()));
    double sp = 0.0, sq = 0.0;
    for (size_t i = 0; i < p.size(); ++i) {
        sp += p[i];
        sq += q[i];
    }
    if (sp <= 0.0 || sq <= 0.0) return 0.0;
    // ½ KL(P‖M) + ½ KL(Q‖M), M = (P + Q) / 2; terms with a zero vanish
    double js = 0.0;
    for (size_t i = 0; i < p.size(); ++i) {
        const double a = p[i] / sp, b = q[i] / sq, m = 0.5 * (a + b);
        if (a > 0.0) js += 0.5 * a * std::log(a / m);
        if (b > 0.0) js += 0.5 * b * std::log(b / m);
    }
    return std::max(js, 0.0);
}

LoadOverPosition load_over_position(const RoutingTrace& t, int layer, int n_experts, size_t window) {
    if (window == 0) throw Error("load over position: a window of 0 tokens");
    LoadOverPosition r;
    r.layer = layer;
    r.window = window;
    const LayerBalance whole = layer_balance(t, layer, n_experts, 0, t.size(), false);
    r.whole = whole.share;
    double drift_sum = 0.0;
    for (size_t b = 0; b < t.size(); b += window) {
        size_t e = std::min(b + window, t.size());
        if (t.size() - e < window / 2) e = t.size(); // a short tail joins this window
        const LayerBalance lb = layer_balance(t, layer, n_experts, b, e, false);
        LoadWindow w;
        w.begin = b;
        w.end = e;
        w.share = lb.share;
        w.imbalance = lb.imbalance;
        w.drift = js_divergence(w.share, r.whole);
        const auto top = std::max_element(w.share.begin(), w.share.end());
        w.top_expert = int(top - w.share.begin());
        w.top_share = *top;
        drift_sum += w.drift;
        if (w.drift > r.max_drift) {
            r.max_drift = w.drift;
            r.max_drift_window = r.windows.size();
        }
        r.windows.push_back(std::move(w));
        if (e == t.size()) break;
    }
    if (!r.windows.empty()) r.mean_drift = drift_sum / double(r.windows.size());
    return r;
}

std::vector<std::vector<TokenAffinity>> expert_token_affinity(
    const RoutingTrace& t, int layer, int n_experts, size_t top_n, int64_t min_seen) {
    if (t.size() > 0 && (layer < 0 || layer >= t.n_layers())) {
        throw Error(fmt::format("layer {} is not in the trace ({} MoE layers)", layer, t.n_layers()));
    }
    std::unordered_map<int32_t, int64_t> seen;
    std::vector<std::unordered_map<int32_t, int64_t>> routed(size_t(std::max(n_experts, 0)));
    for (size_t i = 0; i < t.size(); ++i) {
        const int32_t tok = t.token(i);
        ++seen[tok];
        const int32_t* ids = t.ids(i, layer);
        for (int j = 0; j < t.k(); ++j) {
            if (ids[j] < 0) continue;
            if (ids[j] >= n_experts) {
                throw Error(fmt::format("expert {} in the trace is outside the {} experts", ids[j], n_experts));
            }
            ++routed[size_t(ids[j])][tok];
        }
    }
    std::vector<std::vector<TokenAffinity>> out(routed.size());
    for (size_t e = 0; e < routed.size(); ++e) {
        for (const auto& [tok, n] : routed[e]) {
            const int64_t s = seen[tok];
            if (s < min_seen) continue;
            out[e].push_back({ tok, n, s, double(n) / double(s) });
        }
        std::sort(out[e].begin(), out[e].end(), [](const TokenAffinity& a, const TokenAffinity& b) {
            if (a.specialisation != b.specialisation) return a.specialisation > b.specialisation;
            if (a.routed != b.routed) return a.routed > b.routed;
            return a.token < b.token;
        });
        if (out[e].size() > top_n) out[e].resize(top_n);
    }
    return out;
}

DomainLoad domain_load(
    std::span<const std::string> domains, std::span<const RoutingTrace* const> traces, int layer, int n_experts) {
    if (domains.size() != traces.size()) throw Error("domain load: one trace per domain");
    DomainLoad d;
    d.domains.assign(domains.begin(), domains.end());
    const size_t E = size_t(n_experts), D = domains.size();
    for (const RoutingTrace* t : traces) {
        std::vector<double> c(E, 0.0);
        const int l0 = layer < 0 ? 0 : layer, l1 = layer < 0 ? t->n_layers() : layer + 1;
        for (int l = l0; l < l1; ++l) {
            const LayerBalance b = layer_balance(*t, l, n_experts, 0, t->size(), false);
            for (size_t e = 0; e < E; ++e)
                c[e] += double(b.counts[e]);
        }
        double sum = 0.0;
        for (double v : c)
            sum += v;
        for (double& v : c)
            v = sum > 0.0 ? v / sum : 0.0;
        d.share.push_back(std::move(c));
    }
    d.specificity.assign(D, std::vector<double>(E, 1.0));
    d.most_specific.assign(D, -1);
    for (size_t i = 0; i < D; ++i) {
        double best = -1.0;
        for (size_t e = 0; e < E; ++e) {
            double others = 0.0;
            for (size_t j = 0; j < D; ++j)
                if (j != i) others += d.share[j][e];
            others = D > 1 ? others / double(D - 1) : d.share[i][e];
            // a small floor keeps an expert the other domains never use finite
            const double s = (d.share[i][e] + 1e-6) / (others + 1e-6);
            d.specificity[i][e] = s;
            if (s > best) {
                best = s;
                d.most_specific[i] = int(e);
            }
        }
    }
    return d;
}

} // namespace moe
