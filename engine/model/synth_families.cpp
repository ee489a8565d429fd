#include "model/synth_families.h"

#include "quant/quant.h"

#include <fmt/format.h>

#include <cmath>

namespace moe {

namespace {

// Published shapes (the models' config.json files) and small ones for tests.
// The tiny/small test models turn on every feature the family has, in both
// forms where there are two (low-rank query or not, softmax or sigmoid with
// bias and groups, split or single kv_b, q/k norms or not).
constexpr FamilyPreset k_family_presets[] = {
    // name, arch, layers, embd, heads, vocab, ctx, eps, theta,
    // experts, used, ff_exp, ff, shared, dense_lead,
    // q_lora, kv_lora, nope, rope, v, legacy_kv_b,
    // kv_heads, head_dim, n_rot, qkv_bias, qk_norm, nextn,
    // gating, bias, groups, groups_used, norm, scale, yarn factor, orig ctx, mscale_all_dim
    { "deepseek-v2-lite", "deepseek2", 27, 2048, 16, 102400, 163840, 1e-6f, 10000.0f, 64, 6, 1408, 10944, 2, 1, 0, 512,
        128, 64, 128, false, 0, 0, 0, false, false, 0, 1, false, 1, 1, false, 1.0f, 40.0f, 4096, 0.707f },
    { "moonlight-16b-a3b", "deepseek2", 27, 2048, 16, 163840, 8192, 1e-5f, 50000.0f, 64, 6, 1408, 11264, 2, 1, 0, 512,
        128, 64, 128, false, 0, 0, 0, false, false, 0, 2, true, 1, 1, true, 2.446f, 0.0f, 0, 0.0f },
    { "glm-4.5-air", "glm4moe", 46, 4096, 96, 151552, 131072, 1e-5f, 1000000.0f, 128, 8, 1408, 10944, 1, 1, 0, 0, 0, 0,
        0, false, 8, 128, 64, true, false, 1, 2, true, 1, 1, true, 1.0f, 0.0f, 0, 0.0f },
    // V3-like: low-rank query, sigmoid + bias, 4 groups of which 2 used, renormalised, scaled, YaRN
    { "tiny", "deepseek2", 3, 128, 4, 512, 512, 1e-6f, 10000.0f, 16, 4, 64, 256, 1, 1, 64, 64, 32, 16, 32, false, 0, 0,
        0, false, false, 0, 2, true, 4, 2, true, 2.5f, 4.0f, 128, 1.0f },
    // V2-Lite-like: full query, softmax, no groups, not renormalised, two shared experts, YaRN
    { "tiny-lite", "deepseek2", 3, 128, 4, 512, 512, 1e-6f, 10000.0f, 16, 4, 64, 256, 2, 1, 0, 64, 32, 16, 32, false, 0,
        0, 0, false, false, 0, 1, false, 1, 1, false, 1.0f, 4.0f, 128, 0.707f },
    // as tiny-lite, with the single attn_kv_b of older DeepSeek GGUFs
    { "tiny-kvb", "deepseek2", 3, 128, 4, 512, 512, 1e-6f, 10000.0f, 16, 4, 64, 256, 2, 1, 0, 64, 32, 16, 32, true, 0,
        0, 0, false, false, 0, 1, false, 1, 1, false, 1.0f, 4.0f, 128, 0.707f },
    // rows of 256 for the K-quants
    { "small", "deepseek2", 3, 256, 4, 512, 512, 1e-6f, 10000.0f, 16, 4, 256, 256, 1, 1, 256, 256, 64, 32, 64, false, 0,
        0, 0, false, false, 0, 2, true, 4, 2, true, 2.5f, 4.0f, 128, 1.0f },
    // Air-like: q/k/v biases, no q/k norm, partial rotary, one next-token-prediction block
    { "tiny", "glm4moe", 3, 128, 4, 512, 512, 1e-5f, 1000000.0f, 16, 4, 64, 256, 1, 1, 0, 0, 0, 0, 0, false, 2, 32, 16,
        true, false, 1, 2, true, 1, 1, true, 2.5f, 0.0f, 0, 0.0f },
    // GLM-4.5-like: with per-head q/k norms
    { "small", "glm4moe", 3, 256, 4, 512, 512, 1e-5f, 1000000.0f, 16, 4, 256, 256, 1, 1, 0, 0, 0, 0, 0, false, 2, 64,
        32, true, true, 1, 2, true, 1, 1, true, 2.5f, 0.0f, 0, 0.0f },
};

bool is_mla(const FamilyPreset& p) {
    return std::string(p.arch) == "deepseek2";
}

} // namespace

const FamilyPreset* find_family_preset(const std::string& name, const std::string& arch) {
    const bool by_arch = name == "tiny" || name == "small"; // one of each architecture
    for (const auto& p : k_family_presets)
        if (name == p.name && (!by_arch || arch == p.arch)) return &p;
    return nullptr;
}

std::vector<std::string> family_preset_names() {
    std::vector<std::string> out;
    for (const auto& p : k_family_presets)
        if (std::string(p.name) != "tiny" && std::string(p.name) != "small") out.push_back(p.name);
    return out;
}

void write_family_metadata(GgufWriter& w, const FamilyPreset& p) {
    const std::string a = p.arch;
    const int n_blocks = p.n_layer + p.n_nextn;
    w.set_uint32(a + ".block_count", uint32_t(n_blocks));
    w.set_uint32(a + ".context_length", uint32_t(p.n_ctx));
    w.set_uint32(a + ".embedding_length", uint32_t(p.n_embd));
    w.set_uint32(a + ".feed_forward_length", uint32_t(p.n_ff));
    w.set_uint32(a + ".attention.head_count", uint32_t(p.n_head));
    w.set_float32(a + ".attention.layer_norm_rms_epsilon", p.rms_eps);
    w.set_float32(a + ".rope.freq_base", p.rope_theta);
    if (is_mla(p)) {
        w.set_uint32(a + ".attention.q_lora_rank", uint32_t(p.q_lora));
        w.set_uint32(a + ".attention.kv_lora_rank", uint32_t(p.kv_lora));
        if (p.legacy_kv_b) { // the files before the split: plain heads
            w.set_uint32(a + ".attention.head_count_kv", uint32_t(p.n_head));
            w.set_uint32(a + ".attention.key_length", uint32_t(p.qk_nope + p.qk_rope));
            w.set_uint32(a + ".attention.value_length", uint32_t(p.v_head));
        } else { // MLA as MQA over the latent, and the per-head sizes
            w.set_uint32(a + ".attention.head_count_kv", 1);
            w.set_uint32(a + ".attention.key_length", uint32_t(p.kv_lora + p.qk_rope));
            w.set_uint32(a + ".attention.value_length", uint32_t(p.kv_lora));
            w.set_uint32(a + ".attention.key_length_mla", uint32_t(p.qk_nope + p.qk_rope));
            w.set_uint32(a + ".attention.value_length_mla", uint32_t(p.v_head));
        }
        w.set_uint32(a + ".rope.dimension_count", uint32_t(p.qk_rope));
    } else {
        w.set_uint32(a + ".attention.head_count_kv", uint32_t(p.n_head_kv));
        w.set_uint32(a + ".attention.key_length", uint32_t(p.head_dim));
        w.set_uint32(a + ".attention.value_length", uint32_t(p.head_dim));
        w.set_uint32(a + ".rope.dimension_count", uint32_t(p.n_rot));
        if (p.n_nextn > 0) w.set_uint32(a + ".nextn_predict_layers", uint32_t(p.n_nextn));
    }
    if (p.yarn_factor > 0.0f) {
        w.set_string(a + ".rope.scaling.type", "yarn");
        w.set_float32(a + ".rope.scaling.factor", p.yarn_factor);
        w.set_uint32(a + ".rope.scaling.original_context_length", uint32_t(p.yarn_orig_ctx));
        // the converter's [TAG_DEEPSEEK2_YARN_LOG_MUL_FIX]: 0.1 × mscale_all_dim
        w.set_float32(a + ".rope.scaling.yarn_log_multiplier", 0.1f * p.yarn_mscale_all_dim);
    }
    w.set_uint32(a + ".leading_dense_block_count", uint32_t(p.n_dense_lead));
    w.set_uint32(a + ".expert_count", uint32_t(p.n_expert));
    w.set_uint32(a + ".expert_used_count", uint32_t(p.n_expert_used));
    w.set_uint32(a + ".expert_feed_forward_length", uint32_t(p.n_ff_exp));
    w.set_uint32(a + ".expert_shared_count", uint32_t(p.n_shared));
    w.set_uint32(a + ".expert_gating_func", uint32_t(p.gating));
    if (p.weights_scale != 1.0f) w.set_float32(a + ".expert_weights_scale", p.weights_scale);
    if (p.norm_topk) w.set_bool(a + ".expert_weights_norm", true);
    if (p.n_groups > 1) {
        w.set_uint32(a + ".expert_group_count", uint32_t(p.n_groups));
        w.set_uint32(a + ".expert_group_used_count", uint32_t(p.n_group_used));
    }
}

void add_family_tensors(const FamilyPreset& p, int n_vocab, uint32_t Q, const AddTensor& add) {
    const uint32_t F32 = GGML_TYPE_F32;
    auto lin = [](int fan_in) { return float(std::sqrt(3.0 / fan_in)); }; // unit-variance outputs
    const int D = p.n_embd;
    add("token_embd.weight", { D, n_vocab }, Q, 1.0f, 0.0f);
    add("output_norm.weight", { D }, F32, 0.2f, 1.0f);
    add("output.weight", { D, n_vocab }, Q, lin(D), 0.0f);
    for (int il = 0; il < p.n_layer + p.n_nextn; ++il) {
        auto n = [il](const char* s) { return fmt::format("blk.{}.{}", il, s); };
        add(n("attn_norm.weight"), { D }, F32, 0.2f, 1.0f);
        if (is_mla(p)) {
            const int hd = p.qk_nope + p.qk_rope;
            if (p.q_lora > 0) {
                add(n("attn_q_a.weight"), { D, p.q_lora }, Q, lin(D), 0.0f);
                add(n("attn_q_a_norm.weight"), { p.q_lora }, F32, 0.2f, 1.0f);
                add(n("attn_q_b.weight"), { p.q_lora, p.n_head * hd }, Q, lin(p.q_lora), 0.0f);
            } else {
                add(n("attn_q.weight"), { D, p.n_head * hd }, Q, lin(D), 0.0f);
            }
            add(n("attn_kv_a_mqa.weight"), { D, p.kv_lora + p.qk_rope }, Q, lin(D), 0.0f);
            add(n("attn_kv_a_norm.weight"), { p.kv_lora }, F32, 0.2f, 1.0f);
            if (p.legacy_kv_b) {
                add(n("attn_kv_b.weight"), { p.kv_lora, p.n_head * (p.qk_nope + p.v_head) }, Q, lin(p.kv_lora), 0.0f);
            } else {
                add(n("attn_k_b.weight"), { p.qk_nope, p.kv_lora, p.n_head }, Q, lin(p.kv_lora), 0.0f);
                add(n("attn_v_b.weight"), { p.kv_lora, p.v_head, p.n_head }, Q, lin(p.kv_lora), 0.0f);
            }
            add(n("attn_output.weight"), { p.n_head * p.v_head, D }, Q, lin(p.n_head * p.v_head), 0.0f);
            add(n("ffn_norm.weight"), { D }, F32, 0.2f, 1.0f);
        } else {
            const int qd = p.n_head * p.head_dim, kvd = p.n_head_kv * p.head_dim;
            add(n("attn_q.weight"), { D, qd }, Q, lin(D), 0.0f);
            add(n("attn_k.weight"), { D, kvd }, Q, lin(D), 0.0f);
            add(n("attn_v.weight"), { D, kvd }, Q, lin(D), 0.0f);
            if (p.qkv_bias) {
                add(n("attn_q.bias"), { qd }, F32, 0.1f, 0.0f);
                add(n("attn_k.bias"), { kvd }, F32, 0.1f, 0.0f);
                add(n("attn_v.bias"), { kvd }, F32, 0.1f, 0.0f);
            }
            if (p.qk_norm) {
                add(n("attn_q_norm.weight"), { p.head_dim }, F32, 0.2f, 1.0f);
                add(n("attn_k_norm.weight"), { p.head_dim }, F32, 0.2f, 1.0f);
            }
            add(n("attn_output.weight"), { qd, D }, Q, lin(qd), 0.0f);
            add(n("post_attention_norm.weight"), { D }, F32, 0.2f, 1.0f);
        }
        if (il < p.n_dense_lead) {
            add(n("ffn_gate.weight"), { D, p.n_ff }, Q, lin(D), 0.0f);
            add(n("ffn_up.weight"), { D, p.n_ff }, Q, lin(D), 0.0f);
            add(n("ffn_down.weight"), { p.n_ff, D }, Q, lin(p.n_ff), 0.0f);
        } else {
            // the router and its bias stay F32, as llama.cpp's quantizer keeps them
            add(n("ffn_gate_inp.weight"), { D, p.n_expert }, F32, 3.0f * lin(D), 0.0f);
            if (p.expert_bias) add(n("exp_probs_b.bias"), { p.n_expert }, F32, 0.2f, 0.0f);
            add(n("ffn_gate_exps.weight"), { D, p.n_ff_exp, p.n_expert }, Q, lin(D), 0.0f);
            add(n("ffn_up_exps.weight"), { D, p.n_ff_exp, p.n_expert }, Q, lin(D), 0.0f);
            add(n("ffn_down_exps.weight"), { p.n_ff_exp, D, p.n_expert }, Q, lin(p.n_ff_exp), 0.0f);
            if (p.n_shared > 0) {
                const int sf = p.n_ff_exp * p.n_shared;
                add(n("ffn_gate_shexp.weight"), { D, sf }, Q, lin(D), 0.0f);
                add(n("ffn_up_shexp.weight"), { D, sf }, Q, lin(D), 0.0f);
                add(n("ffn_down_shexp.weight"), { sf, D }, Q, lin(sf), 0.0f);
            }
        }
        if (il >= p.n_layer) { // a next-token-prediction block: its own input projection and norms
            add(n("nextn.eh_proj.weight"), { 2 * D, D }, Q, lin(2 * D), 0.0f);
            add(n("nextn.enorm.weight"), { D }, F32, 0.2f, 1.0f);
            add(n("nextn.hnorm.weight"), { D }, F32, 0.2f, 1.0f);
            add(n("nextn.shared_head_norm.weight"), { D }, F32, 0.2f, 1.0f);
        }
    }
}

} // namespace moe
