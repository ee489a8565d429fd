#include "run/description.h"

#include "common/units.h"
#include "quant/quant.h"
#include "runtime/backend.h"
#include "telemetry/hardware.h"

#include <fmt/format.h>

#include <algorithm>

namespace moe {

namespace {

// Parameters of one expert (gate, up and down) in layer `il`; 0 for a dense layer.
uint64_t expert_params(const Model& m, int il) {
    const LayerWeights& l = m.weights().layers[size_t(il)];
    if (l.gate_exp.empty()) return 0;
    return uint64_t(l.gate_exp[0].rows * l.gate_exp[0].cols) + uint64_t(l.up_exp[0].rows * l.up_exp[0].cols)
        + uint64_t(l.down_exp[0].rows * l.down_exp[0].cols);
}

// gpt-oss's windows, sinks and experts, Granite's multipliers (engine/model/arch_oss_granite.cpp).
void describe_oss_granite(const Model& m, ModelDescription& d) {
    const ModelConfig& c = m.config();
    const auto& layers = m.weights().layers;
    const auto windowed
        = std::count_if(layers.begin(), layers.end(), [](const LayerWeights& l) { return l.n_swa > 0; });
    if (windowed > 0) {
        d.notes.push_back(fmt::format("sliding window of {} positions on {} of {} blocks, the others attend to the "
                                      "whole context; a windowed block caches only its window",
            c.n_swa, windowed, layers.size()));
    }
    if (!layers.empty() && layers[0].attn_sinks) d.notes.push_back("attention sinks: a learned logit per head");
    if (c.swiglu_oai) {
        d.notes.push_back(fmt::format("experts: {} weights with biases, clamped SwiGLU (alpha 1.702, limit 7); router "
                                      "with a bias, softmax over the top-{} logits",
            layers.empty() || layers.back().gate_exp.empty() ? "?" : type_name(layers.back().gate_exp[0].type),
            c.n_expert_used));
    }
    if (c.arch == Arch::granitemoe) {
        d.notes.push_back(
            fmt::format("multipliers: embedding x{:g}, attention scale {:g}, residual x{:g}, logits /{:g}",
                c.embd_scale, c.kq_scale, c.residual_scale, c.logit_scale));
    }
}

// Llama 4's and ERNIE 4.5's interleaved MoE blocks, Llama 4's routing, chunks
// and blocks without RoPE (engine/model/arch_llama4_ernie.cpp).
void describe_llama4_ernie(const Model& m, ModelDescription& d) {
    const ModelConfig& c = m.config();
    if (c.n_moe_layer_step > 1) {
        d.notes.push_back(
            fmt::format("MoE in every {}{} block ({} of {}), a dense FFN of {} in the others", c.n_moe_layer_step,
                c.n_moe_layer_step == 2       ? "nd"
                    : c.n_moe_layer_step == 3 ? "rd"
                                              : "th",
                c.n_moe_layer, c.n_layer, c.n_ff));
        std::string rows;
        for (int l = 0; l < c.n_moe_layer && l < 8; ++l)
            rows += fmt::format("{}{}", l ? ", " : "", m.moe_block(l));
        d.notes.push_back(fmt::format("routing rows (heatmaps, frames, --json \"layer\") are the MoE blocks in order: "
                                      "blocks {}{}",
            rows, c.n_moe_layer > 8 ? ", ..." : ""));
    }
    if (c.moe_weight_first) {
        d.notes.push_back(fmt::format("routing: top-{} sigmoid of the router logits, not renormalised; the weight "
                                      "scales the expert's input (as llama.cpp and HF apply it); one shared expert "
                                      "always added",
            c.n_expert_used));
    }
    const auto& layers = m.weights().layers;
    const auto chunked
        = std::count_if(layers.begin(), layers.end(), [](const LayerWeights& l) { return l.n_chunk > 0; });
    const auto no_rope = std::count_if(layers.begin(), layers.end(), [](const LayerWeights& l) { return !l.use_rope; });
    if (chunked > 0) {
        d.notes.push_back(fmt::format("chunked attention: {} of {} blocks attend only within chunks of {} positions",
            chunked, layers.size(), layers[0].n_chunk > 0 ? layers[0].n_chunk : layers.back().n_chunk));
    }
    if (no_rope > 0) {
        d.notes.push_back(
            fmt::format("blocks without RoPE ({} of {}) attend to the whole context, q scaled by 1 + {:g} "
                        "ln(floor((pos + {:g}) / {}) + 1)",
                no_rope, layers.size(), c.attn_temp_scale, c.attn_temp_offset, c.attn_temp_length));
    }
    if (c.qk_l2_norm) d.notes.push_back("q and k L2-normalised per head after RoPE (blocks with RoPE)");
    if (m.weights().rope_freqs) d.notes.push_back("RoPE frequencies divided by rope_freqs.weight (llama3 scaling)");
    if (c.arch == Arch::ernie4_5_moe && c.tied_output) d.notes.push_back("output head tied to the token embedding");
}

// Attention and FFN kind of every block, routing beyond plain top-k, and the
// KV cache per token against plain multi-head attention.
void describe_blocks(const Model& m, ModelDescription& d) {
    const ModelConfig& c = m.config();
    if (c.attn == AttnKind::mla) {
        d.attention = fmt::format("multi-head latent attention: {} heads of {} (rope {}), values {}, latent {}{}",
            c.n_head, c.head_dim, c.n_rot, c.head_dim_v, c.kv_lora_rank,
            c.q_lora_rank > 0 ? fmt::format(", low-rank query {}", c.q_lora_rank) : std::string(", full query"));
    } else {
        d.attention = fmt::format("{} attention: {} heads, {} kv heads of {}{}",
            c.n_head_kv == c.n_head ? "multi-head" : "grouped-query", c.n_head, c.n_head_kv, c.head_dim,
            c.n_rot < c.head_dim ? fmt::format(", RoPE on {} dims", c.n_rot) : std::string());
    }
    if (c.yarn_factor > 1.0f) d.attention += fmt::format(", YaRN x{:g} from {}", c.yarn_factor, c.yarn_orig_ctx);
    d.dense_lead_layers = c.is_moe ? c.n_layer_dense_lead : 0;
    for (const LayerWeights& l : m.weights().layers) {
        std::string gqa = l.n_swa > 0 ? fmt::format("GQA window {}", l.n_swa) : std::string("GQA");
        if (l.n_chunk > 0) gqa += fmt::format(" chunks of {}", l.n_chunk); // llama4
        if (!l.use_rope) gqa += " without RoPE";
        d.layer_kinds.push_back(fmt::format("{} + {}", l.attn == AttnKind::mla ? "MLA" : gqa,
            l.ffn == FfnKind::moe ? (c.n_expert_shared > 0 ? "MoE + shared" : "MoE") : "dense FFN"));
    }
    d.expert_groups = c.n_expert_groups;
    d.expert_groups_used = c.n_group_used;
    d.correction_bias = c.expert_bias;
    d.routed_scale = c.expert_weights_scale;
    d.kv_bytes_per_token = m.kv_cache_bytes(1);
    d.mha_kv_bytes_per_token = m.mha_cache_bytes(1);
    describe_oss_granite(m, d);
    describe_llama4_ernie(m, d);
}

// "MLA + MoE" ×26 style runs of equal kinds: "0: MLA + dense FFN; 1-26: MLA + MoE + shared".
std::string block_runs(const std::vector<std::string>& kinds) {
    std::string out;
    for (size_t i = 0; i < kinds.size();) {
        size_t j = i;
        while (j + 1 < kinds.size() && kinds[j + 1] == kinds[i])
            ++j;
        out += fmt::format(
            "{}{}: {}", out.empty() ? "" : "; ", i == j ? fmt::format("{}", i) : fmt::format("{}-{}", i, j), kinds[i]);
        i = j + 1;
    }
    return out;
}

} // namespace

ModelDescription describe_model(const Model& m, int n_ctx, int experts_used) {
    const ModelConfig& c = m.config();
    const ModelStats& s = m.stats();
    ModelDescription d;
    d.path = m.path();
    d.name = m.name();
    d.file_size = m.gguf().file_size();
    d.gguf_version = m.gguf().version();
    d.architecture = arch_name(c.arch);
    d.is_moe = c.is_moe;
    d.layers = c.n_layer;
    d.moe_layers = c.is_moe ? c.n_moe_layer : 0;
    d.embedding = c.n_embd;
    d.heads = c.n_head;
    d.kv_heads = c.n_head_kv;
    d.head_dim = c.head_dim;
    d.vocabulary = c.n_vocab;
    d.context_train = c.n_ctx_train;
    d.experts = c.n_expert;
    d.experts_used_model = c.n_expert_used;
    d.experts_used = experts_used > 0 ? experts_used : c.n_expert_used;
    d.expert_ffn = c.n_ff_exp;
    d.shared_experts = c.n_expert_shared;
    d.shared_expert_ffn = c.n_ff_shexp;
    if (c.is_moe) {
        d.gating = c.gating == Gating::sigmoid ? "sigmoid" : "softmax";
        d.renormalised = c.norm_topk;
    }
    if (c.n_expert_shared > 0) d.shared_expert_gate = c.shexp_gated ? "sigmoid-gated" : "ungated (always on)";
    describe_blocks(m, d);

    d.tensors = s.n_tensors;
    std::map<std::string, uint64_t> params_by_type;
    for (const GgufTensorInfo& t : m.gguf().tensors())
        params_by_type[type_name(t.type)] += uint64_t(t.n_elements());
    for (const auto& [type, v] : s.by_type) {
        const uint64_t p = params_by_type[type];
        d.types.push_back({ type, v.first, v.second, p, p ? double(v.second) * 8.0 / double(p) : 0.0 });
    }
    std::stable_sort(
        d.types.begin(), d.types.end(), [](const TypeShare& a, const TypeShare& b) { return a.bytes > b.bytes; });

    // Active parameters and bytes per token at the experts per token in effect:
    // the model's own figures, moved by the experts added or dropped per layer.
    d.total_params = s.total_params;
    d.weight_bytes = s.weight_bytes;
    int64_t dp = 0, db = 0;
    if (c.is_moe) {
        const int64_t extra = int64_t(d.experts_used) - int64_t(c.n_expert_used);
        for (int l = 0; l < c.n_moe_layer; ++l) {
            dp += extra * int64_t(expert_params(m, m.moe_block(l)));
            db += extra * int64_t(m.expert_bytes(m.moe_block(l), 0));
        }
    }
    d.active_params = uint64_t(int64_t(s.active_params) + dp);
    d.active_weight_bytes = uint64_t(int64_t(s.active_weight_bytes) + db);
    d.deactivated_percent = s.total_params ? 100.0 * (1.0 - double(d.active_params) / double(s.total_params)) : 0.0;

    d.context = n_ctx > 0 ? n_ctx : std::min(c.n_ctx_train, 4096);
    d.kv_cache_bytes = m.kv_cache_bytes(d.context);
    d.memory_needed = d.weight_bytes + d.kv_cache_bytes;
    d.available_bytes = host_info().available_bytes;
    return d;
}

std::vector<std::pair<std::string, std::string>> description_lines(const ModelDescription& d) {
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&](std::string label, std::string value) { out.emplace_back(std::move(label), std::move(value)); };
    add("file", fmt::format("{} ({}, GGUF v{})", d.path, format_bytes(double(d.file_size)), d.gguf_version));
    add("name", d.name);
    add("architecture", d.architecture + (d.is_moe ? " (mixture of experts)" : " (dense)"));
    add("layers",
        d.dense_lead_layers > 0 ? fmt::format("{} ({} dense, then {} MoE)", d.layers, d.dense_lead_layers, d.moe_layers)
                                : fmt::format("{} ({} MoE)", d.layers, d.moe_layers));
    add("blocks", block_runs(d.layer_kinds));
    add("attention", d.attention);
    add("embedding",
        fmt::format("{}, {} heads, {} kv heads, head dim {}", d.embedding, d.heads, d.kv_heads, d.head_dim));
    if (d.is_moe) {
        const std::string used = d.experts_used == d.experts_used_model
            ? fmt::format("{} used per token", d.experts_used)
            : fmt::format("{} used per token (the model's own: {})", d.experts_used, d.experts_used_model);
        add("experts", fmt::format("{} per layer, {}, expert ffn {}", d.experts, used, d.expert_ffn));
        add("gating",
            fmt::format(
                "{}, top-{}, {}", d.gating, d.experts_used, d.renormalised ? "renormalised" : "not renormalised"));
        if (d.expert_groups > 1 || d.correction_bias || d.routed_scale != 1.0) {
            std::string r = d.correction_bias ? "chosen by score + correction bias (weights without it)" : "";
            if (d.expert_groups > 1) {
                r += fmt::format("{}from the best {} of {} expert groups (a group scores by its two best)",
                    r.empty() ? "" : ", ", d.expert_groups_used, d.expert_groups);
            }
            if (d.routed_scale != 1.0) r += fmt::format("{}weights x{:g}", r.empty() ? "" : ", ", d.routed_scale);
            add("routing", r);
        }
    }
    add("shared experts",
        d.shared_experts ? fmt::format("{} (ffn {}, {})", d.shared_experts, d.shared_expert_ffn, d.shared_expert_gate)
                         : std::string("none"));
    add("context length", fmt::format("{} trained", d.context_train));
    add("vocabulary", std::to_string(d.vocabulary));
    add("tensors", std::to_string(d.tensors));
    for (const TypeShare& t : d.types) {
        add("  " + t.type,
            fmt::format(
                "{} tensors, {}, {:.2f} bits per weight", t.tensors, format_bytes(double(t.bytes)), t.bits_per_weight));
    }
    add("parameters",
        fmt::format("{} total, {} active, {:.0f} % deactivated", format_count(double(d.total_params)),
            format_count(double(d.active_params)), d.deactivated_percent));
    add("bytes per token",
        fmt::format("{} of weights read per decoded token at top-{}", format_bytes(double(d.active_weight_bytes)),
            d.experts_used));
    add("KV per token",
        fmt::format("{} ({}); plain multi-head attention would need {} ({:.1f}x)",
            format_bytes(double(d.kv_bytes_per_token)),
            d.attention.rfind("multi-head latent", 0) == 0 ? "latent + rope key per block"
                                                           : "keys + values per kv head",
            format_bytes(double(d.mha_kv_bytes_per_token)),
            d.kv_bytes_per_token ? double(d.mha_kv_bytes_per_token) / double(d.kv_bytes_per_token) : 0.0));
    add("memory needed",
        fmt::format("{} = {} weights + {} KV cache ({} positions); {} available", format_bytes(double(d.memory_needed)),
            format_bytes(double(d.weight_bytes)), format_bytes(double(d.kv_cache_bytes)), d.context,
            format_bytes(double(d.available_bytes))));
    if (!d.backend.empty())
        add("backend", d.backend_reason.empty() ? d.backend : d.backend + " (" + d.backend_reason + ")");
    if (!d.tokenizer.empty()) add("tokenizer", d.tokenizer);
    if (!d.chat_format.empty()) add("chat format", d.chat_format_reason.empty() ? d.chat_format : d.chat_format_reason);
    for (const std::string& n : d.notes)
        add("note", n);
    return out;
}

