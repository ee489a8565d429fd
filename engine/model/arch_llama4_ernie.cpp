// What Llama 4 (`llama4`) and ERNIE 4.5 MoE (`ernie4_5-moe`) files carry
// beyond the older families: MoE blocks interleaved with dense ones, always-on
// shared experts, and for Llama 4 top-1 sigmoid routing whose weight scales the
// expert's input, blocks without RoPE that attend to everything (with an
// attention temperature that grows with the position) between blocks that
// attend only within chunks, q/k L2 norms and llama3-style RoPE frequency
// factors. Keys and tensor names as llama.cpp's converter writes them
// (gguf-py/gguf/constants.py, conversion/llama.py, conversion/ernie.py);
// the conventions the converter leaves out are llama.cpp's (src/models/llama4.cpp).
#include "model/model.h"

#include "model/arch_keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace moe {

namespace {

// llama.cpp v0.5.0 fixes these for Llama 4 (HF's attention_chunk_size,
// floor_scale and attn_scale of Scout and Maverick); the converter writes none.
constexpr int32_t k_llama4_chunk = 8192;
constexpr int32_t k_llama4_chunk_pattern = 4; // blocks 0-2 of every 4 chunked, the 4th full
constexpr int32_t k_llama4_no_rope_step = 4; // every 4th block without RoPE
constexpr float k_llama4_temp_scale = 0.1f;
constexpr int32_t k_llama4_temp_length = 8192;
constexpr float k_llama4_temp_offset = 1.0f;

} // namespace

void Model::read_config_llama4_ernie(ModelConfig& c) {
    const GgufFile& f = m_file;
    const std::string arch = arch_name(c.arch);
    const ArchKeys keys(f, arch);

    c.n_moe_layer_step = keys.uint_or("interleave_moe_layer_step", 0);
    if (c.n_moe_layer_step <= 0) keys.fail(fmt::format("{} is missing or 0", keys.key("interleave_moe_layer_step")));
    c.n_layer_dense_lead = keys.uint_or("leading_dense_block_count", 0);
    c.n_moe_layer = 0;
    for (int il = c.n_layer_dense_lead; il < c.n_layer; ++il)
        c.n_moe_layer += (il + 1) % c.n_moe_layer_step == 0 ? 1 : 0;
    if (c.n_moe_layer == 0) {
        keys.fail(fmt::format("{} = {} and {} = {} leave no MoE block of the {}", keys.key("leading_dense_block_count"),
            c.n_layer_dense_lead, keys.key("interleave_moe_layer_step"), c.n_moe_layer_step, c.n_layer));
    }
    const bool has_dense = c.n_moe_layer < c.n_layer;
    c.n_ff = has_dense ? keys.uint_or("feed_forward_length", 0) : c.n_ff_exp;
    if (c.n_ff <= 0) keys.fail(fmt::format("{} is missing; the dense blocks need it", keys.key("feed_forward_length")));
    const double scale = f.get_float(keys.key("expert_weights_scale"), 0.0);
    if (!std::isfinite(scale) || scale < 0.0 || scale > 1e4) {
        keys.fail(fmt::format("{} = {} is out of range", keys.key("expert_weights_scale"), scale));
    }
    c.expert_weights_scale = scale == 0.0 ? 1.0f : float(scale); // llama.cpp: 0 (absent) is none
    c.n_rot = keys.uint_or("rope.dimension_count", uint64_t(c.head_dim));
    if (c.n_rot != c.head_dim) {
        keys.fail(fmt::format("{} = {} differs from the head size {} (llama.cpp requires them equal)",
            keys.key("rope.dimension_count"), c.n_rot, c.head_dim));
    }

    if (c.arch == Arch::ernie4_5_moe) {
        // always-on shared experts; softmax routing with an optional selection bias, renormalised
        c.n_ff_shexp = keys.uint_or("expert_shared_feed_forward_length", 0);
        c.n_expert_shared = c.n_ff_shexp > 0 ? std::max(keys.uint_or("expert_shared_count", 1), 1) : 0;
        c.shexp_gated = false;
        c.gating = Gating::softmax;
        c.norm_topk = true;
        int first_moe = c.n_layer_dense_lead;
        while ((first_moe + 1) % c.n_moe_layer_step != 0)
            ++first_moe;
        c.expert_bias = f.find_tensor(fmt::format("blk.{}.exp_probs_b.bias", first_moe)) != nullptr;
        return;
    }

    // llama4: one shared expert as wide as a routed one, top-k of sigmoid(logits)
    // unnormalised, the weight applied to the expert's input (llama.cpp's build_moe_ffn)
    c.n_ff_shexp = c.n_ff_exp;
    c.n_expert_shared = 1;
    c.shexp_gated = false;
    c.gating = Gating::sigmoid;
    c.norm_topk = false;
    c.moe_weight_first = true;
    // llama.cpp normalises q and k unless the model has 128 experts (Maverick)
    c.qk_l2_norm = c.n_expert != 128;
    // attention.sliding_window = 0 (what the converter writes when HF's layer_types are all
    // full attention): no chunks, RoPE in all blocks but the last, as llama.cpp reads it.
    // Another value sets the chunk size, which llama.cpp v0.5.0 ignores (it keeps 8192).
    const bool no_chunks
        = f.find(keys.key("attention.sliding_window")) && f.get_uint(keys.key("attention.sliding_window")) == 0;
    c.attn_temp_scale
        = no_chunks ? 0.0f : float(f.get_float(keys.key("attention.temperature_scale"), k_llama4_temp_scale));
    c.attn_temp_length = keys.uint_or("attention.temperature_length", uint64_t(k_llama4_temp_length));
    c.attn_temp_offset = k_llama4_temp_offset;
    if (!std::isfinite(c.attn_temp_scale) || c.attn_temp_scale < 0.0f || c.attn_temp_length <= 0) {
        keys.fail(fmt::format(
            "attention temperature scale {} over {} positions is out of range", c.attn_temp_scale, c.attn_temp_length));
    }
}

