#include "model/model.h"

#include "quant/quant.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace moe {

namespace {

struct ArchInfo {
    const char* name;
    Arch arch;
    bool is_moe;
    RopeStyle rope;
    QkNorm qk_norm;
    bool qkv_bias;
    bool norm_topk;
    bool has_shared_expert;
};

// One row per architecture we load. The gating conventions follow the
// families' reference implementations: Mixtral and Qwen3-MoE renormalise
// the top-k weights, OLMoE and Qwen1.5/2-MoE keep the raw softmax mass.
// "llama" GGUF files store q/k permuted for adjacent-pair RoPE; the Qwen and
// OLMo families rotate halves (NeoX).
constexpr ArchInfo k_archs[] = {
    { "qwen3moe", Arch::qwen3moe, true, RopeStyle::neox, QkNorm::per_head, false, true, false },
    { "qwen2moe", Arch::qwen2moe, true, RopeStyle::neox, QkNorm::none, true, false, true },
    { "llama", Arch::llama, true, RopeStyle::normal, QkNorm::none, false, true, false },
    { "olmoe", Arch::olmoe, true, RopeStyle::neox, QkNorm::full, false, false, false },
    { "qwen3", Arch::qwen3, false, RopeStyle::neox, QkNorm::per_head, false, true, false },
    { "qwen2", Arch::qwen2, false, RopeStyle::neox, QkNorm::none, true, true, false },
    // DeepSeek V2/V3 and GLM-4.5 (engine/model/arch_ext.cpp reads what is particular to them):
    // HF's DeepSeek rotates interleaved pairs, GLM halves of the rotated part.
    { "deepseek2", Arch::deepseek2, true, RopeStyle::normal, QkNorm::none, false, false, false },
    { "glm4moe", Arch::glm4moe, true, RopeStyle::neox, QkNorm::none, false, false, false },
    // gpt-oss and Granite MoE (engine/model/arch_oss_granite.cpp): gpt-oss rotates halves;
    // Granite's converter permutes q/k as for Llama
    { "gpt-oss", Arch::gptoss, true, RopeStyle::neox, QkNorm::none, false, true, false },
    { "granitemoe", Arch::granitemoe, true, RopeStyle::normal, QkNorm::none, false, true, true },
    // Llama 4 and ERNIE 4.5 (engine/model/arch_llama4_ernie.cpp): both rotate adjacent pairs
    // (llama4's converter keeps HF's order, which is already interleaved)
    { "llama4", Arch::llama4, true, RopeStyle::normal, QkNorm::none, false, false, false },
    { "ernie4_5-moe", Arch::ernie4_5_moe, true, RopeStyle::normal, QkNorm::none, false, true, false },
};

const ArchInfo* find_arch(const std::string& name) {
    for (const auto& a : k_archs) {
        if (name == a.name) return &a;
    }
    return nullptr;
}

const ArchInfo& arch_info(Arch arch) {
    for (const auto& a : k_archs) {
        if (a.arch == arch) return a;
    }
    return k_archs[0];
}

std::string shape_str(const int64_t* ne, uint32_t n_dims) {
    std::string s = "[";
    for (uint32_t i = 0; i < n_dims; ++i)
        s += fmt::format("{}{}", i ? ", " : "", ne[i]);
    return s + "]";
}

} // namespace

const char* arch_name(Arch a) {
    return arch_info(a).name;
}

std::string supported_arch_list() {
    std::string s;
    for (const auto& a : k_archs)
        s += fmt::format("{}{}", s.empty() ? "" : ", ", a.name);
    return s;
}

std::shared_ptr<Model> Model::load(const std::string& path) {
    return load(GgufFile::open(path));
}

std::shared_ptr<Model> Model::load(GgufFile file) {
    std::shared_ptr<Model> m(new Model(std::move(file)));
    m->read_config();
    m->bind_weights();
    m->compute_stats();
    return m;
}

std::string Model::name() const {
    std::string n = m_file.get_string("general.name", "");
    if (!n.empty()) return n;
    return std::filesystem::path(m_file.path()).filename().string();
}

