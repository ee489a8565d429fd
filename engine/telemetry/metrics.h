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
    std::vector<int64_t> counts;  // c_e, (E)
    std::vector<double> share;    // p_e = c_e / (k T), (E)
    double imbalance = 0.0;       // max(c) / mean(c); 1 is perfect
    double efficiency = 0.0;      // mean(c) / max(c)
    double cv = 0.0;              // std(c) / mean(c), population std
    double entropy = 0.0;         // H(p) / ln(E), in [0, 1]
    double coverage = 0.0;        // share of experts with c_e > 0
    double stability = 0.0;       // mean over t of |topk(t) ∩ topk(t-1)| / k
    std::vector<int64_t> coactivation;  // (E, E) tokens that chose both e and f; diagonal = c_e
};

// Metrics of `layer` over trace entries [begin, end); E experts.
// An empty window gives zero counts and zero metrics.
LayerBalance layer_balance(const RoutingTrace& trace, int layer, int n_experts, size_t begin, size_t end);

} // namespace moe
