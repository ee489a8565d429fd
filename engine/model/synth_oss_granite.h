#pragma once
// make-model presets of gpt-oss and Granite MoE: their shapes, metadata,
// tensors, special tokens and chat templates, written through synth.cpp's
// tensor writer (synth_families.h's AddTensor).
#include "gguf/gguf.h"
#include "model/synth_families.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moe {

struct OssGranitePreset {
    const char* name;
    const char* arch; // gpt-oss or granitemoe
    int n_layer, n_embd, n_head, n_head_kv, head_dim, n_vocab, n_ctx;
    float rms_eps, rope_theta;
    int n_expert, n_expert_used, n_ff_exp;
    // gpt-oss: sliding window, YaRN (factor 0: none); experts_mxfp4: experts in MXFP4 whatever --quant says
    int n_swa;
    float yarn_factor;
    int yarn_orig_ctx;
    bool experts_mxfp4;
    // granitemoe: shared expert width (0: none) and the multipliers
    int n_ff_shexp;
    float embd_scale, attn_scale, residual_scale, logit_scale;
};

// The preset `name` (for tiny/small/...: of `arch`), or null.
const OssGranitePreset* find_oss_granite_preset(const std::string& name, const std::string& arch);
std::vector<std::string> oss_granite_preset_names();

// The architecture's hyper-parameters as llama.cpp's converter writes them.
void write_oss_granite_metadata(GgufWriter& w, const OssGranitePreset& p);
void add_oss_granite_tensors(const OssGranitePreset& p, int n_vocab, uint32_t quant, const AddTensor& add);

// The family's special tokens (after the synthetic vocabulary's own), chat
// template and end-of-reply token, for an architecture; empty/null for others.
std::vector<std::string> synth_extra_specials(const std::string& arch);
const char* synth_chat_template(const std::string& arch);
const char* synth_eos_token(const std::string& arch);

} // namespace moe