void Model::read_config() {
    const GgufFile& f = m_file;
    const std::string arch = f.get_string("general.architecture");
    const ArchInfo* info = find_arch(arch);
    if (!info && arch == "granitehybrid") {
        throw Error(fmt::format("{}: architecture 'granitehybrid' (Granite 4 with Mamba layers) is not supported: its "
                                "state-space layers have no implementation here (granitemoe is)",
            f.path()));
    }
    if (!info) {
        throw Error(fmt::format(
            "{}: architecture '{}' is not supported (supported: {})", f.path(), arch, supported_arch_list()));
    }
    auto key = [&](const char* suffix) { return arch + "." + suffix; };
    auto get_i32 = [&](const std::string& k) -> int32_t {
        uint64_t v = f.get_uint(k);
        if (v == 0 || v > (1u << 30)) throw Error(fmt::format("{}: {} = {} is out of range", f.path(), k, v));
        return static_cast<int32_t>(v);
    };
    // A float hyper-parameter that must be finite and inside (lo, hi]: a NaN,
    // zero or negative epsilon or RoPE base would run and print garbage.
    auto get_positive = [&](const std::string& k, double fallback, double lo, double hi, const char* why) {
        const double v = f.get_float(k, fallback);
        if (!std::isfinite(v) || !(v > lo) || v > hi) {
            throw Error(fmt::format("{}: {} = {} is out of range: {}", f.path(), k, v, why));
        }
        return static_cast<float>(v);
    };

    ModelConfig c {};
    c.arch = info->arch;
    c.n_layer = get_i32(key("block_count"));
    // Every block holds at least its norms, four attention matrices and an
    // FFN, so the tensors present bound the block count before the layer list
    // is sized: a tiny file cannot claim millions of blocks.
    constexpr uint64_t k_min_tensors_per_block = 9;
    if (uint64_t(c.n_layer) > f.tensors().size() / k_min_tensors_per_block) {
        throw Error(fmt::format("{}: {} = {} is more blocks than the file's {} tensors can hold (a block has at least "
                                "{} tensors)",
            f.path(), key("block_count"), c.n_layer, f.tensors().size(), k_min_tensors_per_block));
    }
    c.n_embd = get_i32(key("embedding_length"));
    c.n_head = get_i32(key("attention.head_count"));
    c.n_head_kv = f.find(key("attention.head_count_kv")) ? get_i32(key("attention.head_count_kv")) : c.n_head;
    c.head_dim = f.find(key("attention.key_length")) ? get_i32(key("attention.key_length")) : c.n_embd / c.n_head;
    c.n_ctx_train = f.find(key("context_length")) ? get_i32(key("context_length")) : 2048;
    c.rms_eps = get_positive(key("attention.layer_norm_rms_epsilon"), 1e-6, 0.0, 1.0,
        "an RMSNorm epsilon is a small positive number (1e-6 is usual)");
    c.rope_freq_base = get_positive(key("rope.freq_base"), 10000.0, 1.0, 1e12,
        "a RoPE base is a finite number above 1 (10000 or 1000000 is usual)");
    c.rope = info->rope;
    c.qk_norm = info->qk_norm;
    c.gating = Gating::softmax;
    // "llama" covers both Mixtral (with experts) and dense Llama files.
    c.is_moe = info->is_moe && !(c.arch == Arch::llama && !f.find(key("expert_count")));
    c.qkv_bias = info->qkv_bias;
    c.norm_topk = info->norm_topk;

    if (c.n_head % c.n_head_kv != 0) {
        throw Error(
            fmt::format("{}: {} heads is not a multiple of {} key/value heads", f.path(), c.n_head, c.n_head_kv));
    }
    if (c.head_dim % 2 != 0)
        throw Error(fmt::format("{}: head dimension {} is odd; RoPE needs pairs", f.path(), c.head_dim));
    // (MLA's value_length is the latent's size, read with its other dimensions)
    if (c.arch != Arch::deepseek2 && f.find(key("attention.value_length"))
        && f.get_uint(key("attention.value_length")) != uint64_t(c.head_dim)) {
        throw Error(fmt::format("{}: value head size differs from key head size, which is not supported", f.path()));
    }

    if (c.is_moe) {
        c.n_expert = get_i32(key("expert_count"));
        c.n_expert_used = get_i32(key("expert_used_count"));
        if (c.n_expert_used > c.n_expert) {
            throw Error(fmt::format(
                "{}: {} experts used per token but only {} experts", f.path(), c.n_expert_used, c.n_expert));
        }
        if (f.find(key("expert_feed_forward_length"))) {
            c.n_ff_exp = get_i32(key("expert_feed_forward_length"));
        } else {
            c.n_ff_exp = get_i32(key("feed_forward_length"));
        }
        if (info->has_shared_expert) {
            c.n_ff_shexp = f.find(key("expert_shared_feed_forward_length"))
                ? get_i32(key("expert_shared_feed_forward_length"))
                : 0;
            c.n_expert_shared = c.n_ff_shexp > 0 ? 1 : 0;
            c.shexp_gated = true;
        }
        // Qwen3-MoE files may say norm_top_k_prob explicitly; honour it when present.
        c.norm_topk = f.get_bool(key("expert_weights_norm"), c.norm_topk);
    } else {
        c.n_expert = 1;
        c.n_expert_used = 1;
        c.n_ff_exp = get_i32(key("feed_forward_length"));
        c.norm_topk = true;
    }
    c.attn = AttnKind::gqa;
    c.n_rot = c.head_dim;
    c.head_dim_v = c.head_dim;
    c.n_moe_layer = c.is_moe ? c.n_layer : 0;
    c.n_ff = c.n_ff_exp;
    c.n_expert_groups = 1;
    c.n_group_used = 1;
    c.expert_weights_scale = 1.0f;
    c.yarn_factor = 1.0f;
    c.kq_scale = float(1.0 / std::sqrt(double(c.head_dim)));
    c.embd_scale = c.residual_scale = c.logit_scale = 1.0f;
    if (c.arch == Arch::deepseek2 || c.arch == Arch::glm4moe) read_config_ext(c);
    if (c.arch == Arch::gptoss || c.arch == Arch::granitemoe) read_config_oss_granite(c);
    c.n_moe_layer_step = 1;
    if (c.arch == Arch::llama4 || c.arch == Arch::ernie4_5_moe) read_config_llama4_ernie(c);

    const GgufTensorInfo* embd = f.find_tensor("token_embd.weight");
    if (!embd) throw Error(fmt::format("{}: missing tensor token_embd.weight", f.path()));
    if (embd->n_dims != 2 || embd->ne[1] > (int64_t(1) << 30)) {
        throw Error(fmt::format("{}: tensor token_embd.weight has shape {}, expected [{}, vocabulary size]", f.path(),
            shape_str(embd->ne, embd->n_dims), c.n_embd));
    }
    c.n_vocab = static_cast<int32_t>(embd->ne[1]);
    // The tokenizer and the embedding must agree on the vocabulary: ids past
    // the tokenizer's list would print as nothing, ids past the embedding
    // could never be fed back.
    if (const GgufKV* toks = f.find("tokenizer.ggml.tokens"); toks && toks->type == GgufValueType::ARRAY) {
        if (toks->arr_n != uint64_t(c.n_vocab)) {
            throw Error(fmt::format("{}: the tokenizer has {} tokens (tokenizer.ggml.tokens) but token_embd.weight has "
                                    "{} rows; the vocabulary must match the embedding",
                f.path(), toks->arr_n, c.n_vocab));
        }
    }
    m_cfg = c;
}

