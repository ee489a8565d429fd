// What gpt-oss (`gpt-oss`) and IBM Granite MoE (`granitemoe`) files carry
// beyond the older families. Key and tensor names as llama.cpp's converter
// writes them (gguf-py/gguf/constants.py, conversion/gpt_oss.py, granite.py);
// the computation as its src/models/openai-moe.cpp and granite.cpp run it.
//
// gpt-oss: blocks alternate between attention over a sliding window (even
// blocks, unless the file lists them in attention.sliding_window_pattern)
// and over the whole context; every head has a learned "sink" logit in its
// softmax; q/k/v, the attention output, the router and every expert have
// biases; the experts use a clamped SwiGLU (swiglu_oai); the router takes a
// softmax over the top-k logits (the same as a softmax over all of them
// renormalised over the top k); RoPE is YaRN-scaled (NeoX halves).
//
// Granite MoE: a Llama-style block with four multipliers: the embedding is
// scaled, each residual branch is scaled before it is added, the attention
// softmax has its own scale, and the logits are divided by logit_scale.
// Some files (GraniteMoeShared) add an ungated shared expert.
#include "model/model.h"

#include "model/arch_keys.h"

#include "quant/quant.h"

#include <fmt/format.h>

#include <cmath>

namespace moe {

namespace {

// Whether block il of a gpt-oss file attends over the sliding window: the
// file's per-block list, or a period (default 2: even blocks windowed, odd
// full), as llama.cpp's load_swa_pattern / set_swa_pattern decide.
bool is_windowed(const GgufFile& f, const std::string& key, int il) {
    const GgufKV* kv = f.find(key);
    if (kv && kv->type == GgufValueType::ARRAY) {
        if (kv->arr_type != GgufValueType::BOOL && kv->arr_type != GgufValueType::UINT8
            && kv->arr_type != GgufValueType::INT8) {
            throw Error(fmt::format("{}: {} is an array of an unexpected type (booleans expected)", f.path(), key));
        }
        if (uint64_t(il) >= kv->arr_n) {
            throw Error(fmt::format("{}: {} has {} entries; block {} has none", f.path(), key, kv->arr_n, il));
        }
        return kv->arr_data[il] != 0;
    }
    const uint64_t period = kv ? f.get_uint(key) : 2;
    return period == 0 || uint64_t(il) % period < period - 1;
}

} // namespace

void Model::read_config_oss_granite(ModelConfig& c) {
    const GgufFile& f = m_file;
    const std::string arch = arch_name(c.arch);
    const ArchKeys keys(f, arch);
    auto scale_key = [&](const char* suffix, double lo, double hi) {
        const double v = f.get_float(keys.key(suffix), 0.0); // llama.cpp: 0 or absent means none
        if (!std::isfinite(v) || v < 0.0 || (v != 0.0 && (v < lo || v > hi))) {
            keys.fail(fmt::format("{} = {} is out of range [{}, {}]", keys.key(suffix), v, lo, hi));
        }
        return v;
    };
    c.norm_topk = true; // Granite: softmax then renormalised top-k; gpt-oss: softmax over the top-k logits
    c.gating = Gating::softmax;
    c.n_rot = c.head_dim;
    const std::string scaling = f.get_string(keys.key("rope.scaling.type"), "none");

    if (c.arch == Arch::granitemoe) {
        c.n_expert_shared = c.n_ff_shexp > 0 ? 1 : 0;
        c.shexp_gated = false; // GraniteMoeShared's shared MLP is always on
        c.embd_scale = float(scale_key("embedding_scale", 1e-6, 1e6));
        c.residual_scale = float(scale_key("residual_scale", 1e-6, 1e6));
        c.logit_scale = float(scale_key("logit_scale", 1e-6, 1e6));
        const double attn_scale = scale_key("attention.scale", 1e-9, 1e3);
        if (c.embd_scale == 0.0f) c.embd_scale = 1.0f;
        if (c.residual_scale == 0.0f) c.residual_scale = 1.0f;
        if (c.logit_scale == 0.0f) c.logit_scale = 1.0f;
        if (attn_scale != 0.0) c.kq_scale = float(attn_scale);
        if (scaling != "none") keys.fail(fmt::format("RoPE scaling '{}' is not supported for granitemoe", scaling));
        return;
    }

    // gpt-oss
    c.swiglu_oai = true;
    if (!f.find(keys.key("attention.sliding_window")))
        keys.fail(fmt::format("{} is missing", keys.key("attention.sliding_window")));
    const uint64_t window = f.get_uint(keys.key("attention.sliding_window"));
    if (window == 0 || window > (1u << 30)) {
        keys.fail(fmt::format("{} = {} is out of range", keys.key("attention.sliding_window"), window));
    }
    c.n_swa = int32_t(window);
    if (f.find(keys.key("rope.freq_base_swa"))
        && std::abs(f.get_float(keys.key("rope.freq_base_swa")) - double(c.rope_freq_base)) > 1e-6 * c.rope_freq_base) {
        keys.fail(fmt::format("{} differs from {}; a separate RoPE base for the windowed blocks is not supported",
            keys.key("rope.freq_base_swa"), keys.key("rope.freq_base")));
    }
    // YaRN: frequencies blended as cpu::rope_freqs does; ggml multiplies cos and sin by
    // mscale = 1 + 0.1 ln(factor), so q·k by mscale², folded into the softmax scale
    double mscale = 1.0;
    if (scaling == "yarn") {
        c.yarn_factor = float(f.get_float(keys.key("rope.scaling.factor"), 1.0));
        if (!std::isfinite(c.yarn_factor) || c.yarn_factor < 1.0f || c.yarn_factor > 1e4f) {
            keys.fail(fmt::format("{} = {} is out of range", keys.key("rope.scaling.factor"), c.yarn_factor));
        }
        const uint64_t orig = f.get_uint(keys.key("rope.scaling.original_context_length"), uint64_t(c.n_ctx_train));
        if (orig == 0 || orig > (1u << 30)) keys.fail(fmt::format("YaRN's original context {} is out of range", orig));
        c.yarn_orig_ctx = int32_t(orig);
        c.yarn_beta_fast = float(f.get_float(keys.key("rope.scaling.yarn_beta_fast"), 32.0));
        c.yarn_beta_slow = float(f.get_float(keys.key("rope.scaling.yarn_beta_slow"), 1.0));
        if (f.find(keys.key("rope.scaling.yarn_log_multiplier")) || f.find(keys.key("rope.scaling.attn_factor"))) {
            keys.fail("YaRN attention factors other than the default are not supported for gpt-oss");
        }
        if (c.yarn_factor > 1.0f) mscale = 1.0 + 0.1 * std::log(double(c.yarn_factor));
    } else if (scaling != "none") {
        keys.fail(fmt::format("RoPE scaling '{}' is not supported for gpt-oss (none or yarn)", scaling));
    }
    c.kq_scale = float(mscale * mscale / std::sqrt(double(c.head_dim)));
}

void Model::bind_oss_granite(int il, LayerWeights& l) {
    const ModelConfig& c = m_cfg;
    const GgufFile& f = m_file;
    auto name = [il](const char* n) { return fmt::format("blk.{}.{}", il, n); };
    const int64_t q_dim = int64_t(c.n_head) * c.head_dim, kv_dim = int64_t(c.n_head_kv) * c.head_dim;
    // q/k/v biases where the file has them (gpt-oss always; llama.cpp reads them when present)
    l.bq = bind_vector(name("attn_q.bias"), q_dim, false);
    l.bk = bind_vector(name("attn_k.bias"), kv_dim, bool(l.bq));
    l.bv = bind_vector(name("attn_v.bias"), kv_dim, bool(l.bq));
    const bool oss = c.arch == Arch::gptoss;
    l.bo = bind_vector(name("attn_output.bias"), c.n_embd, oss);
    if (!oss) return;

    l.n_swa = is_windowed(f, std::string(arch_name(c.arch)) + ".attention.sliding_window_pattern", il) ? c.n_swa : 0;
    l.attn_sinks = bind_vector(name("attn_sinks.weight"), c.n_head);
    if (l.ffn != FfnKind::moe) return;
    l.gate_inp_b = bind_vector(name("ffn_gate_inp.bias"), c.n_expert);
    // expert biases: one 2-D tensor [width, n_expert], converted to F32 once if stored otherwise
    auto expert_bias = [&](const char* base, int64_t width) {
        const GgufTensorInfo* t = find_weight(name(base), true);
        check_shape(t, { width, c.n_expert });
        const float* data = nullptr;
        if (t->type == GGML_TYPE_F32 && reinterpret_cast<uintptr_t>(t->data) % alignof(float) == 0) {
            data = reinterpret_cast<const float*>(t->data);
        } else {
            std::vector<float>& conv = m_converted.emplace_back(size_t(width) * size_t(c.n_expert));
            const size_t rb = row_size(t->type, width);
            for (int e = 0; e < c.n_expert; ++e)
                dequantize_row(t->type, t->data + size_t(e) * rb, conv.data() + size_t(e) * size_t(width), width);
            data = conv.data();
        }
        std::vector<Vector> out;
        for (int e = 0; e < c.n_expert; ++e)
            out.push_back(Vector { data + size_t(e) * size_t(width), width });
        return out;
    };
    l.gate_exp_b = expert_bias("ffn_gate_exps.bias", c.n_ff_exp);
    l.up_exp_b = expert_bias("ffn_up_exps.bias", c.n_ff_exp);
    l.down_exp_b = expert_bias("ffn_down_exps.bias", c.n_embd);
}

} // namespace moe
