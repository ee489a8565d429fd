#pragma once
// Where the experts should live when the model does not fit on the GPU:
// attention, norms, router, shared experts, dense layers, output head and
// the KV cache go to the GPU first, then as many experts per MoE layer as
// the rest of the budget holds. The cache simulator (cache_sim.h) says what
// share of expert requests then hit the GPU under four policies, and what
// that means per token: bytes over PCIe, and tokens/s when the misses are
// computed on the CPU or fetched over PCIe.
//
// llama.cpp keeps all experts of a layer in one tensor per matrix
// (blk.N.ffn_{gate,up,down}_exps.weight), so it can place a layer's experts
// only all together. The export is therefore the per-layer version of the
// plan: as many whole layers on the GPU as the budget holds, the others on
// the CPU, as one --override-tensor rule and the --n-cpu-moe equivalent.
#include "whatif/cache_sim.h"
#include "whatif/footprint.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moe {

class RoutingTrace;

struct OffloadOptions {
    uint64_t vram_bytes = 0; // GPU memory budget
    double gpu_bandwidth_gb_s = 1008; // the GPU's memory bandwidth
    double efficiency = 0.6; // share of bandwidth reached, on the GPU and the CPU alike
    double pcie_gb_s = 25; // host to GPU, as achieved (PCIe 4.0 x16 carries about 25 GB/s)
    double cpu_bandwidth_gb_s = 50; // the host's memory bandwidth (moe-cli takes the run's measured one)
    uint64_t reserve_bytes = uint64_t(512) << 20; // CUDA context, activations, scratch
    int context = 4096; // KV positions kept on the GPU
    double kv_bytes_per_element = 2; // F16 KV cache
};

struct PolicyResult {
    CachePolicy policy;
    std::vector<CacheStats> layers; // per MoE layer
    CacheStats total;
    double pcie_bytes_per_token = 0; // expert bytes that missed, per token
    double tokens_per_s_cpu = 0; // misses computed on the CPU from host memory
    double tokens_per_s_pcie = 0; // misses fetched over PCIe, computed on the GPU
};

struct OffloadPlan {
    OffloadOptions options;
    uint64_t resident_bytes = 0; // everything but the routed experts
    uint64_t kv_bytes = 0;
    uint64_t expert_budget = 0; // what is left for experts (0 when the rest does not fit)
    bool fits_whole = false; // every expert fits too: nothing to offload
    bool resident_fits = true; // the non-expert part fits at all
    int experts_per_layer = 0; // cache capacity per MoE layer, the same for every policy
    int n_experts = 0;
    std::vector<std::vector<int>> static_experts; // per MoE layer: the experts the static plan keeps
    std::vector<PolicyResult> policies;
    // llama.cpp's per-layer placement
    int gpu_moe_layers = 0; // MoE layers whose whole expert tensors fit
    std::vector<int> cpu_blocks; // blocks whose expert tensors stay on the CPU
    int n_cpu_moe = 0; // --n-cpu-moe N: the first N blocks' experts on the CPU
    std::string override_tensor; // the --override-tensor value ("" when nothing moves)
    PolicyResult llamacpp; // hit rate and speed of that placement
    double all_gpu_tokens_per_s = 0; // with every expert on the GPU (more memory than the budget)
};

OffloadPlan plan_offload(const ModelFootprint& footprint, const RoutingTrace& trace, const OffloadOptions& opt);

// The --override-tensor rule that keeps the experts of `blocks` on the CPU:
// "blk\.(3|4|5)\.ffn_(up|down|gate)_exps\.weight=CPU"; "" for no blocks.
std::string override_tensor_rule(const std::vector<int>& blocks);

// Parses "16GiB", "16 GB", "24000MiB", "1.5T", "17179869184": KiB/MiB/GiB/TiB
// and a bare K/M/G/T are powers of 1024, KB/MB/GB/TB powers of 1000.
// Throws moe::Error naming the text.
uint64_t parse_size(const std::string& text);

} // namespace moe