const GgufTensorInfo* Model::find_weight(const std::string& name, bool required) const {
    const GgufFile& f = m_file;
    {
        const GgufTensorInfo* t = f.find_tensor(name);
        if (!t && required) throw Error(fmt::format("{}: missing tensor {}", f.path(), name));
        if (t && (!type_traits(t->type) || !type_traits(t->type)->supported)) {
            throw Error(fmt::format(
                "{}: tensor {} has type {}, which is not supported yet", f.path(), name, type_name(t->type)));
        }
        return t;
    }
}

void Model::check_shape(const GgufTensorInfo* t, std::initializer_list<int64_t> expect) const {
    const GgufFile& f = m_file;
    {
        // trailing dimensions of 1 may be omitted (a (1, n) matrix stored as [n])
        bool ok = t->n_dims <= expect.size();
        int i = 0;
        for (int64_t e : expect)
            ok = ok && t->ne[i++] == e;
        if (!ok) {
            std::vector<int64_t> ev(expect);
            throw Error(fmt::format("{}: tensor {} has shape {}, expected {}", f.path(), t->name,
                shape_str(t->ne, t->n_dims), shape_str(ev.data(), uint32_t(ev.size()))));
        }
    }
}

// A weight (rows, cols) is stored with ne = [cols, rows].
Matrix Model::bind_matrix(const std::string& name, int64_t rows, int64_t cols, bool required) const {
    const GgufTensorInfo* t = find_weight(name, required);
    if (!t) return {};
    check_shape(t, { cols, rows });
    return Matrix { t->data, t->type, rows, cols, row_size(t->type, cols) };
}

