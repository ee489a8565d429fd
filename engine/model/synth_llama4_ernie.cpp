#include "model/synth_llama4_ernie.h"

#include "quant/quant.h"

#include <fmt/format.h>

#include <cmath>

namespace moe {

namespace {

// Published shapes (the models' config.json files) and small ones for tests.
// Llama 4 Scout has a MoE FFN in every block (Maverick in every second); the
// test models interleave dense and MoE blocks and have a block without RoPE
// (the 4th). ERNIE-4.5-21B-A3B: one leading dense block, two shared experts
// (the converter writes their width as intermediate_size / kv heads), tied
// embeddings, a selection bias.
constexpr Llama4ErniePreset k_presets[] = {
    // name, arch, layers, embd, heads, kv heads, head dim, vocab, ctx, eps, theta,
    // experts, used, ff_exp, ff, moe step, dense lead, shared, shared width, bias, tied,
    // rope_freqs, chunk, temperature length
    { "llama-4-scout", "llama4", 48, 5120, 40, 8, 128, 202048, 10485760, 1e-5f, 500000.0f, 16, 1, 8192, 16384, 1, 0, 1,
        8192, false, false, true, 0, 0 },
    { "ernie-4.5-21b-a3b", "ernie4_5-moe", 28, 2560, 20, 4, 128, 103424, 131072, 1e-5f, 500000.0f, 64, 6, 1536, 12288,
        1, 1, 2, 3072, true, true, false, 0, 0 },
    // llama.cpp's chunk of 8192 (a sequence past it checks the chunks against llama.cpp)
    { "tiny", "llama4", 4, 128, 4, 2, 32, 512, 16384, 1e-5f, 500000.0f, 8, 1, 64, 128, 2, 0, 1, 64, false, false, true,
        0, 0 },
    // chunks of 16 and a temperature that steps every 8 positions (not what llama.cpp reads)
    { "tiny-chunk", "llama4", 4, 128, 4, 2, 32, 512, 512, 1e-5f, 500000.0f, 8, 2, 64, 128, 2, 0, 1, 64, false, false,
        true, 16, 8 },
    { "small", "llama4", 4, 256, 4, 2, 64, 512, 16384, 1e-5f, 500000.0f, 8, 1, 256, 256, 2, 0, 1, 256, false, false,
        true, 0, 0 },
    { "tiny", "ernie4_5-moe", 3, 128, 4, 2, 32, 512, 512, 1e-5f, 500000.0f, 16, 4, 64, 256, 1, 1, 2, 128, true, true,
        false, 0, 0 },
    // MoE in every second block after the dense one (HF's moe_layer_interval 2; llama.cpp loads only interval 1)
    { "tiny-step2", "ernie4_5-moe", 4, 128, 4, 2, 32, 512, 512, 1e-5f, 500000.0f, 16, 4, 64, 256, 2, 1, 2, 128, true,
        true, false, 0, 0 },
    { "small", "ernie4_5-moe", 3, 256, 4, 2, 64, 512, 512, 1e-5f, 500000.0f, 16, 4, 256, 256, 1, 1, 2, 512, true, true,
        false, 0, 0 },
};

bool is_llama4(const Llama4ErniePreset& p) {
    return std::string(p.arch) == "llama4";
}

bool is_moe_block(const Llama4ErniePreset& p, int il) {
    return il >= p.n_dense_lead && (il + 1) % p.moe_step == 0;
}

// Llama 4's header format as llama.cpp formats it (llm_chat_apply_template,
// LLM_CHAT_TEMPLATE_LLAMA4: each message trimmed), the begin-of-text token first.
const char* k_llama4_template
    = "{{ bos_token }}{% for message in messages %}{{ '<|header_start|>' + message['role'] + '<|header_end|>\n\n' + "
      "message['content'] | trim + '<|eot|>' }}{% endfor %}{% if add_generation_prompt %}{{ "
      "'<|header_start|>assistant<|header_end|>\n\n' }}{% endif %}";
// ERNIE 4.5's plain-text turns: "User: ...\n", "Assistant: ...<|end_of_sentence|>",
// a system message as its own line, after <|begin_of_sentence|>.
const char* k_ernie_template
    = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + '\n' }}"
      "{% elif message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\n' }}{% else %}{{ 'Assistant: ' + "
      "message['content'] + '<|end_of_sentence|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ "
      "'Assistant: ' }}{% endif %}";

} // namespace

const Llama4ErniePreset* find_llama4_ernie_preset(const std::string& name, const std::string& arch) {
    const bool published = name == "llama-4-scout" || name == "ernie-4.5-21b-a3b";
    for (const auto& p : k_presets)
        if (name == p.name && (published || arch == p.arch)) return &p;
    return nullptr;
}

std::vector<std::string> llama4_ernie_preset_names() {
    return { "llama-4-scout", "ernie-4.5-21b-a3b" };
}

