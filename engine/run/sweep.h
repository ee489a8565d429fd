#pragma once
// Quality against cost of routing policies: a text scored under each
// setting of a sweep (runtime/routing_policy.h) on one loaded model, against
// the model's own routing. Per setting: perplexity, the KL divergence of the
// next-token distribution from the model's own, top-1 agreement with it,
// mean experts per token, weight bytes per token (both exact, from the
// routing trace) and measured decode tokens/s. Each setting is one score
// run (a RunRecord, its notes naming the sweep); `moe-cli sweep` and the
// window's Experiments tab both run it here.
#include "run/runner.h"
#include "runtime/routing_policy.h"

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace moe {

struct SweepSetting {
    std::string family; // "top-k", "top-p", "entropy", "skip", "policy": the curve it belongs to
    RoutingPolicy policy;
};

// The settings of "top-k=1..8", "top-p=0.5:0.95:0.05" (from:to:step),
// "entropy=1..8" (k_max, k_min 1), "skip=0.05:0.3:0.05" (on the model's own
// top-k) or one policy as parse_routing_policy reads it; a list of values
// "top-k=1,2,4" works too. Throws moe::Error naming what is wrong.
std::vector<SweepSetting> parse_sweep(std::string_view spec);

struct SweepPoint {
    std::string family;
    std::string policy; // routing_policy_string of the resolved policy
    bool baseline = false; // the model's own routing
    double perplexity = 0.0;
    double mean_nll = 0.0;
    double kl = 0.0; // mean over positions of KL(own ‖ this) of the next-token distributions, nats
    double top1_agreement = 0.0; // share of positions whose most likely next token is the own routing's
    double experts_per_token = 0.0; // mean per MoE layer
    double weight_bytes_per_token = 0.0; // dense part + experts used, mean over the scored tokens
    double decode_tokens_per_s = 0.0; // greedy decoding of decode_tokens tokens; 0: not measured
    bool pareto = false; // no other point has both fewer experts per token and lower perplexity
    std::vector<double> nll; // per position
    int64_t run_id = 0; // the score run, once stored
};

struct SweepRequest {
    Prompt text;
    std::vector<SweepSetting> settings;
    int decode_tokens = 32; // tokens decoded per setting to measure speed (0: not measured)
};

struct SweepResult {
    std::string created_at;
    std::string model; // file name
    int n_tokens = 0;
    std::vector<SweepPoint> points; // the model's own routing first, then the settings in order
    bool cancelled = false;
};

struct SweepCallbacks {
    // Before each setting: index, count and the policy. Return false to cancel.
    std::function<bool(int i, int n, const std::string& policy)> on_progress;
    // Each setting's score run as it completes (to record it); returns its
    // run id or 0.
    std::function<int64_t(const RunRecord& record)> on_record;
    // Each point as it is measured (not yet marked Pareto-best).
    std::function<void(const SweepPoint& point)> on_point;
    std::atomic<bool>* cancel = nullptr; // checked between settings
};

// Runs the sweep on the runner's model; the runner's routing is restored
// afterwards. A text longer than the context is scored in windows of the
// context's length (run/chunked_score.h). Throws moe::Error.
SweepResult run_sweep(Runner& runner, const SweepRequest& request, const SweepCallbacks& callbacks = {});

// The Pareto-best points (perplexity against experts per token) marked in place.
void mark_pareto(std::vector<SweepPoint>& points);

nlohmann::ordered_json sweep_to_json(const SweepResult& r);
// One row per point: family, policy, perplexity, kl, top1, experts, bytes, tok/s, pareto.
std::string sweep_to_csv(const SweepResult& r);

} // namespace moe
