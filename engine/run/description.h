#pragma once
// What a person wants to know about a model before and while running it, as
// one typed value: `moe-cli info`, the window's model card and the run
// records all print from a ModelDescription, so they cannot disagree.
#include "model/model.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace moe {

struct TypeShare {
    std::string type; // "Q4_K"
    uint64_t tensors = 0;
    uint64_t bytes = 0;
    uint64_t params = 0;
    double bits_per_weight = 0.0; // bytes * 8 / params
};

struct ModelDescription {
    // file
    std::string path;
    std::string name; // general.name or the file name
    uint64_t file_size = 0;
    uint32_t gguf_version = 0;
    // shape
    std::string architecture; // qwen3moe, ...
    bool is_moe = false;
    int layers = 0;
    int moe_layers = 0;
    int embedding = 0;
    int heads = 0;
    int kv_heads = 0;
    int head_dim = 0;
    int vocabulary = 0;
    int context_train = 0;
    // experts and routing, as the architecture has them
    int experts = 0; // per MoE layer
    int experts_used_model = 0; // the file's own top-k
    int experts_used = 0; // in effect (an override, else the model's)
    int expert_ffn = 0;
    int shared_experts = 0;
    int shared_expert_ffn = 0;
    std::string gating; // "softmax" or "sigmoid": how router logits become weights
    bool renormalised = false; // top-k weights rescaled to sum to 1
    std::string shared_expert_gate; // "sigmoid-gated", "ungated (always on)", or "" without shared experts
    // what a block is made of: its attention and FFN kinds (engine/model/model.h)
    std::string attention; // "grouped-query attention (...)", "multi-head latent attention (...)"
    int dense_lead_layers = 0; // leading blocks with a dense FFN before the MoE blocks
    std::vector<std::string> layer_kinds; // one per block: "MLA + MoE", "GQA + dense FFN", ...
    int expert_groups = 1; // experts in groups (group-limited routing); 1: none
    int expert_groups_used = 1;
    bool correction_bias = false; // a learned bias added to the scores for the choice only
    double routed_scale = 1.0; // routed weights multiplied by this
    uint64_t kv_bytes_per_token = 0; // KV cache bytes per position, all blocks (F32)
    uint64_t mha_kv_bytes_per_token = 0; // what plain multi-head attention would cache
    // what else is particular to the architecture, one line each (gpt-oss's windows and sinks, Granite's multipliers)
    std::vector<std::string> notes;
    // size, at experts_used
    uint64_t tensors = 0;
    std::vector<TypeShare> types; // by bytes, largest first
    uint64_t total_params = 0;
    uint64_t active_params = 0;
    double deactivated_percent = 0.0;
    uint64_t weight_bytes = 0;
    uint64_t active_weight_bytes = 0; // read per decoded token
    // memory, at `context` positions
    int context = 0;
    uint64_t kv_cache_bytes = 0;
    uint64_t memory_needed = 0;
    uint64_t available_bytes = 0;
    // filled once loaded (engine/run/runner.h)
    std::string backend; // cpu, cuda
    std::string backend_reason; // why that backend ("no CUDA device: ...")
    std::string chat_format; // chatml, llama3, plain, ... ; "" without a tokenizer
    std::string chat_format_reason;
    std::string tokenizer; // "gpt2 (qwen2 rule)"; "" without one
};

// Describes a loaded model at `n_ctx` positions (0: the trained context,
// capped at 4096) with `experts_used` experts per token (0: the model's own).
ModelDescription describe_model(const Model& model, int n_ctx = 0, int experts_used = 0);

// The description as `moe-cli info` prints it: label, value (one line each).
std::vector<std::pair<std::string, std::string>> description_lines(const ModelDescription& d);
nlohmann::ordered_json description_json(const ModelDescription& d);

} // namespace moe
