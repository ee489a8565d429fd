#include "model/synth_oss_granite.h"

#include "quant/quant.h"

#include <fmt/format.h>

#include <cmath>

namespace moe {

namespace {

// Published shapes (the models' config.json files) and small ones for tests.
constexpr OssGranitePreset k_presets[] = {
    // name, arch, layers, embd, heads, kv heads, head dim, vocab, ctx, eps, theta,
    // experts, used, ff_exp, window, yarn factor, yarn orig ctx, mxfp4 experts,
    // shared ff, embedding / attention / residual / logit multipliers
    { "gpt-oss-20b", "gpt-oss", 24, 2880, 64, 8, 64, 201088, 131072, 1e-5f, 150000.0f, 32, 4, 2880, 128, 32.0f, 4096,
        true, 0, 0, 0, 0, 0 },
    { "granite-3.1-3b-a800m", "granitemoe", 32, 1536, 24, 8, 64, 49155, 131072, 1e-6f, 10000000.0f, 40, 8, 512, 0, 0.0f,
        0, false, 0, 12.0f, 0.015625f, 0.22f, 6.0f },
    // gpt-oss for tests: a window of 8 (sequences of a few dozen tokens cross it), YaRN x4 from 128, a context
    // of 4096 (the ring cache test wraps past 2057 positions)
    { "tiny", "gpt-oss", 4, 128, 4, 2, 32, 512, 4096, 1e-5f, 150000.0f, 8, 2, 64, 8, 4.0f, 128, false, 0, 0, 0, 0, 0 },
    { "tiny-mxfp4", "gpt-oss", 4, 128, 4, 2, 32, 512, 4096, 1e-5f, 150000.0f, 8, 2, 64, 8, 4.0f, 128, true, 0, 0, 0, 0,
        0 },
    // rows of 256 for the K-quants
    { "small", "gpt-oss", 4, 256, 4, 2, 64, 512, 4096, 1e-5f, 150000.0f, 8, 2, 256, 8, 4.0f, 128, false, 0, 0, 0, 0,
        0 },
    // granitemoe for tests: Granite 3's multipliers, without and with a shared expert (GraniteMoeShared)
    { "tiny", "granitemoe", 2, 128, 4, 2, 32, 512, 512, 1e-6f, 10000.0f, 8, 2, 64, 0, 0.0f, 0, false, 0, 12.0f,
        0.015625f, 0.22f, 6.0f },
    { "tiny-shared", "granitemoe", 2, 128, 4, 2, 32, 512, 512, 1e-6f, 10000.0f, 8, 2, 64, 0, 0.0f, 0, false, 128, 12.0f,
        0.015625f, 0.22f, 6.0f },
    { "small", "granitemoe", 2, 256, 4, 2, 64, 512, 512, 1e-6f, 10000.0f, 8, 2, 256, 0, 0.0f, 0, false, 256, 12.0f,
        0.015625f, 0.22f, 6.0f },
};

bool is_oss(const OssGranitePreset& p) {
    return std::string(p.arch) == "gpt-oss";
}

// Our own short renderings of the two families' chat formats: gpt-oss's
// harmony (a system header that says the reasoning effort, messages in
// channels; the reply opens with <|start|>assistant and picks its channel)
// and Granite 3's roles. The models' published templates are longer (tools,
// dates); these carry the markers the engine's reasoning split reads.
const char* k_harmony_template
    = "{%- set effort = reasoning_effort if reasoning_effort is defined else 'medium' -%}"
      "<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
      "Knowledge cutoff: 2024-06\n\nReasoning: {{ effort }}\n\n"
      "# Valid channels: analysis, commentary, final. Channel must be included for every message.<|end|>"
      "{%- for message in messages -%}"
      "{%- if message['role'] == 'system' or message['role'] == 'developer' -%}"
      "<|start|>developer<|message|># Instructions\n\n{{ message['content'] }}<|end|>"
      "{%- elif message['role'] == 'user' -%}"
      "<|start|>user<|message|>{{ message['content'] }}<|end|>"
      "{%- elif message['role'] == 'assistant' -%}"
      "<|start|>assistant<|channel|>final<|message|>{{ message['content'] }}<|end|>"
      "{%- endif -%}"
      "{%- endfor -%}"
      "{%- if add_generation_prompt -%}<|start|>assistant{%- endif -%}";

const char* k_granite_template = "{%- for message in messages -%}"
                                 "<|start_of_role|>{{ message['role'] }}<|end_of_role|>{{ message['content'] }}"
                                 "<|end_of_text|>\n"
                                 "{%- endfor -%}"
                                 "{%- if add_generation_prompt -%}<|start_of_role|>assistant<|end_of_role|>"
                                 "{%- endif -%}";

} // namespace

const OssGranitePreset* find_oss_granite_preset(const std::string& name, const std::string& arch) {
    for (const auto& p : k_presets) {
        const bool by_arch = std::string(p.name).rfind("tiny", 0) == 0 || std::string(p.name) == "small";
        if (name == p.name && (!by_arch || arch == p.arch)) return &p;
    }
    return nullptr;
}

std::vector<std::string> oss_granite_preset_names() {
    std::vector<std::string> out;
    for (const auto& p : k_presets) {
        const std::string n = p.name;
        if (n.rfind("tiny", 0) != 0 && n != "small") out.push_back(n);
    }
    return out;
}

void write_oss_granite_metadata(GgufWriter& w, const OssGranitePreset& p) {
    const std::string a = p.arch;
    w.set_uint32(a + ".block_count", uint32_t(p.n_layer));
    w.set_uint32(a + ".context_length", uint32_t(p.n_ctx));
    w.set_uint32(a + ".embedding_length", uint32_t(p.n_embd));
    w.set_uint32(a + ".feed_forward_length", uint32_t(p.n_ff_exp));
    w.set_uint32(a + ".attention.head_count", uint32_t(p.n_head));
    w.set_uint32(a + ".attention.head_count_kv", uint32_t(p.n_head_kv));
    w.set_float32(a + ".attention.layer_norm_rms_epsilon", p.rms_eps);
    w.set_float32(a + ".rope.freq_base", p.rope_theta);
    w.set_uint32(a + ".expert_count", uint32_t(p.n_expert));
    w.set_uint32(a + ".expert_used_count", uint32_t(p.n_expert_used));
    if (is_oss(p)) {
        // conversion/gpt_oss.py: head_dim as key/value length, the window, the experts' width, YaRN
        w.set_uint32(a + ".attention.key_length", uint32_t(p.head_dim));
        w.set_uint32(a + ".attention.value_length", uint32_t(p.head_dim));
        w.set_uint32(a + ".attention.sliding_window", uint32_t(p.n_swa));
        w.set_uint32(a + ".expert_feed_forward_length", uint32_t(p.n_ff_exp));
        if (p.yarn_factor > 0.0f) {
            w.set_string(a + ".rope.scaling.type", "yarn");
            w.set_float32(a + ".rope.scaling.factor", p.yarn_factor);
            w.set_uint32(a + ".rope.scaling.original_context_length", uint32_t(p.yarn_orig_ctx));
            w.set_float32(a + ".rope.scaling.yarn_beta_fast", 32.0f);
            w.set_float32(a + ".rope.scaling.yarn_beta_slow", 1.0f);
        }
    } else {
        // conversion/granite.py: Llama's keys (no head_dim) and the multipliers as *_scale
        w.set_uint32(a + ".rope.dimension_count", uint32_t(p.head_dim));
        w.set_float32(a + ".attention.scale", p.attn_scale);
        w.set_float32(a + ".embedding_scale", p.embd_scale);
        w.set_float32(a + ".residual_scale", p.residual_scale);
        w.set_float32(a + ".logit_scale", p.logit_scale);
        if (p.n_ff_shexp > 0) w.set_uint32(a + ".expert_shared_feed_forward_length", uint32_t(p.n_ff_shexp));
    }
}

void add_oss_granite_tensors(const OssGranitePreset& p, int n_vocab, uint32_t Q, const AddTensor& add) {
    const uint32_t F32 = GGML_TYPE_F32;
    const uint32_t QE = p.experts_mxfp4 ? uint32_t(GGML_TYPE_MXFP4) : Q; // the experts
    auto lin = [](int fan_in) { return float(std::sqrt(3.0 / fan_in)); }; // unit-variance outputs
    const int D = p.n_embd, qd = p.n_head * p.head_dim, kvd = p.n_head_kv * p.head_dim, F = p.n_ff_exp;
    const bool oss = is_oss(p);
    add("token_embd.weight", { D, n_vocab }, Q, 1.0f, 0.0f);
    add("output_norm.weight", { D }, F32, 0.2f, 1.0f);
    if (oss) add("output.weight", { D, n_vocab }, Q, lin(D), 0.0f); // Granite ties it to the embedding
    for (int il = 0; il < p.n_layer; ++il) {
        auto n = [il](const char* s) { return fmt::format("blk.{}.{}", il, s); };
        add(n("attn_norm.weight"), { D }, F32, 0.2f, 1.0f);
        add(n("attn_q.weight"), { D, qd }, Q, lin(D), 0.0f);
        add(n("attn_k.weight"), { D, kvd }, Q, lin(D), 0.0f);
        add(n("attn_v.weight"), { D, kvd }, Q, lin(D), 0.0f);
        add(n("attn_output.weight"), { qd, D }, Q, lin(qd), 0.0f);
        if (oss) {
            add(n("attn_q.bias"), { qd }, F32, 0.1f, 0.0f);
            add(n("attn_k.bias"), { kvd }, F32, 0.1f, 0.0f);
            add(n("attn_v.bias"), { kvd }, F32, 0.1f, 0.0f);
            add(n("attn_output.bias"), { D }, F32, 0.1f, 0.0f);
            // sinks around 0..2: comparable to the scores, so they take a visible share
            add(n("attn_sinks.weight"), { p.n_head }, F32, 1.0f, 1.0f);
            add(n("post_attention_norm.weight"), { D }, F32, 0.2f, 1.0f);
        } else {
            add(n("ffn_norm.weight"), { D }, F32, 0.2f, 1.0f);
        }
        // the router (and its bias) stays F32, as llama.cpp's quantizer keeps it
        add(n("ffn_gate_inp.weight"), { D, p.n_expert }, F32, 3.0f * lin(D), 0.0f);
        add(n("ffn_gate_exps.weight"), { D, F, p.n_expert }, QE, lin(D), 0.0f);
        add(n("ffn_up_exps.weight"), { D, F, p.n_expert }, QE, lin(D), 0.0f);
        add(n("ffn_down_exps.weight"), { F, D, p.n_expert }, QE, lin(F), 0.0f);
        if (oss) {
            add(n("ffn_gate_inp.bias"), { p.n_expert }, F32, 0.5f, 0.0f);
            add(n("ffn_gate_exps.bias"), { F, p.n_expert }, F32, 0.2f, 0.0f);
            add(n("ffn_up_exps.bias"), { F, p.n_expert }, F32, 0.2f, 0.0f);
            add(n("ffn_down_exps.bias"), { D, p.n_expert }, F32, 0.2f, 0.0f);
        } else if (p.n_ff_shexp > 0) {
            add(n("ffn_gate_shexp.weight"), { D, p.n_ff_shexp }, Q, lin(D), 0.0f);
            add(n("ffn_up_shexp.weight"), { D, p.n_ff_shexp }, Q, lin(D), 0.0f);
            add(n("ffn_down_shexp.weight"), { p.n_ff_shexp, D }, Q, lin(p.n_ff_shexp), 0.0f);
        }
    }
}

std::vector<std::string> synth_extra_specials(const std::string& arch) {
    if (arch == "gpt-oss")
        return { "<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|constrain|>", "<|return|>", "<|call|>" };
    if (arch == "granitemoe") return { "<|start_of_role|>", "<|end_of_role|>", "<|end_of_text|>", "<|tool_call|>" };
    return {};
}

const char* synth_chat_template(const std::string& arch) {
    if (arch == "gpt-oss") return k_harmony_template;
    if (arch == "granitemoe") return k_granite_template;
    return nullptr;
}

const char* synth_eos_token(const std::string& arch) {
    if (arch == "gpt-oss") return "<|return|>";
    if (arch == "granitemoe") return "<|end_of_text|>";
    return nullptr;
}

} // namespace moe
