#include "model/verify.h"

#include "quant/quant.h"
#include "runtime/thread_pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>

namespace moe {

namespace {

std::string value_name(float v) {
    if (std::isnan(v)) return "NaN";
    return v > 0 ? "+Inf" : "-Inf";
}

// Counts the non-finite values among n floats; *first gets the index of the first.
int64_t count_non_finite(const float* x, int64_t n, int64_t* first) {
    int64_t count = 0;
    for (int64_t i = 0; i < n; ++i) {
        if (!std::isfinite(x[i])) {
            if (count == 0) *first = i;
            ++count;
        }
    }
    return count;
}

// Scans rows [r0, r1) of a row-major matrix of any supported type.
struct RowScan {
    int64_t count = 0;
    int64_t first_index = -1;
    float first_value = 0.0f;
};

RowScan scan_rows(uint32_t type, const uint8_t* data, int64_t cols, size_t row_bytes, int64_t r0, int64_t r1,
    std::vector<float>& buf) {
    RowScan s;
    buf.resize(size_t(cols));
    for (int64_t r = r0; r < r1; ++r) {
        const uint8_t* row = data + size_t(r) * row_bytes;
        const float* x;
        if (type == GGML_TYPE_F32) {
            std::memcpy(buf.data(), row, size_t(cols) * sizeof(float)); // the map need not be 4-byte aligned
        } else {
            dequantize_row(type, row, buf.data(), cols);
        }
        x = buf.data();
        int64_t first = 0;
        const int64_t c = count_non_finite(x, cols, &first);
        if (c > 0 && s.count == 0) {
            s.first_index = r * cols + first;
            s.first_value = x[first];
        }
        s.count += c;
    }
    return s;
}

std::optional<NonFinite> to_result(const RowScan& s, const std::string& name) {
    if (s.count == 0) return std::nullopt;
    return NonFinite { name, s.count, s.first_index, s.first_value };
}

bool decodable(uint32_t type) {
    const TypeTraits* tt = type_traits(type);
    return tt && tt->supported;
}

} // namespace

std::string NonFinite::describe() const {
    return fmt::format("{}: {} non-finite value{}, first {} at element {}", tensor, count, count == 1 ? "" : "s",
        value_name(first_value), first_index);
}

std::optional<NonFinite> find_non_finite(const Matrix& w, const std::string& name) {
    if (!w || !decodable(w.type)) return std::nullopt;
    std::vector<float> buf;
    return to_result(scan_rows(w.type, w.data, w.cols, w.row_bytes, 0, w.rows, buf), name);
}

std::optional<NonFinite> find_non_finite(const GgufTensorInfo& t) {
    if (!decodable(t.type)) return std::nullopt;
    const int64_t cols = t.ne[0];
    const Matrix w { t.data, t.type, t.n_elements() / cols, cols, row_size(t.type, cols) };
    return find_non_finite(w, t.name);
}

TensorScan verify_tensors(const Model& m, int n_threads) {
    TensorScan out;
    const auto& tensors = m.gguf().tensors();
    out.n_tensors = tensors.size();
    ThreadPool pool(n_threads > 0 ? n_threads : ThreadPool::default_threads());
    std::vector<std::vector<float>> bufs(size_t(pool.size()));
    for (const GgufTensorInfo& t : tensors) {
        if (!decodable(t.type)) {
            out.skipped.push_back(fmt::format("{} ({})", t.name, type_name(t.type)));
            continue;
        }
        const int64_t cols = t.ne[0];
        const int64_t rows = t.n_elements() / cols;
        const size_t rb = row_size(t.type, cols);
        // rows in parallel; the first non-finite element is the one of the lowest row
        std::mutex mu;
        RowScan total;
        const int64_t chunk = std::max<int64_t>(1, rows / (int64_t(pool.size()) * 8));
        pool.parallel_for(rows, chunk, [&](int64_t r0, int64_t r1, int thread) {
            const RowScan s = scan_rows(t.type, t.data, cols, rb, r0, r1, bufs[size_t(thread)]);
            if (s.count == 0) return;
            std::lock_guard<std::mutex> lock(mu);
            if (total.count == 0 || s.first_index < total.first_index) {
                total.first_index = s.first_index;
                total.first_value = s.first_value;
            }
            total.count += s.count;
        });
        out.n_scanned += 1;
        out.bytes_scanned += t.nbytes;
        if (auto bad = to_result(total, t.name)) out.bad.push_back(*bad);
    }
    return out;
}

std::optional<NonFinite> locate_non_finite(
    const Model& m, int32_t token, const std::function<const int32_t*(int layer)>& routed, int top_k) {
    const ModelConfig& c = m.config();
    const ModelWeights& w = m.weights();
    std::optional<NonFinite> hit;
    auto matrix = [&](const Matrix& x, const std::string& name) {
        if (!hit) hit = find_non_finite(x, name);
        return bool(hit);
    };
    auto vector = [&](const Vector& v, const std::string& name) {
        if (hit || !v) return bool(hit);
        int64_t first = 0;
        const int64_t n = count_non_finite(v.data, v.n, &first);
        if (n > 0) hit = NonFinite { name, n, first, v.data[first] };
        return bool(hit);
    };
    // An expert's slice of a merged tensor, or its own tensor in older files.
    auto expert_name = [&](int il, const char* base, int e) {
        const bool moe = w.layers[size_t(il)].ffn == FfnKind::moe;
        if (moe && m.gguf().find_tensor(fmt::format("blk.{}.{}_exps.weight", il, base))) {
            return fmt::format("blk.{}.{}_exps.weight, expert {}", il, base, e);
        }
        if (moe) return fmt::format("blk.{}.{}.{}.weight", il, base, e);
        return fmt::format("blk.{}.{}.weight", il, base);
    };

    if (token >= 0 && token < c.n_vocab) {
        Matrix row = w.tok_embd;
        row.data = w.tok_embd.row(token);
        row.rows = 1;
        if (matrix(row, fmt::format("token_embd.weight, row {}", token))) return hit;
    }
    for (int il = 0; il < c.n_layer; ++il) {
        const LayerWeights& l = w.layers[size_t(il)];
        auto name = [il](const char* n) { return fmt::format("blk.{}.{}", il, n); };
        if (vector(l.attn_norm, name("attn_norm.weight")) || matrix(l.wq, name("attn_q.weight"))
            || matrix(l.wk, name("attn_k.weight")) || matrix(l.wv, name("attn_v.weight"))
            || vector(l.bq, name("attn_q.bias")) || vector(l.bk, name("attn_k.bias"))
            || vector(l.bv, name("attn_v.bias")) || vector(l.q_norm, name("attn_q_norm.weight"))
            || vector(l.k_norm, name("attn_k_norm.weight")) || matrix(l.wo, name("attn_output.weight"))
            || vector(l.ffn_norm, name("ffn_norm.weight")) || matrix(l.gate_inp, name("ffn_gate_inp.weight"))
            || vector(l.exp_probs_b, name("exp_probs_b.bias")) || matrix(l.wq_a, name("attn_q_a.weight"))
            || vector(l.q_a_norm, name("attn_q_a_norm.weight")) || matrix(l.wq_b, name("attn_q_b.weight"))
            || matrix(l.wkv_a, name("attn_kv_a_mqa.weight")) || vector(l.kv_a_norm, name("attn_kv_a_norm.weight"))) {
            return hit;
        }
        for (size_t h = 0; h < l.wk_b.size(); ++h) {
            if (matrix(l.wk_b[h], fmt::format("blk.{}.attn_k_b.weight (or attn_kv_b), head {}", il, h))
                || matrix(l.wv_b[h], fmt::format("blk.{}.attn_v_b.weight (or attn_kv_b), head {}", il, h))) {
                return hit;
            }
        }
        // routing frames have a row per MoE block only
        const bool moe = l.ffn == FfnKind::moe;
        const int32_t* ids = moe && routed ? routed(l.moe_index) : nullptr;
        const int n_routed = moe ? (ids ? top_k : c.n_expert) : 1;
        for (int j = 0; j < n_routed; ++j) {
            const int e = ids ? ids[j] : j;
            if (e < 0 || e >= int(l.gate_exp.size())) continue;
            if (matrix(l.gate_exp[size_t(e)], expert_name(il, "ffn_gate", e))
                || matrix(l.up_exp[size_t(e)], expert_name(il, "ffn_up", e))
                || matrix(l.down_exp[size_t(e)], expert_name(il, "ffn_down", e))) {
                return hit;
            }
        }
        if (matrix(l.gate_inp_shexp, name("ffn_gate_inp_shexp.weight"))
            || matrix(l.gate_shexp, name("ffn_gate_shexp.weight")) || matrix(l.up_shexp, name("ffn_up_shexp.weight"))
            || matrix(l.down_shexp, name("ffn_down_shexp.weight"))) {
            return hit;
        }
    }
    vector(w.output_norm, "output_norm.weight");
    matrix(w.output, c.tied_output ? "token_embd.weight (the output head)" : "output.weight");
    return hit;
}

} // namespace moe