Vector Model::bind_vector(const std::string& name, int64_t n, bool required) {
    const GgufFile& f = m_file;
    {
        const GgufTensorInfo* t = find_weight(name, required);
        if (!t) return {};
        check_shape(t, { n });
        if (t->type == GGML_TYPE_F32) {
            if (reinterpret_cast<uintptr_t>(t->data) % alignof(float) != 0) {
                throw Error(fmt::format("{}: tensor {} is not 4-byte aligned", f.path(), name));
            }
            return Vector { reinterpret_cast<const float*>(t->data), n };
        }
        // Norms and biases stored as F16/BF16: convert once; the forward pass reads F32.
        m_converted.emplace_back(static_cast<size_t>(n));
        dequantize_row(t->type, t->data, m_converted.back().data(), n);
        return Vector { m_converted.back().data(), n };
    }
}

void Model::bind_weights() {
    const GgufFile& f = m_file;
    const ModelConfig& c = m_cfg;
    auto find = [&](const std::string& name, bool required) { return find_weight(name, required); };
    auto matrix = [&](const std::string& name, int64_t rows, int64_t cols, bool required = true) {
        return bind_matrix(name, rows, cols, required);
    };
    auto vector
        = [&](const std::string& name, int64_t n, bool required = true) { return bind_vector(name, n, required); };
    // Expert weights: one 3-D tensor [cols, rows, n_expert] (current files), or
    // one 2-D tensor per expert "blk.N.ffn_gate.E.weight" (older Mixtral files).
    auto experts = [&](int il, const char* base, int64_t rows, int64_t cols) -> std::vector<Matrix> {
        std::vector<Matrix> out;
        const std::string merged = fmt::format("blk.{}.{}_exps.weight", il, base);
        if (const GgufTensorInfo* t = find(merged, false)) {
            check_shape(t, { cols, rows, c.n_expert });
            const size_t rb = row_size(t->type, cols);
            for (int e = 0; e < c.n_expert; ++e) {
                out.push_back(Matrix { t->data + size_t(e) * rb * size_t(rows), t->type, rows, cols, rb });
            }
            return out;
        }
        if (!f.find_tensor(fmt::format("blk.{}.{}.0.weight", il, base))) {
            throw Error(fmt::format("{}: missing tensor {}", f.path(), merged));
        }
        for (int e = 0; e < c.n_expert; ++e) {
            out.push_back(matrix(fmt::format("blk.{}.{}.{}.weight", il, base, e), rows, cols));
        }
        return out;
    };

    const int64_t q_dim = int64_t(c.n_head) * c.head_dim;
    const int64_t kv_dim = int64_t(c.n_head_kv) * c.head_dim;

    m_w.tok_embd = matrix("token_embd.weight", c.n_vocab, c.n_embd);
    m_w.output_norm = vector("output_norm.weight", c.n_embd);
    m_w.output = matrix("output.weight", c.n_vocab, c.n_embd, false);
    if (!m_w.output) {
        m_w.output = m_w.tok_embd;
        m_cfg.tied_output = true;
    }

    m_w.layers.resize(size_t(c.n_layer));
    for (int il = 0; il < c.n_layer; ++il) {
        LayerWeights& l = m_w.layers[size_t(il)];
        auto name = [il](const char* n) { return fmt::format("blk.{}.{}", il, n); };
        l.attn = c.attn;
        l.ffn = c.is_moe && il >= c.n_layer_dense_lead && (il + 1) % c.n_moe_layer_step == 0 ? FfnKind::moe
                                                                                             : FfnKind::dense;
        if (l.ffn == FfnKind::moe) {
            l.moe_index = int32_t(m_moe_blocks.size());
            m_moe_blocks.push_back(il);
        }
        l.attn_norm = vector(name("attn_norm.weight"), c.n_embd);
        if (c.attn == AttnKind::mla) {
            bind_mla(il, l);
        } else {
            l.wq = matrix(name("attn_q.weight"), q_dim, c.n_embd);
            l.wk = matrix(name("attn_k.weight"), kv_dim, c.n_embd);
            l.wv = matrix(name("attn_v.weight"), kv_dim, c.n_embd);
            l.wo = matrix(name("attn_output.weight"), c.n_embd, q_dim);
        }
        if (c.arch == Arch::glm4moe) bind_glm_extras(il, l);
        if (c.qkv_bias) {
            l.bq = vector(name("attn_q.bias"), q_dim);
            l.bk = vector(name("attn_k.bias"), kv_dim);
            l.bv = vector(name("attn_v.bias"), kv_dim);
        }
        if (c.qk_norm == QkNorm::per_head) {
            l.q_norm = vector(name("attn_q_norm.weight"), c.head_dim);
            l.k_norm = vector(name("attn_k_norm.weight"), c.head_dim);
        } else if (c.qk_norm == QkNorm::full) {
            l.q_norm = vector(name("attn_q_norm.weight"), q_dim);
            l.k_norm = vector(name("attn_k_norm.weight"), kv_dim);
        }
        // GLM names the norm before the FFN after the attention it follows
        const bool post_attn_norm = c.arch == Arch::glm4moe || c.arch == Arch::gptoss;
        l.ffn_norm = vector(name(post_attn_norm ? "post_attention_norm.weight" : "ffn_norm.weight"), c.n_embd);
        if (l.ffn == FfnKind::moe) {
            l.gate_inp = matrix(name("ffn_gate_inp.weight"), c.n_expert, c.n_embd);
            if (c.expert_bias) l.exp_probs_b = vector(name("exp_probs_b.bias"), c.n_expert);
            l.gate_exp = experts(il, "ffn_gate", c.n_ff_exp, c.n_embd);
            l.up_exp = experts(il, "ffn_up", c.n_ff_exp, c.n_embd);
            l.down_exp = experts(il, "ffn_down", c.n_embd, c.n_ff_exp);
            if (c.n_ff_shexp > 0) {
                l.gate_inp_shexp = matrix(name("ffn_gate_inp_shexp.weight"), 1, c.n_embd, c.shexp_gated);
                l.gate_shexp = matrix(name("ffn_gate_shexp.weight"), c.n_ff_shexp, c.n_embd);
                l.up_shexp = matrix(name("ffn_up_shexp.weight"), c.n_ff_shexp, c.n_embd);
                l.down_shexp = matrix(name("ffn_down_shexp.weight"), c.n_embd, c.n_ff_shexp);
            }
        } else {
            l.gate_exp = { matrix(name("ffn_gate.weight"), c.n_ff, c.n_embd) };
            l.up_exp = { matrix(name("ffn_up.weight"), c.n_ff, c.n_embd) };
            l.down_exp = { matrix(name("ffn_down.weight"), c.n_embd, c.n_ff) };
        }
        if (c.arch == Arch::gptoss || c.arch == Arch::granitemoe) bind_oss_granite(il, l);
    }
    if (c.arch == Arch::llama4 || c.arch == Arch::ernie4_5_moe) bind_llama4_ernie();
}

