#pragma once
// Routing policies: how many and which experts a token goes to, chosen at
// inference from the router's probabilities. The model's own rule is a
// fixed top-k; a policy can take a different k (per layer too), adapt k per
// token to the router's cumulative mass (top-p) or to its entropy, drop
// experts whose renormalised weight is small, never choose masked experts
// and always choose forced ones. The family's renormalisation rule
// (norm_topk) is kept: renormalising families renormalise over the experts
// actually chosen, the others keep the router's raw probabilities.
//
// A token's experts fill `slots` entries (the most any token can take);
// unused entries have id -1 and weight 0 and are skipped by grouping,
// combining, telemetry and the metrics.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moe {

struct ModelConfig;

struct ExpertRef {
    int layer = -1; // MoE layer, -1: every layer
    int expert = 0;
    bool operator==(const ExpertRef&) const = default;
};

struct RoutingPolicy {
    enum class Kind { top_k, top_p, entropy };
    Kind kind = Kind::top_k;
    int k = 0; // top_k: experts per token (0: the model's own or the --top-k override)
    std::vector<int> layer_k; // top_k: per-layer k (0 or missing entries: k)
    double p = 0.9; // top_p: cumulative router mass to reach
    int k_min = 1; // top_p, entropy: fewest experts per token
    int k_max = 0; // top_p, entropy: most experts per token (0: the model's own k)
    double skip = 0.0; // drop experts whose weight, renormalised over the chosen, is under this (the first stays)
    std::vector<ExpertRef> mask; // never chosen (removed from the router's distribution)
    std::vector<ExpertRef> force; // always chosen

    bool operator==(const RoutingPolicy&) const = default;
    // The model's own routing (a plain top-k, no mask, force, skip or per-layer k):
    // backends without policy support run it.
    bool is_plain_top_k() const {
        return kind == Kind::top_k && layer_k.empty() && skip == 0.0 && mask.empty() && force.empty();
    }
};

// Parses "top-k=2", "top-p=0.8,min=1,max=4", "entropy,min=1,max=8",
// "top-k=4,layer-k=0:8,skip=0.1,mask=3,mask=1:5,force=2" (comma separated;
// mask/force as EXPERT or LAYER:EXPERT). Empty: the default policy. Throws
// moe::Error naming the part that is wrong.
RoutingPolicy parse_routing_policy(std::string_view spec);
// Adds "3,1:5" (EXPERT or LAYER:EXPERT, comma separated) to `out`.
void parse_expert_list(std::string_view list, std::vector<ExpertRef>& out, const char* what);
// The canonical text parse_routing_policy reads back; "" for the default policy.
std::string routing_policy_string(const RoutingPolicy& p);

// The policy with every default made explicit for this model and the --top-k
// override (k, k_max), checked against it: k within the experts, k_min <=
// k_max, p in (0, 1], skip in [0, 1), mask and force naming existing layers
// and experts and not the same expert, something left unmasked in every
// layer. Throws moe::Error.
RoutingPolicy resolve_routing_policy(const RoutingPolicy& p, const ModelConfig& c, int top_k_override);
// Entries every token's routing row needs under a resolved policy.
int routing_slots(const RoutingPolicy& resolved, int n_moe_layers);

// One token of MoE layer `layer`: router logits (E) → probabilities
// (softmax over the unmasked experts, or sigmoid per expert) → the policy's
// choice → weights by the family's rule, written to ids/w (`slots` entries,
// descending weight, ties to the lower id; unused: -1 and 0). `logits` is
// overwritten with the probabilities (masked: 0). Returns the experts chosen.
int route_with_policy(const RoutingPolicy& resolved, int layer, float* logits, int E, bool sigmoid, bool norm_topk,
    int slots, int32_t* ids, float* w);

} // namespace moe
