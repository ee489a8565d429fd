#pragma once
// Load-balance metrics of a routing trace, defined once here (see
// ARCHITECTURE.md "Metrics"); the CLI, the run store and the GUI only
// display them. Over a window of T tokens of one MoE layer with E experts
// and top-k routing, c_e is the number of tokens routed to expert e.
#include "telemetry/routing.h"

#include <cstdint>
#include <vector>

namespace moe {

struct LayerBalance {
    std::vector<int64_t> counts; // c_e, (E)
    std::vector<double> share; // p_e = c_e / Σc (k T under a fixed top-k), (E)
    double imbalance = 0.0; // max(c) / mean(c); 1 is perfect
    double efficiency = 0.0; // mean(c) / max(c)
    double cv = 0.0; // std(c) / mean(c), population std
    double entropy = 0.0; // H(p) / ln(E), in [0, 1]
    double coverage = 0.0; // share of experts with c_e > 0
    double stability = 0.0; // mean over t of |topk(t) ∩ topk(t-1)| / max(|topk(t)|, |topk(t-1)|), k when fixed
    std::vector<int64_t> coactivation; // (E, E) tokens that chose both e and f; diagonal = c_e
};

// Metrics of `layer` over trace entries [begin, end); E experts.
// An empty window gives zero counts and zero metrics.
// Co-activation costs k^2 per token; leave it out (empty) when not needed.
LayerBalance layer_balance(
    const RoutingTrace& trace, int layer, int n_experts, size_t begin, size_t end, bool with_coactivation = true);

// ---- latency ------------------------------------------------------------

// The q-quantile (q in [0, 1]) of `values` by linear interpolation between
// the two closest ranks (numpy's default): sorted v, h = q (n - 1),
// v[floor h] + (h - floor h) (v[floor h + 1] - v[floor h]). Empty: 0.
double percentile(std::vector<double> values, double q);

struct LatencySummary {
    double p50_ms = 0.0;
    double p99_ms = 0.0;
    double decode_tokens_per_s = 0.0; // decode steps / their summed time
    double prefill_tokens_per_s = 0.0; // prompt tokens / prefill time
};

// Decode latency of a generation. token_ms[0] runs from the prompt going in
// to the first token, so it holds the prefill; the percentiles and decode
// rate use the decode steps token_ms[1..] only (none: zeros).
LatencySummary latency_summary(const std::vector<double>& token_ms, size_t n_prompt, double prefill_ms);

// ---- routing agreement between two runs ------------------------------------

struct LayerAgreement {
    int layer = 0;
    double set_match = 0.0; // share of compared tokens whose top-k SETS are equal
    double overlap = 0.0; // mean |A ∩ B| / max(|A|, |B|) over compared tokens (k_a, k_b when fixed)
    int64_t first_divergence = -1; // first trace index whose sets differ; -1: none
};

struct RoutingAgreement {
    size_t n_compared = 0; // length of the common prefix of identical tokens
    int64_t first_token_difference = -1; // trace index where the token ids first differ; -1: none
    std::vector<LayerAgreement> layers; // min(n_layers) of the two traces
    double set_match = 0.0; // over all compared (token, layer) cells
    int64_t first_divergence = -1; // first trace index where any layer's set differs; -1: none
};

// How two traces of the same prompt route, over the common prefix of
// identical (position, token) entries: routing only means something while
// both runs see the same tokens, so comparison stops where the tokens differ.
RoutingAgreement routing_agreement(const RoutingTrace& a, const RoutingTrace& b);

} // namespace moe