uint64_t Model::expert_bytes(int layer, int expert) const {
    const LayerWeights& l = m_w.layers[size_t(layer)];
    return l.gate_exp[size_t(expert)].bytes() + l.up_exp[size_t(expert)].bytes() + l.down_exp[size_t(expert)].bytes();
}

uint64_t Model::weight_bytes_read(const int32_t* ids, int n_layers, int k) const {
    if (!m_cfg.is_moe) return m_stats.active_weight_bytes;
    uint64_t bytes = m_dense_bytes_per_token;
    for (int l = 0; l < n_layers && l < int(m_moe_blocks.size()); ++l)
        for (int j = 0; j < k; ++j) {
            const int32_t e = ids[size_t(l) * size_t(k) + size_t(j)];
            if (e >= 0) bytes += expert_bytes(moe_block(l), e); // -1: an entry a routing policy left unused
        }
    return bytes;
}

uint64_t Model::kv_cache_bytes(int n_ctx) const {
    const ModelConfig& c = m_cfg;
    const uint64_t per_block = c.attn == AttnKind::mla ? uint64_t(c.kv_lora_rank) + uint64_t(c.n_rot)
                                                       : uint64_t(c.n_head_kv) * uint64_t(c.head_dim + c.head_dim_v);
    // a block with a sliding window keeps only the window (gpt-oss)
    uint64_t positions = 0;
    for (const LayerWeights& l : m_w.layers)
        positions += l.n_swa > 0 ? uint64_t(std::min(n_ctx, l.n_swa)) : uint64_t(n_ctx);
    return sizeof(float) * positions * per_block;
}

