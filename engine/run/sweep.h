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
#include "store/sweep_record.h"

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

struct SweepRequest {
    Prompt text;
    std::vector<SweepSetting> settings;
    int decode_tokens = 32; // tokens decoded per setting to measure speed (0: not measured)
    std::string spec; // the settings as the user gave them, kept with the sweep
};

struct SweepCallbacks {
    // Before each setting: index, count and the policy. Return false to cancel.
    std::function<bool(int i, int n, const std::string& policy)> on_progress;
    // Each setting's score run as it completes (to record it); returns its
    // run id or 0.
    std::function<int64_t(const RunRecord& record)> on_record;
    // Each point as it is measured (not yet marked Pareto-best).
    std::function<void(const SweepPoint& point)> on_point;
    // Set from any thread to stop the sweep within one batch of tokens (or
    // one decoded token): the settings finished are kept, the one in
    // progress is discarded and named in SweepResult::discarded.
    std::atomic<bool>* cancel = nullptr;
    RoutingObserver* routing = nullptr; // every token the sweep's runs process
};

// Runs the sweep on the runner's model; the runner's routing is restored
// afterwards. Runner::cancel() from another thread stops the setting in
// progress the same way as `cancel`, and the sweep with it. A text longer than the context is scored in windows of the
// context's length (run/chunked_score.h). Throws moe::Error.
SweepResult run_sweep(Runner& runner, const SweepRequest& request, const SweepCallbacks& callbacks = {});

// The Pareto-best points (perplexity against experts per token) marked in place.
void mark_pareto(std::vector<SweepPoint>& points);

nlohmann::ordered_json sweep_to_json(const SweepResult& r);
// One row per point: family, policy, perplexity, kl, top1, experts, bytes, tok/s, pareto.
std::string sweep_to_csv(const SweepResult& r);
// How a cancelled sweep ended, in words ("" when it was not cancelled).
std::string sweep_cancel_text(const SweepResult& r);

} // namespace moe
