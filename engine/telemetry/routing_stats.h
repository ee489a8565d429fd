#pragma once
// What a routing trace says beyond the load-balance metrics of
// telemetry/metrics.h: how many experts tokens really used (under a routing
// policy k varies per token), how the load moves over a long document, and
// what each expert is for (the tokens it takes, the domains it serves).
// Entries with id -1 (unused under a policy) are never counted.
#include "telemetry/routing.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace moe {

// Mean experts per token and MoE layer over trace entries [begin, end); 0 for none.
double mean_experts_per_token(
    const RoutingTrace& trace, size_t begin = 0, size_t end = std::numeric_limits<size_t>::max());

// Jensen–Shannon divergence of two distributions of the same length (natural
// log, so in [0, ln 2]); each is normalised to sum 1 first (all zero: 0).
double js_divergence(std::span<const double> p, std::span<const double> q);

// ---- load over a long document ---------------------------------------------

struct LoadWindow {
    size_t begin = 0, end = 0; // trace entries [begin, end)
    std::vector<double> share; // (E) share of the window's expert assignments
    double imbalance = 0.0; // max(c) / mean(c) in the window
    double drift = 0.0; // JS divergence of the window's share from the whole document's
    int top_expert = -1; // the expert taking the most in the window
    double top_share = 0.0;
};

struct LoadOverPosition {
    int layer = 0;
    size_t window = 0; // tokens per window
    std::vector<double> whole; // (E) share over the whole trace
    std::vector<LoadWindow> windows; // consecutive, the last may be shorter
    double mean_drift = 0.0;
    double max_drift = 0.0;
    size_t max_drift_window = 0;
};

// Expert load of one MoE layer per window of `window` tokens (a last partial
// window of fewer than window/2 tokens joins the previous one). Throws
// moe::Error for window 0 or an expert id outside [0, E).
LoadOverPosition load_over_position(const RoutingTrace& trace, int layer, int n_experts, size_t window);

// ---- what each expert is for -----------------------------------------------

struct TokenAffinity {
    int32_t token = 0;
    int64_t routed = 0; // occurrences of the token routed to the expert
    int64_t seen = 0; // occurrences of the token in the trace
    double specialisation = 0.0; // routed / seen (OLMoE's vocabulary specialisation)
};

// Per expert of one layer, the tokens it takes most often relative to their
// frequency: by specialisation, then by count; tokens seen fewer than
// min_seen times are left out. top_n per expert.
std::vector<std::vector<TokenAffinity>> expert_token_affinity(
    const RoutingTrace& trace, int layer, int n_experts, size_t top_n, int64_t min_seen);

struct DomainLoad {
    std::vector<std::string> domains;
    std::vector<std::vector<double>> share; // (domain, E): share of the domain's assignments, all layers summed
    // (domain, E): share in this domain over its mean share in the other domains (1: no preference)
    std::vector<std::vector<double>> specificity;
    std::vector<int> most_specific; // per domain: the expert with the highest specificity
};

// Domain × expert load over `layer` (-1: every layer) from one trace per domain.
DomainLoad domain_load(
    std::span<const std::string> domains, std::span<const RoutingTrace* const> traces, int layer, int n_experts);

} // namespace moe
