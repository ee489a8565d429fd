#include "runtime/routing_policy.h"

#include "error.h"
#include "model/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace moe {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

int parse_int(std::string_view s, std::string_view what) {
    int v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
        throw Error(fmt::format("routing policy: {} takes a whole number, not '{}'", what, s));
    }
    return v;
}

double parse_double(std::string_view s, std::string_view what) {
    const std::string str(s);
    char* end = nullptr;
    const double v = std::strtod(str.c_str(), &end);
    if (str.empty() || end != str.c_str() + str.size() || !std::isfinite(v)) {
        throw Error(fmt::format("routing policy: {} takes a number, not '{}'", what, s));
    }
    return v;
}

ExpertRef parse_expert(std::string_view s, const char* what) {
    ExpertRef r;
    const size_t colon = s.find(':');
    if (colon == std::string_view::npos) {
        r.expert = parse_int(trim(s), what);
    } else {
        r.layer = parse_int(trim(s.substr(0, colon)), what);
        r.expert = parse_int(trim(s.substr(colon + 1)), what);
    }
    if (r.expert < 0 || (colon != std::string_view::npos && r.layer < 0)) {
        throw Error(fmt::format("routing policy: {} '{}' names a negative layer or expert", what, s));
    }
    return r;
}

std::string expert_string(const ExpertRef& r) {
    return r.layer < 0 ? std::to_string(r.expert) : fmt::format("{}:{}", r.layer, r.expert);
}

bool applies(const ExpertRef& r, int layer, int expert) {
    return (r.layer < 0 || r.layer == layer) && r.expert == expert;
}

bool listed(const std::vector<ExpertRef>& v, int layer, int expert) {
    return std::any_of(v.begin(), v.end(), [&](const ExpertRef& r) { return applies(r, layer, expert); });
}

} // namespace

