#pragma once
// make-model presets of the families with latent attention, shared experts
// and grouped routing (deepseek2, glm4moe): their shapes, metadata and
// tensors, written through synth.cpp's tensor writer.
#include "gguf/gguf.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace moe {

struct FamilyPreset {
    const char* name;
    const char* arch; // deepseek2 or glm4moe
    int n_layer, n_embd, n_head, n_vocab, n_ctx;
    float rms_eps, rope_theta;
    int n_expert, n_expert_used, n_ff_exp, n_ff, n_shared, n_dense_lead;
    // deepseek2: latent attention (q_lora 0: a full wq); legacy_kv_b: one attn_kv_b as older files
    int q_lora, kv_lora, qk_nope, qk_rope, v_head;
    bool legacy_kv_b;
    // glm4moe: grouped-query attention with partial rotary
    int n_head_kv, head_dim, n_rot;
    bool qkv_bias, qk_norm;
    int n_nextn; // next-token-prediction blocks after the trunk
    // routing
    int gating; // llama.cpp's expert_gating_func: 1 softmax, 2 sigmoid
    bool expert_bias; // exp_probs_b
    int n_groups, n_group_used;
    bool norm_topk;
    float weights_scale;
    // YaRN (factor 0: none); mscale_all_dim as HF's config has it
    float yarn_factor;
    int yarn_orig_ctx;
    float yarn_mscale_all_dim;
};

// The preset `name` (for tiny/small: of `arch`), or null.
const FamilyPreset* find_family_preset(const std::string& name, const std::string& arch);
std::vector<std::string> family_preset_names();

// The architecture's hyper-parameters as llama.cpp's converter writes them.
void write_family_metadata(GgufWriter& w, const FamilyPreset& p);

// Adds a tensor: name, ne, type, init scale, init offset (synth.cpp's writer).
using AddTensor = std::function<void(const std::string&, std::vector<int64_t>, uint32_t, float, float)>;
void add_family_tensors(const FamilyPreset& p, int n_vocab, uint32_t quant, const AddTensor& add);

} // namespace moe
