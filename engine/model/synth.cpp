#include "model/synth.h"

#include "error.h"
#include "gguf/gguf.h"
#include "model/synth_families.h"
#include "model/synth_llama4_ernie.h"
#include "model/synth_oss_granite.h"
#include "quant/quant.h"
#include "runtime/thread_pool.h"
#include "tokenizer/vocab_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_set>

namespace moe {

namespace {

struct Preset {
    const char* name;
    const char* arch; // nullptr: chosen by --arch (tiny)
    int n_layer, n_embd, n_head, n_head_kv, head_dim;
    int n_expert, n_expert_used, n_ff_exp, n_ff_shexp;
    int n_vocab, n_ctx;
    float rms_eps, rope_theta;
};

// Published shapes (the models' config.json files).
constexpr Preset k_presets[] = {
    { "tiny", nullptr, 2, 128, 4, 2, 32, 8, 2, 64, 128, 512, 512, 1e-6f, 10000.0f },
    // rows of 256: every block format, K-quants included, holds every tensor
    { "small", nullptr, 2, 256, 4, 2, 64, 8, 2, 256, 256, 512, 512, 1e-6f, 10000.0f },
    { "olmoe-1b-7b", "olmoe", 16, 2048, 16, 16, 128, 64, 8, 1024, 0, 50304, 4096, 1e-5f, 10000.0f },
    { "qwen3-30b-a3b", "qwen3moe", 48, 2048, 32, 4, 128, 128, 8, 768, 0, 151936, 40960, 1e-6f, 1000000.0f },
    { "mixtral-8x7b", "llama", 32, 4096, 32, 8, 128, 8, 2, 14336, 0, 32000, 32768, 1e-5f, 1000000.0f },
    { "qwen1.5-moe-a2.7b", "qwen2moe", 24, 2048, 16, 16, 128, 60, 4, 1408, 5632, 151936, 8192, 1e-6f, 1000000.0f },
};

// ggml type -> LLAMA_FTYPE (llama.cpp's include/llama.h, v0.5.0); the K types
// map to the mixes llama_model_loader guesses for them.
constexpr struct {
    uint32_t type, ftype;
} k_file_types[] = {
    { GGML_TYPE_F32, 0 },
    { GGML_TYPE_F16, 1 },
    { GGML_TYPE_Q4_0, 2 },
    { GGML_TYPE_Q4_1, 3 },
    { GGML_TYPE_Q8_0, 7 },
    { GGML_TYPE_Q5_0, 8 },
    { GGML_TYPE_Q5_1, 9 },
    { GGML_TYPE_Q2_K, 10 },
    { GGML_TYPE_Q3_K, 12 },
    { GGML_TYPE_Q4_K, 15 },
    { GGML_TYPE_Q5_K, 17 },
    { GGML_TYPE_Q6_K, 18 },
    { GGML_TYPE_IQ2_XXS, 19 },
    { GGML_TYPE_IQ2_XS, 20 },
    { GGML_TYPE_IQ3_XXS, 23 },
    { GGML_TYPE_IQ1_S, 24 },
    { GGML_TYPE_IQ4_NL, 25 },
    { GGML_TYPE_IQ3_S, 26 },
    { GGML_TYPE_IQ2_S, 28 },
    { GGML_TYPE_IQ4_XS, 30 },
    { GGML_TYPE_IQ1_M, 31 },
    { GGML_TYPE_BF16, 32 },
    { GGML_TYPE_TQ1_0, 36 },
    { GGML_TYPE_TQ2_0, 37 },
    { GGML_TYPE_MXFP4, 38 },
    { GGML_TYPE_NVFP4, 39 },
    { GGML_TYPE_Q1_0, 40 },
    { GGML_TYPE_Q2_0, 41 },
};

uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t hash_name(const std::string& s, uint64_t seed) {
    uint64_t h = seed ^ 0xcbf29ce484222325ull;
    for (unsigned char ch : s)
        h = (h ^ ch) * 0x100000001b3ull;
    return h;
}

// GPT-2's byte-to-unicode table: printable bytes map to themselves, the rest
// to code points from 256 up, so every byte has a visible token string.
std::vector<std::string> byte_level_alphabet() {
    std::vector<int> cps(256, -1);
    int next = 256;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        cps[size_t(b)] = printable ? b : next++;
    }
    std::vector<std::string> out;
    for (int cp : cps) {
        std::string s;
        if (cp < 0x80) {
            s += char(cp);
        } else {
            s += char(0xC0 | (cp >> 6));
            s += char(0x80 | (cp & 0x3F));
        }
        out.push_back(s);
    }
    return out;
}

struct Vocab {
    std::vector<std::string> tokens;
    std::vector<int32_t> types; // 1 normal, 2 unknown, 3 control, 6 byte
    std::vector<float> scores;
    std::vector<std::string> merges;
};

// A BPE vocabulary grown by merging pseudo-random pairs of earlier tokens:
// not a trained vocabulary, but a valid one of exactly the requested size.
Vocab make_vocab(bool sentencepiece, int n_vocab, const std::vector<std::string>& specials, uint64_t seed) {
    Vocab v;
    std::unordered_set<std::string> seen;
    std::vector<size_t> mergeable; // indices of tokens that may be merged
    auto add = [&](const std::string& t, int32_t type, bool can_merge) {
        seen.insert(t);
        if (can_merge) mergeable.push_back(v.tokens.size());
        v.tokens.push_back(t);
        v.types.push_back(type);
        v.scores.push_back(-float(v.tokens.size()));
    };
    if (sentencepiece) {
        add("<unk>", 2, false);
        add("<s>", 3, false);
        add("</s>", 3, false);
        for (int b = 0; b < 256; ++b)
            add(fmt::format("<0x{:02X}>", b), 6, false);
        const char* letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:!?'";
        for (const char* p = letters; *p; ++p)
            add(std::string(1, *p), 1, true);
        add("\xE2\x96\x81", 1, true); // U+2581, SentencePiece's space
    } else {
        for (const std::string& s : byte_level_alphabet())
            add(s, 1, true);
    }
    const int n_special = int(specials.size());
    uint64_t state = seed;
    while (int(v.tokens.size()) < n_vocab - n_special) {
        const size_t window = std::min<size_t>(mergeable.size(), 2000);
        const std::string& a = v.tokens[mergeable[splitmix64(state) % window]];
        const std::string& b = v.tokens[mergeable[splitmix64(state) % window]];
        std::string t = a + b;
        if (t.size() > 24 || seen.count(t)) continue;
        if (!sentencepiece) v.merges.push_back(a + " " + b);
        add(t, 1, true);
    }
    for (int i = 0; i < n_special; ++i)
        add(specials[size_t(i)], 3, false);
    return v;
}

const char* k_chatml_template
    = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + "
      "'\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
const char* k_inst_template = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ "
                              "'[INST] ' + message['content'] + "
                              "' [/INST]' }}{% else %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}";

void write_synthetic_vocab(GgufWriter& w, bool sentencepiece, const std::string& arch, int n_vocab, uint64_t seed) {
    std::vector<std::string> specials = { "<|endoftext|>", "<|im_start|>", "<|im_end|>" };
    for (const std::string& s : synth_extra_specials(arch)) // gpt-oss, granitemoe (synth_oss_granite.h)
        specials.push_back(s);
    for (const std::string& s : llama4_ernie_specials(arch)) // llama4 (synth_llama4_ernie.h)
        if (!sentencepiece) specials.push_back(s);
    // a SentencePiece vocabulary has its own control tokens, and ERNIE's after them
    const Vocab v
        = make_vocab(sentencepiece, n_vocab, sentencepiece ? llama4_ernie_specials(arch) : specials, seed ^ 0x70c3);
    w.set_string("tokenizer.ggml.model", sentencepiece ? "llama" : "gpt2");
    if (!sentencepiece) w.set_string("tokenizer.ggml.pre", arch == "olmoe" ? "olmo" : "qwen2");
    w.set_string_array("tokenizer.ggml.tokens", v.tokens);
    w.set_int32_array("tokenizer.ggml.token_type", v.types);
    if (sentencepiece) {
        w.set_float32_array("tokenizer.ggml.scores", v.scores);
        w.set_uint32("tokenizer.ggml.bos_token_id", 1);
        w.set_uint32("tokenizer.ggml.eos_token_id", 2);
        w.set_uint32("tokenizer.ggml.unknown_token_id", 0);
        w.set_bool("tokenizer.ggml.add_bos_token", true);
        w.set_string("tokenizer.chat_template", k_inst_template);
    } else {
        w.set_string_array("tokenizer.ggml.merges", v.merges);
        const uint32_t first_special = uint32_t(n_vocab) - uint32_t(specials.size());
        w.set_uint32("tokenizer.ggml.bos_token_id", first_special); // <|endoftext|>
        w.set_uint32("tokenizer.ggml.eos_token_id", first_special + 2); // <|im_end|>
        w.set_bool("tokenizer.ggml.add_bos_token", false);
        w.set_string("tokenizer.chat_template", k_chatml_template);
        if (const char* t = synth_chat_template(arch)) w.set_string("tokenizer.chat_template", t);
        if (const char* eos = synth_eos_token(arch)) {
            const auto at = std::find(specials.begin(), specials.end(), std::string(eos)) - specials.begin();
            w.set_uint32("tokenizer.ggml.eos_token_id", first_special + uint32_t(at));
        }
        if (arch == "gpt-oss") w.set_string("tokenizer.ggml.pre", "gpt-4o"); // o200k's rule
    }
    // llama4 and ernie4_5-moe: their template writes the begin token itself
    if (const char* t = llama4_ernie_chat_template(arch)) {
        auto id = [&](const char* tok) {
            return uint32_t(std::find(v.tokens.begin(), v.tokens.end(), std::string(tok)) - v.tokens.begin());
        };
        w.set_string("tokenizer.chat_template", t);
        w.set_uint32("tokenizer.ggml.bos_token_id", id(llama4_ernie_bos_token(arch)));
        w.set_uint32("tokenizer.ggml.eos_token_id", id(llama4_ernie_eos_token(arch)));
        w.set_bool("tokenizer.ggml.add_bos_token", false);
        if (!sentencepiece) w.set_string("tokenizer.ggml.pre", "llama4");
    }
}

} // namespace