void write_llama4_ernie_metadata(GgufWriter& w, const Llama4ErniePreset& p) {
    const std::string a = p.arch;
    w.set_uint32(a + ".block_count", uint32_t(p.n_layer));
    w.set_uint32(a + ".context_length", uint32_t(p.n_ctx));
    w.set_uint32(a + ".embedding_length", uint32_t(p.n_embd));
    w.set_uint32(a + ".feed_forward_length", uint32_t(p.n_ff));
    w.set_uint32(a + ".attention.head_count", uint32_t(p.n_head));
    w.set_uint32(a + ".attention.head_count_kv", uint32_t(p.n_head_kv));
    w.set_uint32(a + ".attention.key_length", uint32_t(p.head_dim));
    w.set_uint32(a + ".attention.value_length", uint32_t(p.head_dim));
    w.set_float32(a + ".attention.layer_norm_rms_epsilon", p.rms_eps);
    w.set_float32(a + ".rope.freq_base", p.rope_theta);
    w.set_uint32(a + ".rope.dimension_count", uint32_t(p.head_dim));
    w.set_uint32(a + ".expert_count", uint32_t(p.n_expert));
    w.set_uint32(a + ".expert_used_count", uint32_t(p.n_expert_used));
    w.set_uint32(a + ".expert_feed_forward_length", uint32_t(p.n_ff_exp));
    w.set_uint32(a + ".interleave_moe_layer_step", uint32_t(p.moe_step));
    if (is_llama4(p)) {
        w.set_uint32(a + ".vocab_size", uint32_t(p.n_vocab)); // LlamaModel's converter writes it
        if (p.chunk > 0) w.set_uint32(a + ".attention.sliding_window", uint32_t(p.chunk));
        if (p.temp_length > 0) w.set_uint32(a + ".attention.temperature_length", uint32_t(p.temp_length));
        return;
    }
    w.set_uint32(a + ".leading_dense_block_count", uint32_t(p.n_dense_lead));
    w.set_uint32(a + ".expert_shared_count", uint32_t(p.n_shared));
    w.set_uint32(a + ".expert_shared_feed_forward_length", uint32_t(p.n_ff_shexp));
}

void add_llama4_ernie_tensors(const Llama4ErniePreset& p, int n_vocab, uint32_t Q, const AddTensor& add) {
    const uint32_t F32 = GGML_TYPE_F32;
    auto lin = [](int fan_in) { return float(std::sqrt(3.0 / fan_in)); }; // unit-variance outputs
    const int D = p.n_embd, qd = p.n_head * p.head_dim, kvd = p.n_head_kv * p.head_dim;
    // a tied head reads the embedding as its output rows: unit-variance logits as an untied head's
    add("token_embd.weight", { D, n_vocab }, Q, p.tied ? lin(D) : 1.0f, 0.0f);
    add("output_norm.weight", { D }, F32, 0.2f, 1.0f);
    if (!p.tied) add("output.weight", { D, n_vocab }, Q, lin(D), 0.0f);
    // random factors in [1, 16) where a real file has llama3's 1 (high frequencies) to its factor (low ones)
    if (p.rope_freqs) add("rope_freqs.weight", { p.head_dim / 2 }, F32, 7.5f, 8.5f);
    for (int il = 0; il < p.n_layer; ++il) {
        auto n = [il](const char* s) { return fmt::format("blk.{}.{}", il, s); };
        add(n("attn_norm.weight"), { D }, F32, 0.2f, 1.0f);
        add(n("attn_q.weight"), { D, qd }, Q, lin(D), 0.0f);
        add(n("attn_k.weight"), { D, kvd }, Q, lin(D), 0.0f);
        add(n("attn_v.weight"), { D, kvd }, Q, lin(D), 0.0f);
        add(n("attn_output.weight"), { qd, D }, Q, lin(qd), 0.0f);
        add(n("ffn_norm.weight"), { D }, F32, 0.2f, 1.0f);
        if (!is_moe_block(p, il)) {
            add(n("ffn_gate.weight"), { D, p.n_ff }, Q, lin(D), 0.0f);
            add(n("ffn_up.weight"), { D, p.n_ff }, Q, lin(D), 0.0f);
            add(n("ffn_down.weight"), { p.n_ff, D }, Q, lin(p.n_ff), 0.0f);
            continue;
        }
        // the router and its bias stay F32, as llama.cpp's quantizer keeps them
        add(n("ffn_gate_inp.weight"), { D, p.n_expert }, F32, 3.0f * lin(D), 0.0f);
        if (p.expert_bias) add(n("exp_probs_b.bias"), { p.n_expert }, F32, 0.05f, 0.0f);
        add(n("ffn_gate_exps.weight"), { D, p.n_ff_exp, p.n_expert }, Q, lin(D), 0.0f);
        add(n("ffn_up_exps.weight"), { D, p.n_ff_exp, p.n_expert }, Q, lin(D), 0.0f);
        add(n("ffn_down_exps.weight"), { p.n_ff_exp, D, p.n_expert }, Q, lin(p.n_ff_exp), 0.0f);
        const int sf = p.n_ff_shexp;
        if (p.n_shared > 0) {
            add(n("ffn_gate_shexp.weight"), { D, sf }, Q, lin(D), 0.0f);
            add(n("ffn_up_shexp.weight"), { D, sf }, Q, lin(D), 0.0f);
            add(n("ffn_down_shexp.weight"), { sf, D }, Q, lin(sf), 0.0f);
        }
    }
}

std::vector<std::string> llama4_ernie_specials(const std::string& arch) {
    if (arch == "llama4")
        return { "<|begin_of_text|>", "<|end_of_text|>", "<|header_start|>", "<|header_end|>", "<|eot|>" };
    if (arch == "ernie4_5-moe") return { "<|begin_of_sentence|>", "<|end_of_sentence|>" };
    return {};
}

const char* llama4_ernie_chat_template(const std::string& arch) {
    if (arch == "llama4") return k_llama4_template;
    if (arch == "ernie4_5-moe") return k_ernie_template;
    return nullptr;
}

const char* llama4_ernie_bos_token(const std::string& arch) {
    if (arch == "llama4") return "<|begin_of_text|>";
    if (arch == "ernie4_5-moe") return "<|begin_of_sentence|>";
    return nullptr;
}

const char* llama4_ernie_eos_token(const std::string& arch) {
    if (arch == "llama4") return "<|eot|>";
    if (arch == "ernie4_5-moe") return "<|end_of_sentence|>";
    return nullptr;
}

} // namespace moe
