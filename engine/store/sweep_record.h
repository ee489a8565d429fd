#pragma once
// A sweep as the run store keeps it: quality against cost of routing
// policies on one text (run/sweep.h measures it), one point per setting,
// the model's own routing first, each point naming its score run. Stored
// whole as one record (RunStore::save_sweep), listed beside the runs.
#include <cstdint>
#include <string>
#include <vector>

namespace moe {

struct SweepPoint {
    std::string family; // the curve: "top-k", "top-p", "entropy", "skip", "policy"
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
    std::vector<double> nll; // per position (not stored with the sweep: its score run has it)
    int64_t run_id = 0; // the score run, once stored (0: not stored, or deleted since)
};

struct SweepResult {
    int64_t id = 0; // once stored
    std::string created_at;
    std::string model; // file name
    std::string settings; // the settings as given, e.g. "top-k=1..4; top-p=0.5:0.95:0.15"
    int n_tokens = 0;
    std::vector<SweepPoint> points; // the model's own routing first, then the settings in order
    bool cancelled = false;
    // A cancel in the middle of a setting: that setting (its policy) and the
    // tokens it had scored, thrown away; the finished settings are kept.
    std::string discarded;
    int discarded_tokens = 0;
};

// A stored sweep in a list.
struct SweepSummary {
    int64_t id = 0;
    std::string created_at;
    std::string model;
    std::string settings;
    int n_tokens = 0;
    int n_points = 0;
    bool cancelled = false;
    double best_perplexity = 0.0; // of the points other than the model's own (0: none)
};

} // namespace moe