uint32_t llama_file_type(uint32_t ggml_type) {
    for (const auto& e : k_file_types) {
        if (e.type == ggml_type) return e.ftype;
    }
    throw Error(fmt::format("llama.cpp has no file type for tensors of type {}", type_name(ggml_type)));
}

std::vector<std::string> synth_presets() {
    std::vector<std::string> out;
    for (const auto& p : k_presets)
        out.push_back(p.name);
    for (const std::string& n : family_preset_names())
        out.push_back(n);
    for (const std::string& n : oss_granite_preset_names())
        out.push_back(n);
    for (const std::string& n : llama4_ernie_preset_names())
        out.push_back(n);
    return out;
}

void write_synthetic_model(
    const SynthOptions& opts, const std::string& path, const std::function<void(double)>& progress) {
    const Preset* p = nullptr; // tiny and small take the architecture from --arch
    for (const auto& q : k_presets) {
        if (opts.preset == q.name) p = &q;
    }
    // deepseek2 and glm4moe (synth_families.h), their published shapes and tiny/small
    const FamilyPreset* fam = find_family_preset(opts.preset, opts.arch);
    // gpt-oss and granitemoe (synth_oss_granite.h)
    const OssGranitePreset* og = fam ? nullptr : find_oss_granite_preset(opts.preset, opts.arch);
    // llama4 and ernie4_5-moe (synth_llama4_ernie.h)
    const Llama4ErniePreset* le = fam || og ? nullptr : find_llama4_ernie_preset(opts.preset, opts.arch);
    if (le) {
        if (!opts.arch.empty() && opts.arch != le->arch) {
            throw Error(fmt::format("preset {} is a {} model, not {}", le->name, le->arch, opts.arch));
        }
        p = &k_presets[0];
    }
    if (og) {
        if (!opts.arch.empty() && opts.arch != og->arch) {
            throw Error(fmt::format("preset {} is a {} model, not {}", og->name, og->arch, opts.arch));
        }
        p = &k_presets[0]; // only the arch-independent fields below are read
    }
    if (fam) {
        if (!opts.arch.empty() && opts.arch != fam->arch) {
            throw Error(fmt::format("preset {} is a {} model, not {}", fam->name, fam->arch, opts.arch));
        }
        p = &k_presets[0]; // only the arch-independent fields below are read
    }
    if (!p) {
        std::string names;
        for (const std::string& q : synth_presets())
            names += fmt::format("{}{}", names.empty() ? "" : ", ", q);
        throw Error(fmt::format("unknown preset '{}' (known: {})", opts.preset, names));
    }
    std::string arch = fam ? fam->arch
        : og               ? og->arch
        : le               ? le->arch
        : p->arch          ? p->arch
                           : (opts.arch.empty() ? "qwen3moe" : opts.arch);
    if (!fam && !og && !le && p->arch && !opts.arch.empty() && opts.arch != p->arch) {
        throw Error(fmt::format("preset {} is a {} model, not {}", p->name, p->arch, opts.arch));
    }
    // OLMoE normalises q and k over all heads, and llama.cpp sizes both norms
    // n_embd: it has no grouped-query OLMoE (the published model has none), so
    // the presets that take --arch give olmoe as many kv heads as heads.
    Preset shape = *p;
    if (arch == "olmoe") shape.n_head_kv = shape.n_head;
    p = &shape;
    const bool dense = arch == "qwen3";
    if (arch != "qwen3moe" && arch != "qwen2moe" && arch != "llama" && arch != "olmoe" && !dense && !fam && !og
        && !le) {
        throw Error(fmt::format("cannot make a model of architecture '{}' (known: qwen3moe, qwen2moe, llama, olmoe, "
                                "qwen3, deepseek2, glm4moe, gpt-oss, granitemoe, llama4, ernie4_5-moe)",
            arch));
    }
    const TypeTraits* qt = type_traits(opts.quant);
    if (!qt || !qt->can_quantize) {
        throw Error(fmt::format("cannot write tensors of type {}{}", type_name(opts.quant),
            qt && qt->supported ? " (its quantizer needs an importance matrix)" : ""));
    }

    const bool shared = arch == "qwen2moe";
    const bool qkv_bias = arch == "qwen2moe";
    const bool sentencepiece = arch == "llama" || arch == "ernie4_5-moe"; // ERNIE: a SentencePiece vocabulary
    const int q_dim = p->n_head * p->head_dim;
    const int kv_dim = p->n_head_kv * p->head_dim;
    const int n_expert = dense ? 1 : p->n_expert;

    GgufWriter w;
    const std::string a = arch;
    w.set_string("general.architecture", a);
    if (fam) {
        shape.n_vocab = fam->n_vocab;
        w.set_string("general.name", fmt::format("synthetic {} {}", fam->name, arch));
    } else if (og) {
        shape.n_vocab = og->n_vocab;
        w.set_string("general.name", fmt::format("synthetic {} {}", og->name, arch));
    } else if (le) {
        shape.n_vocab = le->n_vocab;
        w.set_string("general.name", fmt::format("synthetic {} {}", le->name, arch));
    } else {
        w.set_string("general.name",
            p->arch ? fmt::format("synthetic {}", p->name) : fmt::format("synthetic {} {}", p->name, arch));
    }
    w.set_string("general.description", "random weights with published shapes, made by moe-cli make-model");
    w.set_uint32("general.file_type", llama_file_type(opts.quant));
    if (fam) {
        write_family_metadata(w, *fam);
    } else if (og) {
        write_oss_granite_metadata(w, *og);
    } else if (le) {
        write_llama4_ernie_metadata(w, *le);
    } else {
        w.set_uint32(a + ".block_count", uint32_t(p->n_layer));
        w.set_uint32(a + ".context_length", uint32_t(p->n_ctx));
        w.set_uint32(a + ".embedding_length", uint32_t(p->n_embd));
        w.set_uint32(a + ".feed_forward_length", uint32_t(p->n_ff_exp));
        w.set_uint32(a + ".attention.head_count", uint32_t(p->n_head));
        w.set_uint32(a + ".attention.head_count_kv", uint32_t(p->n_head_kv));
        w.set_uint32(a + ".attention.key_length", uint32_t(p->head_dim));
        w.set_uint32(a + ".attention.value_length", uint32_t(p->head_dim));
        w.set_float32(a + ".attention.layer_norm_rms_epsilon", p->rms_eps);
        w.set_float32(a + ".rope.freq_base", p->rope_theta);
        if (!dense) {
            w.set_uint32(a + ".expert_count", uint32_t(p->n_expert));
            w.set_uint32(a + ".expert_used_count", uint32_t(p->n_expert_used));
            if (arch == "qwen3moe" || arch == "qwen2moe") {
                w.set_uint32(a + ".expert_feed_forward_length", uint32_t(p->n_ff_exp));
            }
            if (shared) w.set_uint32(a + ".expert_shared_feed_forward_length", uint32_t(p->n_ff_shexp));
        }
    }

    // tokenizer section: a real vocabulary when one is given, else a synthetic one
    if (!opts.tokenizer_json.empty()) {
        const VocabData real = import_hf_tokenizer(opts.tokenizer_json, opts.tokenizer_config);
        write_vocab(w, real);
        shape.n_vocab = int(real.tokens.size());
    } else {
        write_synthetic_vocab(w, sentencepiece, arch, p->n_vocab, opts.seed);
    }

    // tensors: random uniform values with the variance of a sensible init,
    // seeded per tensor and row so the output does not depend on threading
    auto pool = std::make_shared<ThreadPool>(opts.threads > 0 ? opts.threads : ThreadPool::default_threads());
    uint64_t total_bytes = 0, written = 0;
    std::vector<std::pair<std::string, uint64_t>> sizes;
    auto add = [&](const std::string& name, std::vector<int64_t> ne, uint32_t type, float scale, float offset) {
        // rows whose length the block format cannot hold fall back (as quantizers do)
        const TypeTraits* tt = type_traits(type);
        if (ne[0] % tt->block_size != 0) type = ne[0] % 32 == 0 ? uint32_t(GGML_TYPE_Q8_0) : uint32_t(GGML_TYPE_F16);
        if (type_traits(type)->block_size > 1 && ne[0] % type_traits(type)->block_size != 0) type = GGML_TYPE_F16;
        int64_t rows = 1;
        for (size_t i = 1; i < ne.size(); ++i)
            rows *= ne[i];
        const int64_t cols = ne[0];
        const size_t rb = row_size(type, cols);
        total_bytes += rb * size_t(rows);
        const uint64_t tensor_seed = hash_name(name, opts.seed);
        w.add_tensor(name, type, ne, [=, &written, &progress, &total_bytes](uint8_t* dst, size_t) {
            pool->parallel_for(rows, 64, [&](int64_t r0, int64_t r1, int) {
                std::vector<float> buf(static_cast<size_t>(cols));
                for (int64_t r = r0; r < r1; ++r) {
                    uint64_t st = tensor_seed + uint64_t(r) * 0x9e3779b97f4a7c15ull;
                    for (int64_t c = 0; c < cols; ++c) {
                        // uniform in [-1, 1) scaled: standard deviation scale/sqrt(3)
                        const double u = double(splitmix64(st) >> 11) * 0x1.0p-53 * 2.0 - 1.0;
                        buf[size_t(c)] = offset + scale * float(u);
                    }
                    quantize_row(type, buf.data(), dst + size_t(r) * rb, cols);
                }
            });
            written += rb * size_t(rows);
            if (progress) progress(double(written) / double(total_bytes));
        });
    };

    const uint32_t F32 = GGML_TYPE_F32;
    const uint32_t Q = opts.quant;
    if (fam) {
        add_family_tensors(*fam, p->n_vocab, Q, add);
        w.write(path);
        return;
    }
    if (og) {
        add_oss_granite_tensors(*og, p->n_vocab, Q, add);
        w.write(path);
        return;
    }
    if (le) {
        add_llama4_ernie_tensors(*le, p->n_vocab, Q, add);
        w.write(path);
        return;
    }
    auto lin = [](int fan_in) { return float(std::sqrt(3.0 / fan_in)); }; // unit-variance outputs
    add("token_embd.weight", { p->n_embd, p->n_vocab }, Q, 1.0f, 0.0f);
    add("output_norm.weight", { p->n_embd }, F32, 0.2f, 1.0f);
    add("output.weight", { p->n_embd, p->n_vocab }, Q, lin(p->n_embd), 0.0f);
    for (int il = 0; il < p->n_layer; ++il) {
        auto n = [il](const char* s) { return fmt::format("blk.{}.{}", il, s); };
        add(n("attn_norm.weight"), { p->n_embd }, F32, 0.2f, 1.0f);
        add(n("attn_q.weight"), { p->n_embd, q_dim }, Q, lin(p->n_embd), 0.0f);
        add(n("attn_k.weight"), { p->n_embd, kv_dim }, Q, lin(p->n_embd), 0.0f);
        add(n("attn_v.weight"), { p->n_embd, kv_dim }, Q, lin(p->n_embd), 0.0f);
        add(n("attn_output.weight"), { q_dim, p->n_embd }, Q, lin(q_dim), 0.0f);
        if (qkv_bias) {
            add(n("attn_q.bias"), { q_dim }, F32, 0.1f, 0.0f);
            add(n("attn_k.bias"), { kv_dim }, F32, 0.1f, 0.0f);
            add(n("attn_v.bias"), { kv_dim }, F32, 0.1f, 0.0f);
        }
        if (arch == "qwen3moe" || dense) {
            add(n("attn_q_norm.weight"), { p->head_dim }, F32, 0.2f, 1.0f);
            add(n("attn_k_norm.weight"), { p->head_dim }, F32, 0.2f, 1.0f);
        } else if (arch == "olmoe") {
            add(n("attn_q_norm.weight"), { q_dim }, F32, 0.2f, 1.0f);
            add(n("attn_k_norm.weight"), { kv_dim }, F32, 0.2f, 1.0f);
        }
        add(n("ffn_norm.weight"), { p->n_embd }, F32, 0.2f, 1.0f);
        if (dense) {
            add(n("ffn_gate.weight"), { p->n_embd, p->n_ff_exp }, Q, lin(p->n_embd), 0.0f);
            add(n("ffn_up.weight"), { p->n_embd, p->n_ff_exp }, Q, lin(p->n_embd), 0.0f);
            add(n("ffn_down.weight"), { p->n_ff_exp, p->n_embd }, Q, lin(p->n_ff_exp), 0.0f);
            continue;
        }
        // The router stays F32, as llama.cpp's quantizer keeps it; a wider
        // init spreads the routing so top-k choices are well separated.
        add(n("ffn_gate_inp.weight"), { p->n_embd, n_expert }, F32, 3.0f * lin(p->n_embd), 0.0f);
        add(n("ffn_gate_exps.weight"), { p->n_embd, p->n_ff_exp, n_expert }, Q, lin(p->n_embd), 0.0f);
        add(n("ffn_up_exps.weight"), { p->n_embd, p->n_ff_exp, n_expert }, Q, lin(p->n_embd), 0.0f);
        add(n("ffn_down_exps.weight"), { p->n_ff_exp, p->n_embd, n_expert }, Q, lin(p->n_ff_exp), 0.0f);
        if (shared) {
            add(n("ffn_gate_inp_shexp.weight"), { p->n_embd }, F32, lin(p->n_embd), 0.0f);
            add(n("ffn_gate_shexp.weight"), { p->n_embd, p->n_ff_shexp }, Q, lin(p->n_embd), 0.0f);
            add(n("ffn_up_shexp.weight"), { p->n_embd, p->n_ff_shexp }, Q, lin(p->n_embd), 0.0f);
            add(n("ffn_down_shexp.weight"), { p->n_ff_shexp, p->n_embd }, Q, lin(p->n_ff_shexp), 0.0f);
        }
    }
    w.write(path);
}

} // namespace moe
