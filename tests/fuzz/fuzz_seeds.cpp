// Writes the seed corpora of the fuzz targets (make fuzz runs it first):
// tiny models of every architecture for fuzz_model and fuzz_gguf (a few KB
// each, so mutations stay fast), chat template files for fuzz_template and
// texts for the tokenizer targets. Usage: fuzz_seeds OUTDIR
#include "gguf/gguf.h"
#include "quant/quant.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Shape {
    const char* arch;
    bool moe, qkv_bias, qk_norm, shared;
    uint32_t type; // 2-D weights
};

// One block, 2 experts of which 1 is used, 16 tokens; rows of 32 so Q8_0 fits.
// `edit` may set keys again (replacing them) before the tensors are added.
std::vector<uint8_t> tiny_model(
    const Shape& s, uint64_t seed, const std::function<void(moe::GgufWriter&, const std::string&)>& edit = {}) {
    const int E = 32, H = 2, KV = 1, D = 16, V = 16, X = 2, F = 32;
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> n(0.0f, 0.2f);
    moe::GgufWriter w;
    const std::string a = s.arch;
    w.set_string("general.architecture", a);
    w.set_uint32(a + ".block_count", 1);
    w.set_uint32(a + ".embedding_length", E);
    w.set_uint32(a + ".attention.head_count", H);
    w.set_uint32(a + ".attention.head_count_kv", KV);
    w.set_uint32(a + ".attention.key_length", D);
    w.set_uint32(a + ".context_length", 64);
    w.set_float32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    w.set_float32(a + ".rope.freq_base", 10000.0f);
    if (s.moe) {
        w.set_uint32(a + ".expert_count", X);
        w.set_uint32(a + ".expert_used_count", 1);
        w.set_uint32(a + ".expert_feed_forward_length", F);
        if (s.shared) w.set_uint32(a + ".expert_shared_feed_forward_length", F);
    } else {
        w.set_uint32(a + ".feed_forward_length", F);
    }
    if (edit) edit(w, a);
    auto add = [&](const std::string& name, uint32_t type, std::vector<int64_t> ne, float fill = 0.0f) {
        w.add_tensor(name, type, ne, [&, type, ne, fill](uint8_t* dst, size_t) {
            int64_t count = 1;
            for (int64_t d : ne)
                count *= d;
            std::vector<float> v(static_cast<size_t>(count));
            for (float& x : v)
                x = fill != 0.0f ? fill : n(rng);
            for (int64_t r = 0; r < count / ne[0]; ++r) {
                moe::quantize_row(type, v.data() + r * ne[0], dst + size_t(r) * moe::row_size(type, ne[0]), ne[0]);
            }
        });
    };
    const uint32_t T = s.type, F32 = moe::GGML_TYPE_F32;
    add("token_embd.weight", T, { E, V });
    add("output_norm.weight", F32, { E }, 1.0f);
    add("output.weight", T, { E, V });
    add("blk.0.attn_norm.weight", F32, { E }, 1.0f);
    add("blk.0.attn_q.weight", T, { E, H * D });
    add("blk.0.attn_k.weight", T, { E, KV * D });
    add("blk.0.attn_v.weight", T, { E, KV * D });
    add("blk.0.attn_output.weight", T, { H * D, E });
    if (s.qkv_bias) {
        add("blk.0.attn_q.bias", F32, { H * D });
        add("blk.0.attn_k.bias", F32, { KV * D });
        add("blk.0.attn_v.bias", F32, { KV * D });
    }
    if (s.qk_norm) {
        add("blk.0.attn_q_norm.weight", F32, { a == "olmoe" ? H * D : D }, 1.0f);
        add("blk.0.attn_k_norm.weight", F32, { a == "olmoe" ? KV * D : D }, 1.0f);
    }
    add("blk.0.ffn_norm.weight", F32, { E }, 1.0f);
    if (s.moe) {
        add("blk.0.ffn_gate_inp.weight", F32, { E, X });
        add("blk.0.ffn_gate_exps.weight", T, { E, F, X });
        add("blk.0.ffn_up_exps.weight", T, { E, F, X });
        add("blk.0.ffn_down_exps.weight", T, { F, E, X });
        if (s.shared) {
            add("blk.0.ffn_gate_inp_shexp.weight", F32, { E });
            add("blk.0.ffn_gate_shexp.weight", T, { E, F });
            add("blk.0.ffn_up_shexp.weight", T, { E, F });
            add("blk.0.ffn_down_shexp.weight", T, { F, E });
        }
    } else {
        add("blk.0.ffn_gate.weight", T, { E, F });
        add("blk.0.ffn_up.weight", T, { E, F });
        add("blk.0.ffn_down.weight", T, { F, E });
    }
    return w.to_bytes();
}

