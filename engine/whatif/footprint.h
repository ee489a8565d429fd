#pragma once
// What a projection needs to know about a model's bytes, and what a run's
// routing trace says about how many experts a batch touches. Built from the
// model file when it is at hand (exact bytes per expert and per block), else
// estimated from the run record alone (its file size and measured bytes per
// token), and said which.
#include "telemetry/routing.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moe {

class Model;
struct RunRecord;

struct ModelFootprint {
    std::string source; // "model file" or "run record (expert sizes estimated)"
    uint64_t weight_bytes = 0; // every weight
    uint64_t dense_bytes_per_token = 0; // read every token outside the routed experts
    std::vector<uint64_t> expert_bytes; // per MoE layer (a trace row): one expert's gate, up and down
    std::vector<int> blocks; // model block (llama.cpp's blk.N) of each MoE layer
    int n_experts = 0; // per MoE layer
    int k = 0; // experts per token
    uint64_t kv_f32_bytes_per_position = 0; // as this engine caches them (F32); 0: not known
    uint64_t total_params = 0;
    uint64_t active_params = 0;

    int n_moe_layers() const { return int(expert_bytes.size()); }
    uint64_t expert_bytes_total() const; // every expert of every layer
    uint64_t resident_bytes() const { return weight_bytes - expert_bytes_total(); } // all but the routed experts
};

ModelFootprint footprint_of(const Model& model);
// Without the file: one expert's bytes from (file size - bytes per token) /
// (layers x (experts - k)), every layer alike; blocks numbered as the layers.
ModelFootprint footprint_of(const RunRecord& run);

// Distinct experts a batch of B tokens touches per decode step, taken from
// a trace: the mean over `draws` random sets of B of its tokens (fixed seed),
// per MoE layer. Tokens of one sequence stand in for B independent ones.
struct BatchPoint {
    int batch = 0;
    std::vector<double> distinct; // per MoE layer
    double distinct_mean() const;
};
// Points at B = 1, 2, 4, ... and the trace's token count.
std::vector<BatchPoint> batch_curve(const RoutingTrace& trace, int draws = 16);

// Per MoE layer, how often each expert was chosen over the trace (ids of -1,
// slots a routing policy left empty, are not counted).
std::vector<std::vector<uint64_t>> expert_counts(const RoutingTrace& trace, int n_experts);

} // namespace moe

namespace moe {

// The footprint for a stored run: from `model_path` when given, else from
// the file the run names when it is still there with the same content
// hash, else estimated from the record. `note` says which, and why.
ModelFootprint footprint_for_run(const RunRecord& run, const std::string& model_path, std::string* note);

} // namespace moe
