#pragma once
// What a stored run would do on another device: whether the model fits (and
// on how many), batch-1 decode from the bytes a token reads at the bandwidth
// share the run achieved, prefill from FLOPs per token, the batch at which
// decode turns compute-bound (experts touched per step grow with the batch
// as the run's own trace shows), and what a million tokens cost.
//
// The maths, per device with bandwidth W and peak P at the chosen precision:
//   decode tok/s   = efficiency * W / bytes_per_token
//   prefill tok/s  = compute_efficiency * P / (2 * active_params)
//   step at batch B: bytes(B) = dense + sum_l distinct_l(B) * expert_bytes_l
//                    memory-bound while bytes(B) / (efficiency * W) > B * flops / (compute_efficiency * P)
//   cost per 1M tokens = price_per_hour * devices / (tok/s * 3600) * 1e6
// KV-cache reads and attention FLOPs are left out, as in the run's own
// bytes-per-token figure; the model is split by layers over several
// devices, so a batch-1 token sees one device's bandwidth at a time.
#include "whatif/catalog.h"
#include "whatif/footprint.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moe {

struct RunRecord;

struct ProjectionOptions {
    double efficiency = 0; // share of bandwidth a user sets (0: only the run's own)
    double compute_efficiency = 0.5; // share of peak tensor throughput reached in prefill and large batches
    std::string precision = "bf16"; // whose tensor throughput: bf16, fp8, fp4
    double usable_memory = 0.9; // share of device memory for weights and KV cache
    int context = 0; // KV positions to fit (0: the run's own context)
    double kv_bytes_per_element = 2; // F16 KV cache, as GPU engines keep it (this engine's CPU cache is F32)
};

// What the run measured, the basis of every projection.
struct RunBasis {
    double bytes_per_token = 0; // weight bytes per decoded token, from the trace
    double flops_per_token = 0; // 2 x active parameters
    double efficiency = 0; // achieved / measured bandwidth on the run's machine (0: unknown)
    std::string efficiency_note; // where it came from, or why it is unknown
    double decode_tokens_per_s = 0; // as measured
    double host_bandwidth_gb_s = 0; // the run machine's measured bandwidth
    int context = 0;
    uint64_t kv_bytes = 0; // at `context`, kv_bytes_per_element per value
    uint64_t memory_needed = 0; // weights + KV
    ModelFootprint footprint;
    std::vector<BatchPoint> curve; // distinct experts per step against batch, from the trace
    bool moe() const { return footprint.n_experts > 0 && !footprint.expert_bytes.empty(); }
    double step_bytes(double batch) const; // weight bytes one decode step of `batch` tokens reads
};

RunBasis run_basis(const RunRecord& run, const ModelFootprint& footprint, const ProjectionOptions& opt);

struct BatchBound {
    std::optional<double> batch; // first batch where the step is compute-bound; none: not within reach
    bool lower_bound = false; // only known to be above `batch` (the trace was too short to say)
    double tokens_per_s = 0; // aggregate tok/s at that batch (the step's time, memory = compute)
};

struct DeviceProjection {
    DeviceSpec device;
    uint64_t memory_needed = 0; // bytes
    int devices = 0; // needed to hold weights + KV
    double decode_tokens_per_s = 0; // batch 1, the run's efficiency (0: unknown)
    double decode_tokens_per_s_user = 0; // batch 1, ProjectionOptions::efficiency (0: not set)
    double dense_tokens_per_s = 0; // a dense model of the same total size, same efficiency
    double prefill_tokens_per_s = 0; // 0: no throughput published at the precision
    BatchBound moe_bound; // this model
    BatchBound dense_bound; // the dense model of the same size
    double cost_per_mtok = 0; // batch 1, USD (0: no price or no speed)
    double cost_per_mtok_batched = 0; // at the compute-bound batch
    double joules_per_token = 0; // batch 1 at board power: an upper bound (0: no power figure)
};

DeviceProjection project(const RunBasis& basis, const DeviceSpec& device, const ProjectionOptions& opt);

// MoE against a dense model of the same total size, per token.
struct MoeVsDense {
    uint64_t total_params = 0, active_params = 0;
    double flops_moe = 0, flops_dense = 0; // per token
    double bytes_measured = 0; // from the trace: dense part + experts actually used
    double bytes_nominal = 0; // dense part + k experts per layer
    double bytes_dense = 0; // every weight
    double bytes_shared = 0; // the part every token reads (attention, router, shared experts, dense layers)
};
MoeVsDense moe_vs_dense(const RunBasis& basis);

} // namespace moe