void parse_expert_list(std::string_view list, std::vector<ExpertRef>& out, const char* what) {
    while (!list.empty()) {
        const size_t comma = list.find(',');
        const std::string_view item = trim(list.substr(0, comma));
        if (!item.empty()) out.push_back(parse_expert(item, what));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

RoutingPolicy parse_routing_policy(std::string_view spec) {
    RoutingPolicy p;
    bool kind_given = false;
    auto set_kind = [&](RoutingPolicy::Kind k, std::string_view item) {
        if (kind_given) throw Error(fmt::format("routing policy: '{}' is a second policy in '{}'", item, spec));
        kind_given = true;
        p.kind = k;
    };
    std::string_view rest = spec;
    while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (item.empty() || item == "model") continue;
        const size_t eq = item.find('=');
        const std::string_view key = trim(item.substr(0, eq));
        const std::string_view value = eq == std::string_view::npos ? std::string_view() : trim(item.substr(eq + 1));
        const bool has_value = eq != std::string_view::npos;
        if (key == "entropy" && !has_value) {
            set_kind(RoutingPolicy::Kind::entropy, item);
        } else if (!has_value) {
            throw Error(fmt::format("routing policy: '{}' needs a value (key=value); the keys are top-k, top-p, "
                                    "entropy, min, max, skip, layer-k, mask, force",
                item));
        } else if (key == "top-k") {
            set_kind(RoutingPolicy::Kind::top_k, item);
            p.k = parse_int(value, "top-k");
            if (p.k < 1) throw Error(fmt::format("routing policy: top-k={} must be at least 1", p.k));
        } else if (key == "top-p") {
            set_kind(RoutingPolicy::Kind::top_p, item);
            p.p = parse_double(value, "top-p");
        } else if (key == "min") {
            p.k_min = parse_int(value, "min");
        } else if (key == "max") {
            p.k_max = parse_int(value, "max");
        } else if (key == "skip") {
            p.skip = parse_double(value, "skip");
        } else if (key == "layer-k") {
            const ExpertRef r = parse_expert(value, "layer-k");
            if (r.layer < 0) throw Error(fmt::format("routing policy: layer-k takes LAYER:K, not '{}'", value));
            if (size_t(r.layer) >= p.layer_k.size()) p.layer_k.resize(size_t(r.layer) + 1, 0);
            p.layer_k[size_t(r.layer)] = r.expert;
        } else if (key == "mask") {
            p.mask.push_back(parse_expert(value, "mask"));
        } else if (key == "force") {
            p.force.push_back(parse_expert(value, "force"));
        } else {
            throw Error(fmt::format("routing policy: unknown key '{}' in '{}' (top-k, top-p, entropy, min, max, skip, "
                                    "layer-k, mask, force)",
                key, spec));
        }
    }
    return p;
}

std::string routing_policy_string(const RoutingPolicy& p) {
    std::vector<std::string> parts;
    switch (p.kind) {
    case RoutingPolicy::Kind::top_k:
        if (p.k > 0) parts.push_back(fmt::format("top-k={}", p.k));
        break;
    case RoutingPolicy::Kind::top_p:
        parts.push_back(fmt::format("top-p={}", p.p));
        break;
    case RoutingPolicy::Kind::entropy:
        parts.push_back("entropy");
        break;
    }
    if (p.kind != RoutingPolicy::Kind::top_k) {
        parts.push_back(fmt::format("min={}", p.k_min));
        if (p.k_max > 0) parts.push_back(fmt::format("max={}", p.k_max));
    }
    for (size_t l = 0; l < p.layer_k.size(); ++l) {
        if (p.layer_k[l] > 0) parts.push_back(fmt::format("layer-k={}:{}", l, p.layer_k[l]));
    }
    if (p.skip > 0) parts.push_back(fmt::format("skip={}", p.skip));
    for (const ExpertRef& r : p.mask)
        parts.push_back("mask=" + expert_string(r));
    for (const ExpertRef& r : p.force)
        parts.push_back("force=" + expert_string(r));
    std::string s;
    for (const std::string& x : parts)
        s += (s.empty() ? "" : ",") + x;
    return s;
}

RoutingPolicy resolve_routing_policy(const RoutingPolicy& in, const ModelConfig& c, int top_k_override) {
    RoutingPolicy p = in;
    if (!c.is_moe) {
        if (!in.is_plain_top_k() || in.k > 0) {
            throw Error("the model is dense: it has no experts to route, so it takes no routing policy");
        }
        return p;
    }
    const int E = c.n_expert, L = c.n_layer;
    const int base_k = top_k_override > 0 ? top_k_override : c.n_expert_used;
    if (p.kind == RoutingPolicy::Kind::top_k && p.k == 0) p.k = base_k;
    if (p.k_max == 0) p.k_max = base_k;
    auto within = [&](int k, const std::string& what) {
        if (k < 1 || k > E) throw Error(fmt::format("routing policy: {} is {}; the model has {} experts", what, k, E));
    };
    if (p.kind == RoutingPolicy::Kind::top_k) within(p.k, "top-k");
    if (p.kind != RoutingPolicy::Kind::top_k) {
        within(p.k_min, "min");
        within(p.k_max, "max");
        if (p.k_min > p.k_max) throw Error(fmt::format("routing policy: min={} is above max={}", p.k_min, p.k_max));
    }
    if (p.kind == RoutingPolicy::Kind::top_p && !(p.p > 0.0 && p.p <= 1.0)) {
        throw Error(fmt::format("routing policy: top-p={} is outside (0, 1]", p.p));
    }
    if (!(p.skip >= 0.0 && p.skip < 1.0)) throw Error(fmt::format("routing policy: skip={} is outside [0, 1)", p.skip));
    if (int(p.layer_k.size()) > L) {
        throw Error(
            fmt::format("routing policy: layer-k names layer {}; the model has {} layers", p.layer_k.size() - 1, L));
    }
    for (size_t l = 0; l < p.layer_k.size(); ++l) {
        if (p.layer_k[l] != 0) within(p.layer_k[l], fmt::format("layer-k of layer {}", l));
    }
    for (const auto* list : { &p.mask, &p.force }) {
        const char* what = list == &p.mask ? "mask" : "force";
        for (const ExpertRef& r : *list) {
            if (r.layer >= L)
                throw Error(
                    fmt::format("routing policy: {} names layer {}; the model has {} layers", what, r.layer, L));
            if (r.expert >= E)
                throw Error(
                    fmt::format("routing policy: {} names expert {}; the model has {} experts", what, r.expert, E));
        }
    }
    for (int l = 0; l < L; ++l) {
        int masked = 0;
        for (int e = 0; e < E; ++e) {
            const bool m = listed(p.mask, l, e);
            masked += int(m);
            if (m && listed(p.force, l, e)) {
                throw Error(fmt::format("routing policy: expert {} of layer {} is both masked and forced", e, l));
            }
        }
        if (masked == E) throw Error(fmt::format("routing policy: every expert of layer {} is masked", l));
    }
    return p;
}

int routing_slots(const RoutingPolicy& p, int n_moe_layers) {
    int n = p.kind == RoutingPolicy::Kind::top_k ? p.k : p.k_max;
    for (int k : p.layer_k)
        n = std::max(n, k);
    for (int l = 0; l < n_moe_layers; ++l) {
        int forced = 0;
        for (const ExpertRef& r : p.force)
            forced += int(r.layer < 0 || r.layer == l);
        n = std::max(n, forced);
    }
    return n;
}

int route_with_policy(const RoutingPolicy& r, int layer, float* p, int E, bool sigmoid, bool norm_topk, int slots,
    int32_t* ids, float* w) {
    // The router's distribution over the experts left after masking: a
    // masked expert's logit is -inf, so softmax renormalises over the rest.
    // Without a mask this is cpu::route's arithmetic, operation for operation.
    thread_local std::vector<int32_t> order, chosen;
    thread_local std::vector<char> masked;
    masked.assign(size_t(E), 0);
    for (const ExpertRef& m : r.mask) {
        if (m.layer < 0 || m.layer == layer) masked[size_t(m.expert)] = 1;
    }
    if (!sigmoid) {
        float mx = -INFINITY;
        for (int e = 0; e < E; ++e)
            if (!masked[size_t(e)]) mx = std::max(mx, p[e]);
        float sum = 0.0f;
        for (int e = 0; e < E; ++e) {
            p[e] = masked[size_t(e)] ? 0.0f : std::exp(p[e] - mx);
            sum += p[e];
        }
        for (int e = 0; e < E; ++e)
            p[e] /= sum;
    } else {
        for (int e = 0; e < E; ++e)
            p[e] = masked[size_t(e)] ? 0.0f : 1.0f / (1.0f + std::exp(-p[e]));
    }
    // candidates by descending probability, ties to the lower id
    order.clear();
    for (int e = 0; e < E; ++e)
        if (!masked[size_t(e)]) order.push_back(e);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return p[a] > p[b]; });
    const int n_cand = int(order.size());

    int n = 0;
    switch (r.kind) {
    case RoutingPolicy::Kind::top_k:
        n = size_t(layer) < r.layer_k.size() && r.layer_k[size_t(layer)] > 0 ? r.layer_k[size_t(layer)] : r.k;
        break;
    case RoutingPolicy::Kind::top_p: {
        // the fewest experts whose share of the router's mass reaches p
        double total = 0.0, cum = 0.0;
        for (int32_t e : order)
            total += double(p[e]);
        n = n_cand;
        for (int i = 0; i < n_cand; ++i) {
            cum += double(p[order[size_t(i)]]);
            if (cum >= r.p * total) {
                n = i + 1;
                break;
            }
        }
        n = std::clamp(n, r.k_min, r.k_max);
        break;
    }
    case RoutingPolicy::Kind::entropy: {
        // k grows linearly with the normalised entropy of the router's distribution
        double total = 0.0, h = 0.0;
        for (int32_t e : order)
            total += double(p[e]);
        for (int32_t e : order) {
            const double q = double(p[e]) / total;
            if (q > 0.0) h -= q * std::log(q);
        }
        const double hn = n_cand > 1 ? h / std::log(double(n_cand)) : 0.0;
        n = r.k_min + int(std::lround(hn * double(r.k_max - r.k_min)));
        break;
    }
    }
    // forced experts first, then the most probable of the rest
    chosen.clear();
    for (int e = 0; e < E; ++e)
        if (listed(r.force, layer, e)) chosen.push_back(e);
    n = std::min(std::max(n, int(chosen.size())), std::min(slots, n_cand));
    for (int i = 0; i < n_cand && int(chosen.size()) < n; ++i) {
        const int32_t e = order[size_t(i)];
        if (std::find(chosen.begin(), chosen.end(), e) == chosen.end()) chosen.push_back(e);
    }
    std::stable_sort(
        chosen.begin(), chosen.end(), [&](int32_t a, int32_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
    // experts whose weight among the chosen is under the threshold are dropped (never the first or a forced one)
    if (r.skip > 0.0) {
        double sum = 0.0;
        for (int32_t e : chosen)
            sum += double(p[e]);
        size_t kept = 0;
        for (size_t j = 0; j < chosen.size(); ++j) {
            const int32_t e = chosen[j];
            if (j == 0 || listed(r.force, layer, e) || double(p[e]) / sum >= r.skip) chosen[kept++] = e;
        }
        chosen.resize(kept);
    }
    const int m = int(chosen.size());
    for (int j = 0; j < m; ++j) {
        ids[j] = chosen[size_t(j)];
        w[j] = p[chosen[size_t(j)]];
    }
    if (norm_topk) {
        float sum = 0.0f;
        for (int j = 0; j < m; ++j)
            sum += w[j];
        for (int j = 0; j < m; ++j)
            w[j] /= sum;
    }
    for (int j = m; j < slots; ++j) {
        ids[j] = -1;
        w[j] = 0.0f;
    }
    return m;
}

} // namespace moe
