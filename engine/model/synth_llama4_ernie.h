#pragma once
// make-model presets of Llama 4 and ERNIE 4.5 MoE: their shapes, metadata,
// tensors, special tokens and chat templates, written through synth.cpp's
// tensor writer (synth_families.h's AddTensor).
#include "gguf/gguf.h"
#include "model/synth_families.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moe {

struct Llama4ErniePreset {
    const char* name;
    const char* arch; // llama4 or ernie4_5-moe
    int n_layer, n_embd, n_head, n_head_kv, head_dim, n_vocab, n_ctx;
    float rms_eps, rope_theta;
    int n_expert, n_expert_used, n_ff_exp, n_ff;
    int moe_step; // every moe_step-th block (after the leading dense ones) is MoE
    int n_dense_lead; // ernie: leading dense blocks
    int n_shared; // shared experts (llama4: one as wide as a routed expert)
    int n_ff_shexp; // ernie: their total width
    bool expert_bias; // ernie: exp_probs_b
    bool tied; // no output.weight
    // llama4: llama3-style RoPE factors (rope_freqs.weight); a chunk size written as
    // attention.sliding_window and a temperature length (0: llama.cpp's 8192 for both)
    bool rope_freqs;
    int chunk, temp_length;
};

// The preset `name` (for tiny/small/...: of `arch`), or null.
const Llama4ErniePreset* find_llama4_ernie_preset(const std::string& name, const std::string& arch);
std::vector<std::string> llama4_ernie_preset_names();

// The architecture's hyper-parameters as llama.cpp's converter writes them.
void write_llama4_ernie_metadata(GgufWriter& w, const Llama4ErniePreset& p);
void add_llama4_ernie_tensors(const Llama4ErniePreset& p, int n_vocab, uint32_t quant, const AddTensor& add);

// The family's special tokens (the last ids of the synthetic vocabulary), its
// chat template and begin/end tokens; empty/null for other architectures.
std::vector<std::string> llama4_ernie_specials(const std::string& arch);
const char* llama4_ernie_chat_template(const std::string& arch);
const char* llama4_ernie_bos_token(const std::string& arch);
const char* llama4_ernie_eos_token(const std::string& arch);

} // namespace moe