uint64_t Model::mha_cache_bytes(int n_ctx) const {
    const ModelConfig& c = m_cfg;
    return sizeof(float) * uint64_t(c.n_layer) * uint64_t(n_ctx) * uint64_t(c.n_head)
        * uint64_t(c.head_dim + c.head_dim_v);
}

void Model::compute_stats() {
    ModelStats s;
    for (const GgufTensorInfo& t : m_file.tensors()) {
        s.total_params += uint64_t(t.n_elements());
        s.weight_bytes += t.nbytes;
        auto& slot = s.by_type[type_name(t.type)];
        slot.first += 1;
        slot.second += t.nbytes;
        s.n_tensors += 1;
    }
    const ModelConfig& c = m_cfg;
    uint64_t expert_params_all = 0, expert_bytes_all = 0, expert_bytes_used = 0, expert_params_used = 0;
    for (int il = 0; il < c.n_layer; ++il) {
        const LayerWeights& l = m_w.layers[size_t(il)];
        // a dense block of a MoE model is all active (it is in the dense bytes below)
        if (c.is_moe && l.ffn != FfnKind::moe) continue;
        uint64_t p_one
            = uint64_t(l.gate_exp[0].rows * l.gate_exp[0].cols) * 2 + uint64_t(l.down_exp[0].rows * l.down_exp[0].cols);
        expert_params_all += p_one * uint64_t(c.n_expert);
        expert_params_used += p_one * uint64_t(c.n_expert_used);
        for (int e = 0; e < int(l.gate_exp.size()); ++e)
            expert_bytes_all += expert_bytes(il, e);
        expert_bytes_used += expert_bytes(il, 0) * uint64_t(c.n_expert_used);
    }
    s.active_params = s.total_params - expert_params_all + expert_params_used;
    // A decode step reads one embedding row, not the whole table (unless the
    // output head is tied to it, in which case the head reads it all anyway).
    const uint64_t embd_bytes = m_w.tok_embd.bytes();
    const uint64_t embd_read = m_cfg.tied_output ? 0 : embd_bytes - m_w.tok_embd.row_bytes;
    m_dense_bytes_per_token = s.weight_bytes - expert_bytes_all - embd_read;
    s.active_weight_bytes = m_dense_bytes_per_token + expert_bytes_used;
    m_stats = s;
}

} // namespace moe
