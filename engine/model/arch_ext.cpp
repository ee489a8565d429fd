// What DeepSeek V2/V3 (`deepseek2`) and GLM-4.5 (`glm4moe`) files carry
// beyond the older families: multi-head latent attention, leading dense
// blocks, shared experts, grouped and biased routing, YaRN, partial RoPE and
// next-token-prediction blocks. Key and tensor names as llama.cpp's
// converter writes them (gguf-py/gguf/constants.py, convert_hf_to_gguf.py).
#include "model/model.h"

#include "model/arch_keys.h"

#include "quant/quant.h"

#include <fmt/format.h>

#include <cmath>

namespace moe {

void Model::read_config_ext(ModelConfig& c) {
    const GgufFile& f = m_file;
    const std::string arch = arch_name(c.arch);
    const ArchKeys keys(f, arch);

    // GLM files append next-token-prediction blocks that plain decoding does not run
    c.n_layer_nextn = keys.uint_or("nextn_predict_layers", 0);
    if (c.n_layer_nextn >= c.n_layer) {
        keys.fail(fmt::format(
            "{} = {} leaves no blocks of the {} to run", keys.key("nextn_predict_layers"), c.n_layer_nextn, c.n_layer));
    }
    c.n_layer -= c.n_layer_nextn;
    c.n_layer_dense_lead = keys.uint_or("leading_dense_block_count", 0);
    if (c.n_layer_dense_lead >= c.n_layer) {
        keys.fail(fmt::format("{} = {} leaves no MoE block of the {}", keys.key("leading_dense_block_count"),
            c.n_layer_dense_lead, c.n_layer));
    }
    c.n_moe_layer = c.n_layer - c.n_layer_dense_lead;
    c.n_ff = c.n_layer_dense_lead > 0 ? keys.uint_or("feed_forward_length", 0) : c.n_ff_exp;
    if (c.n_ff <= 0)
        keys.fail(fmt::format("{} is missing; the leading dense blocks need it", keys.key("feed_forward_length")));

    // shared experts: n of them, merged into one FFN n times as wide, always on
    c.n_expert_shared = keys.uint_or("expert_shared_count", 0);
    c.n_ff_shexp = c.n_ff_exp * c.n_expert_shared;
    c.shexp_gated = false;

    // routing: gating function, selection bias, groups, top-k weights
    const int32_t gating = keys.uint_or("expert_gating_func", 0); // llama.cpp: 1 softmax, 2 sigmoid
    if (gating == 0) {
        c.gating = c.arch == Arch::glm4moe ? Gating::sigmoid : Gating::softmax; // what files without the key meant
    } else if (gating == 1 || gating == 2) {
        c.gating = gating == 1 ? Gating::softmax : Gating::sigmoid;
    } else {
        keys.fail(
            fmt::format("{} = {} is not supported (1 softmax, 2 sigmoid)", keys.key("expert_gating_func"), gating));
    }
    c.norm_topk = f.get_bool(keys.key("expert_weights_norm"), false);
    const double scale = f.get_float(keys.key("expert_weights_scale"), 0.0);
    if (!std::isfinite(scale) || scale < 0.0 || scale > 1e4) {
        keys.fail(fmt::format("{} = {} is out of range", keys.key("expert_weights_scale"), scale));
    }
    c.expert_weights_scale = scale == 0.0 ? 1.0f : float(scale);
    c.expert_bias = f.find_tensor(fmt::format("blk.{}.exp_probs_b.bias", c.n_layer_dense_lead)) != nullptr;
    c.n_expert_groups = std::max(keys.uint_or("expert_group_count", 1), 1);
    c.n_group_used = std::max(keys.uint_or("expert_group_used_count", c.n_expert_groups), 1);
    if (c.n_expert_groups > 1) {
        const int per_group = c.n_expert / c.n_expert_groups;
        // a group scores by its two best experts (DeepSeek-V3's modeling code)
        if (c.n_expert % c.n_expert_groups != 0 || per_group < 2) {
            keys.fail(
                fmt::format("{} experts do not split into {} groups of at least 2", c.n_expert, c.n_expert_groups));
        }
        if (c.n_group_used > c.n_expert_groups || c.n_group_used * per_group < c.n_expert_used) {
            keys.fail(fmt::format("{} groups used of {} (of {} experts each) cannot hold the {} experts used per token",
                c.n_group_used, c.n_expert_groups, per_group, c.n_expert_used));
        }
    }

    // attention shape
    if (c.arch == Arch::deepseek2) {
        c.attn = AttnKind::mla;
        c.q_lora_rank = keys.uint_or("attention.q_lora_rank", 0);
        c.kv_lora_rank = keys.uint_or("attention.kv_lora_rank", 0);
        if (c.kv_lora_rank <= 0) keys.fail(fmt::format("{} is missing", keys.key("attention.kv_lora_rank")));
        // current files: key_length/value_length describe the cached latent
        // and *_mla the per-head sizes; older ones (one attn_kv_b) the heads
        if (f.find(keys.key("attention.key_length_mla"))) {
            c.head_dim = keys.uint_or("attention.key_length_mla", 0);
            c.head_dim_v = keys.uint_or("attention.value_length_mla", 0);
        } else {
            c.head_dim_v = keys.uint_or("attention.value_length", uint64_t(c.head_dim));
        }
        c.n_rot = keys.uint_or("rope.dimension_count", 0);
        c.n_head_kv = 1; // one latent shared by every head
    } else {
        c.n_rot = keys.uint_or("rope.dimension_count", uint64_t(c.head_dim));
        c.head_dim_v = c.head_dim;
    }
    if (c.n_rot <= 0 || c.n_rot % 2 != 0 || c.n_rot > c.head_dim || c.head_dim_v <= 0
        || (c.attn == AttnKind::mla && c.n_rot >= c.head_dim)) {
        keys.fail(
            fmt::format("rotary dimensions {} do not fit heads of {} (values {})", c.n_rot, c.head_dim, c.head_dim_v));
    }

    // RoPE scaling: none or YaRN, with DeepSeek's attention temperature
    const std::string scaling = f.get_string(keys.key("rope.scaling.type"), "none");
    double mscale = 1.0;
    if (scaling == "yarn") {
        c.yarn_factor = float(f.get_float(keys.key("rope.scaling.factor"), 1.0));
        if (!std::isfinite(c.yarn_factor) || c.yarn_factor < 1.0f || c.yarn_factor > 1e4f) {
            keys.fail(fmt::format("{} = {} is out of range", keys.key("rope.scaling.factor"), c.yarn_factor));
        }
        c.yarn_orig_ctx = keys.uint_or("rope.scaling.original_context_length", uint64_t(c.n_ctx_train));
        c.yarn_beta_fast = float(f.get_float(keys.key("rope.scaling.yarn_beta_fast"), 32.0));
        c.yarn_beta_slow = float(f.get_float(keys.key("rope.scaling.yarn_beta_slow"), 1.0));
        if (c.arch != Arch::deepseek2) keys.fail("YaRN RoPE scaling is only supported for deepseek2");
        // softmax scale × mscale², mscale = 1 + 0.1·m·ln(factor) with m HF's
        // mscale_all_dim, which the converter writes as 0.1·m
        const double m = f.find(keys.key("rope.scaling.yarn_log_multiplier"))
            ? f.get_float(keys.key("rope.scaling.yarn_log_multiplier"), 0.1) / 0.1
            : 1.0;
        if (c.yarn_factor > 1.0f) mscale = 1.0 + 0.1 * m * std::log(double(c.yarn_factor));
    } else if (scaling != "none") {
        keys.fail(fmt::format("RoPE scaling '{}' is not supported for {} (none or yarn)", scaling, arch));
    }
    c.kq_scale = float(mscale * mscale / std::sqrt(double(c.head_dim)));
}

void Model::bind_mla(int il, LayerWeights& l) {
    const ModelConfig& c = m_cfg;
    auto name = [il](const char* n) { return fmt::format("blk.{}.{}", il, n); };
    const int64_t q_dim = int64_t(c.n_head) * c.head_dim, nope = c.head_dim - c.n_rot;
    if (c.q_lora_rank > 0) {
        l.wq_a = bind_matrix(name("attn_q_a.weight"), c.q_lora_rank, c.n_embd);
        l.q_a_norm = bind_vector(name("attn_q_a_norm.weight"), c.q_lora_rank);
        l.wq_b = bind_matrix(name("attn_q_b.weight"), q_dim, c.q_lora_rank);
    } else {
        l.wq = bind_matrix(name("attn_q.weight"), q_dim, c.n_embd);
    }
    l.wkv_a = bind_matrix(name("attn_kv_a_mqa.weight"), c.kv_lora_rank + c.n_rot, c.n_embd);
    l.kv_a_norm = bind_vector(name("attn_kv_a_norm.weight"), c.kv_lora_rank);
    l.wo = bind_matrix(name("attn_output.weight"), c.n_embd, int64_t(c.n_head) * c.head_dim_v);
    if (const GgufTensorInfo* kvb = find_weight(name("attn_kv_b.weight"), false)) {
        bind_legacy_kv_b(il, l, *kvb);
        return;
    }
    // the split form: k_b [nope, kv_lora, n_head] (transposed per head), v_b [kv_lora, v, n_head]
    const GgufTensorInfo* kb = find_weight(name("attn_k_b.weight"), true);
    const GgufTensorInfo* vb = find_weight(name("attn_v_b.weight"), true);
    check_shape(kb, { nope, c.kv_lora_rank, c.n_head });
    check_shape(vb, { c.kv_lora_rank, c.head_dim_v, c.n_head });
    const size_t kb_row = row_size(kb->type, nope), vb_row = row_size(vb->type, c.kv_lora_rank);
    for (int h = 0; h < c.n_head; ++h) {
        l.wk_b.push_back(
            Matrix { kb->data + size_t(h) * size_t(c.kv_lora_rank) * kb_row, kb->type, c.kv_lora_rank, nope, kb_row });
        l.wv_b.push_back(Matrix {
            vb->data + size_t(h) * size_t(c.head_dim_v) * vb_row, vb->type, c.head_dim_v, c.kv_lora_rank, vb_row });
    }
}

// Older DeepSeek GGUFs hold one attn_kv_b (n_head*(nope + v), kv_lora): per
// head, nope rows that decompress the key and v rows for the value. The
// value rows are used in place; the key rows are transposed once (F32) so
// the query can be taken into latent space as with the split form.
void Model::bind_legacy_kv_b(int il, LayerWeights& l, const GgufTensorInfo& t) {
    const ModelConfig& c = m_cfg;
    const int64_t nope = c.head_dim - c.n_rot, per_head = nope + c.head_dim_v;
    check_shape(&t, { c.kv_lora_rank, int64_t(c.n_head) * per_head });
    const size_t rb = row_size(t.type, c.kv_lora_rank);
    std::vector<float> row(size_t(c.kv_lora_rank));
    for (int h = 0; h < c.n_head; ++h) {
        const uint8_t* head = t.data + size_t(h) * size_t(per_head) * rb;
        std::vector<float>& kt = m_converted.emplace_back(size_t(c.kv_lora_rank) * size_t(nope));
        for (int64_t d = 0; d < nope; ++d) {
            dequantize_row(t.type, head + size_t(d) * rb, row.data(), c.kv_lora_rank);
            for (int64_t r = 0; r < c.kv_lora_rank; ++r)
                kt[size_t(r) * size_t(nope) + size_t(d)] = row[size_t(r)];
        }
        l.wk_b.push_back(Matrix { reinterpret_cast<const uint8_t*>(kt.data()), GGML_TYPE_F32, c.kv_lora_rank, nope,
            size_t(nope) * sizeof(float) });
        l.wv_b.push_back(Matrix { head + size_t(nope) * rb, t.type, c.head_dim_v, c.kv_lora_rank, rb });
    }
    (void)il;
}

// GLM-4.5: q/k/v biases and per-head q/k norms where the file has them.
void Model::bind_glm_extras(int il, LayerWeights& l) {
    const ModelConfig& c = m_cfg;
    auto name = [il](const char* n) { return fmt::format("blk.{}.{}", il, n); };
    const int64_t q_dim = int64_t(c.n_head) * c.head_dim, kv_dim = int64_t(c.n_head_kv) * c.head_dim;
    l.bq = bind_vector(name("attn_q.bias"), q_dim, false);
    l.bk = bind_vector(name("attn_k.bias"), kv_dim, bool(l.bq));
    l.bv = bind_vector(name("attn_v.bias"), kv_dim, bool(l.bq));
    l.q_norm = bind_vector(name("attn_q_norm.weight"), c.head_dim, false);
    l.k_norm = bind_vector(name("attn_k_norm.weight"), c.head_dim, bool(l.q_norm));
    if (il == 0 && l.q_norm) m_cfg.qk_norm = QkNorm::per_head;
    if (bool(l.q_norm) != (m_cfg.qk_norm == QkNorm::per_head)) {
        throw Error(fmt::format("{}: block {} {} q/k norms where block 0 {}", m_file.path(), il,
            l.q_norm ? "has" : "lacks", l.q_norm ? "has none" : "has them"));
    }
}

} // namespace moe