nlohmann::ordered_json description_json(const ModelDescription& d) {
    nlohmann::ordered_json types = nlohmann::ordered_json::object();
    for (const TypeShare& t : d.types) {
        types[t.type] = { { "tensors", t.tensors }, { "bytes", t.bytes }, { "params", t.params },
            { "bits_per_weight", t.bits_per_weight } };
    }
    nlohmann::ordered_json j = { { "file", d.path }, { "file_size", d.file_size }, { "gguf_version", d.gguf_version },
        { "name", d.name }, { "architecture", d.architecture }, { "moe", d.is_moe }, { "layers", d.layers },
        { "moe_layers", d.moe_layers }, { "embedding", d.embedding }, { "heads", d.heads }, { "kv_heads", d.kv_heads },
        { "head_dim", d.head_dim }, { "experts", d.experts }, { "experts_used", d.experts_used },
        { "experts_used_model", d.experts_used_model }, { "expert_ffn", d.expert_ffn }, { "gating", d.gating },
        { "renormalised", d.renormalised }, { "shared_experts", d.shared_experts },
        { "shared_expert_ffn", d.shared_expert_ffn }, { "shared_expert_gate", d.shared_expert_gate },
        { "context_length", d.context_train }, { "vocabulary", d.vocabulary }, { "tensors", d.tensors },
        { "types", types }, { "total_params", d.total_params }, { "active_params", d.active_params },
        { "deactivated_percent", d.deactivated_percent }, { "weight_bytes", d.weight_bytes },
        { "active_weight_bytes_per_token", d.active_weight_bytes }, { "kv_cache_bytes", d.kv_cache_bytes },
        { "kv_cache_positions", d.context }, { "memory_needed_bytes", d.memory_needed },
        { "available_bytes", d.available_bytes }, { "attention", d.attention },
        { "dense_lead_layers", d.dense_lead_layers }, { "layer_kinds", d.layer_kinds },
        { "expert_groups", d.expert_groups }, { "expert_groups_used", d.expert_groups_used },
        { "correction_bias", d.correction_bias }, { "routed_scale", d.routed_scale }, { "notes", d.notes },
        { "kv_bytes_per_token", d.kv_bytes_per_token }, { "mha_kv_bytes_per_token", d.mha_kv_bytes_per_token } };
    if (!d.backend.empty()) {
        j["backend"] = d.backend;
        j["backend_reason"] = d.backend_reason;
    }
    if (!d.chat_format.empty()) j["chat_format"] = d.chat_format;
    if (!d.tokenizer.empty()) j["tokenizer"] = d.tokenizer;
    return j;
}

} // namespace moe