// Per block: whether it attends in chunks and rotates q/k; the RoPE frequency factors.
void Model::bind_llama4_ernie() {
    const GgufFile& f = m_file;
    const ModelConfig& c = m_cfg;
    if (c.arch != Arch::llama4) return;
    const std::string key = "llama4.attention.sliding_window";
    const bool no_chunks = f.find(key) && f.get_uint(key) == 0;
    const int32_t chunk
        = f.find(key) && !no_chunks ? int32_t(std::min<uint64_t>(f.get_uint(key), 1u << 30)) : k_llama4_chunk;
    // which blocks are chunked: a flag per block, or a period whose last block is full
    std::vector<int64_t> flags;
    int64_t period = k_llama4_chunk_pattern;
    const std::string pattern_key = "llama4.attention.sliding_window_pattern";
    if (const GgufKV* kv = f.find(pattern_key)) {
        if (kv->type == GgufValueType::ARRAY) {
            flags = f.get_int_array(pattern_key);
            if (flags.size() < size_t(c.n_layer)) {
                throw Error(
                    fmt::format("{}: {} has {} entries for {} blocks", f.path(), pattern_key, flags.size(), c.n_layer));
            }
        } else {
            period = int64_t(f.get_uint(pattern_key));
        }
    }
    const int no_rope_step = no_chunks ? c.n_layer : k_llama4_no_rope_step;
    for (int il = 0; il < c.n_layer; ++il) {
        LayerWeights& l = m_w.layers[size_t(il)];
        const bool chunked = !flags.empty() ? flags[size_t(il)] != 0 : (period == 0 || il % period < period - 1);
        l.n_chunk = !no_chunks && chunked ? chunk : 0;
        l.use_rope = (il + 1) % no_rope_step != 0;
    }
    m_w.rope_freqs = bind_vector("rope_freqs.weight", c.n_rot / 2, false);
    for (int64_t i = 0; i < m_w.rope_freqs.n; ++i) {
        const float v = m_w.rope_freqs.data[i];
        if (!std::isfinite(v) || !(v > 0.0f)) {
            throw Error(fmt::format("{}: rope_freqs.weight[{}] = {} is not a positive factor", f.path(), i, v));
        }
    }
}

} // namespace moe