void put(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    const fs::path out = argv[1];
    for (const char* d : { "model", "gguf", "template", "tokenizer", "pretokenizer", "jinja" })
        fs::create_directories(out / d);

    const Shape shapes[] = {
        { "qwen3moe", true, false, true, false, moe::GGML_TYPE_F32 },
        { "qwen3moe", true, false, true, false, moe::GGML_TYPE_Q8_0 },
        { "qwen2moe", true, true, false, true, moe::GGML_TYPE_F16 },
        { "olmoe", true, false, true, false, moe::GGML_TYPE_F32 },
        { "llama", true, false, false, false, moe::GGML_TYPE_Q4_0 },
        { "qwen3", false, false, true, false, moe::GGML_TYPE_F32 },
        { "qwen2", false, true, false, false, moe::GGML_TYPE_BF16 },
    };
    int k = 0;
    for (const Shape& s : shapes) {
        const std::vector<uint8_t> m = tiny_model(s, uint64_t(k) + 1);
        const std::string bytes(m.begin(), m.end());
        const std::string name = std::string(s.arch) + "-" + moe::type_name(s.type) + ".gguf";
        put(out / "model" / name, bytes);
        put(out / "gguf" / name, bytes);
        ++k;
    }

    // The probe's hostile models (issue 15), so every replay checks them.
    const Shape& q = shapes[1];
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const std::pair<const char*, std::function<void(moe::GgufWriter&, const std::string&)>> probes[] = {
        { "block_count-2^24",
            [](moe::GgufWriter& w, const std::string& a) { w.set_uint32(a + ".block_count", 1u << 24); } },
        { "block_count-2^30",
            [](moe::GgufWriter& w, const std::string& a) { w.set_uint32(a + ".block_count", 1u << 30); } },
        { "expert_count-2^30",
            [](moe::GgufWriter& w, const std::string& a) { w.set_uint32(a + ".expert_count", 1u << 30); } },
        { "rms_eps-nan",
            [&](moe::GgufWriter& w, const std::string& a) {
                w.set_float32(a + ".attention.layer_norm_rms_epsilon", nan);
            } },
        { "rms_eps-0",
            [](moe::GgufWriter& w, const std::string& a) {
                w.set_float32(a + ".attention.layer_norm_rms_epsilon", 0.0f);
            } },
        { "rope_base-neg",
            [](moe::GgufWriter& w, const std::string& a) { w.set_float32(a + ".rope.freq_base", -1.0f); } },
        { "context-2^30",
            [](moe::GgufWriter& w, const std::string& a) { w.set_uint32(a + ".context_length", 1u << 30); } },
        { "vocab-300",
            [](moe::GgufWriter& w, const std::string&) {
                w.set_string("tokenizer.ggml.model", "gpt2");
                w.set_string_array("tokenizer.ggml.tokens", std::vector<std::string>(300, "a"));
            } },
    };
    for (const auto& [name, edit] : probes) {
        const std::vector<uint8_t> m = tiny_model(q, 99, edit);
        put(out / "model" / (std::string("probe-") + name + ".gguf"), std::string(m.begin(), m.end()));
    }

    const char* templates[] = {
        R"({"name": "mine", "bos": true, "system": "<|im_start|>system\n{content}<|im_end|>\n",)"
        R"( "user": "<|im_start|>user\n{content}<|im_end|>\n", "assistant": "<|im_start|>assistant\n{content}<|im_end|>\n",)"
        R"( "generation_prompt": "<|im_start|>assistant\n", "stop": ["<|im_end|>"]})",
        R"({"user": "[INST] {content} [/INST]", "assistant": "{content}{eos}", "system_into_first_user": true, "trim": true})",
        "{% for message in messages %}<|im_start|>{{ message.role }}{% endfor %}",
        "[INST] {{ bos_token }} <<SYS>>",
    };
    k = 0;
    for (const char* t : templates)
        put(out / "template" / ("t" + std::to_string(k++)), std::string(t) + '\0' + "hello <|im_end|> world");

    // fuzz_jinja: templates before the NUL, message text after it (real
    // templates are kept under tests/fuzz/regressions/fuzz_jinja/)
    const char* jinja[] = {
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content | trim }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}",
        "{% set ns = namespace(x=0) %}{% for i in range(10) if i is odd %}{% set ns.x = ns.x + i %}{% endfor %}"
        "{{ ns.x }}{{ [1, 2, 3][::-1] | join(',') }}{{ {'a': 1} | tojson(indent=2) }}",
        "{% macro f(a, b='x') %}{{ a ~ b }}{{ caller() if caller is defined }}{% endmacro %}"
        "{% call f(1) %}in{% endcall %}{{ messages[0].content.split('<')[-1].strip() }}",
        "{{ raise_exception('no') if messages | length > 9 }}{{- bos_token -}}{# c #}{{ 'a' if 1 else 'b' }}",
    };
    k = 0;
    for (const char* t : jinja)
        put(out / "jinja" / ("j" + std::to_string(k++)), std::string(t) + '\0' + "hi <think>x</think> {{ y }}");

    const char* texts[] = { "Hello, world! It's 2024.\n\n  x", "naïve café — ümlaut 漢字かなカナ 123456",
        "don't   stop\r\n\tnow", "<|endoftext|> <|im_start|>user", "\xF0\x9F\x98\x80 emoji and 1,234.56" };
    k = 0;
    for (const char* t : texts) {
        put(out / "tokenizer" / ("s" + std::to_string(k)), t);
        put(out / "pretokenizer" / ("s" + std::to_string(k)), t);
        ++k;
    }
    std::printf("seeds written under %s\n", out.c_str());
    return 0;
}
