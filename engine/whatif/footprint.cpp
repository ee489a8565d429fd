#include "whatif/footprint.h"

#include "error.h"
#include "model/model.h"
#include "store/run.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <random>

namespace moe {

uint64_t ModelFootprint::expert_bytes_total() const {
    uint64_t s = 0;
    for (uint64_t b : expert_bytes)
        s += b * uint64_t(n_experts);
    return s;
}

ModelFootprint footprint_of(const Model& m) {
    ModelFootprint f;
    f.source = "model file";
    const ModelConfig& c = m.config();
    f.weight_bytes = m.stats().weight_bytes;
    f.dense_bytes_per_token = m.dense_bytes_per_token();
    f.n_experts = c.is_moe ? c.n_expert : 0;
    f.k = c.is_moe ? c.n_expert_used : 0;
    const std::vector<LayerWeights>& layers = m.weights().layers;
    for (size_t il = 0; il < layers.size(); ++il) {
        const LayerWeights& l = layers[il];
        if (l.gate_exp.empty()) continue;
        f.expert_bytes.push_back(l.gate_exp[0].bytes() + l.up_exp[0].bytes() + l.down_exp[0].bytes());
        f.blocks.push_back(int(il));
    }
    const int n = 4096;
    f.kv_f32_bytes_per_position = m.kv_cache_bytes(n) / uint64_t(n);
    f.total_params = m.stats().total_params;
    f.active_params = m.stats().active_params;
    return f;
}

ModelFootprint footprint_of(const RunRecord& r) {
    ModelFootprint f;
    f.source = "run record (expert sizes estimated)";
    f.weight_bytes = r.model.file_size;
    f.n_experts = r.model.n_experts;
    f.k = r.settings.experts_used > 0 ? r.settings.experts_used : r.model.n_experts_used;
    f.total_params = r.model.total_params;
    f.active_params = r.model.active_params;
    const int layers = r.routing.n_layers();
    const double per_token = r.figures.weight_bytes_per_token;
    if (layers > 0 && f.n_experts > f.k && per_token > 0 && double(f.weight_bytes) > per_token) {
        const double eb = (double(f.weight_bytes) - per_token) / (double(layers) * double(f.n_experts - f.k));
        f.expert_bytes.assign(size_t(layers), uint64_t(eb));
        const double dense = per_token - double(layers) * double(f.k) * eb;
        f.dense_bytes_per_token = dense > 0 ? uint64_t(dense) : 0;
    } else {
        f.dense_bytes_per_token = uint64_t(per_token);
    }
    for (int l = 0; l < int(f.expert_bytes.size()); ++l)
        f.blocks.push_back(l);
    return f;
}

double BatchPoint::distinct_mean() const {
    return distinct.empty() ? 0.0 : std::accumulate(distinct.begin(), distinct.end(), 0.0) / double(distinct.size());
}

std::vector<BatchPoint> batch_curve(const RoutingTrace& trace, int draws) {
    std::vector<BatchPoint> out;
    const size_t n = trace.size();
    const int L = trace.n_layers(), k = trace.k();
    if (n == 0 || L == 0 || k == 0) return out;
    int32_t max_id = 0;
    for (size_t i = 0; i < n; ++i)
        for (int l = 0; l < L; ++l)
            for (int j = 0; j < k; ++j)
                max_id = std::max(max_id, trace.ids(i, l)[j]);
    std::vector<int> sizes;
    for (size_t b = 1; b < n; b *= 2)
        sizes.push_back(int(b));
    sizes.push_back(int(n));
    std::mt19937_64 rng(0x5eed);
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::vector<uint32_t> seen(size_t(max_id) + 1, 0);
    uint32_t stamp = 0;
    for (int b : sizes) {
        BatchPoint p;
        p.batch = b;
        p.distinct.assign(size_t(L), 0.0);
        // the whole trace is one set: every draw is the same
        const int d = b == int(n) ? 1 : draws;
        for (int r = 0; r < d; ++r) {
            // a partial Fisher-Yates shuffle picks b distinct tokens
            for (int i = 0; i < b; ++i) {
                std::uniform_int_distribution<size_t> pick(size_t(i), n - 1);
                std::swap(order[size_t(i)], order[pick(rng)]);
            }
            for (int l = 0; l < L; ++l) {
                ++stamp;
                int distinct = 0;
                for (int i = 0; i < b; ++i) {
                    const int32_t* ids = trace.ids(order[size_t(i)], l);
                    for (int j = 0; j < k; ++j) {
                        if (ids[j] < 0 || seen[size_t(ids[j])] == stamp) continue;
                        seen[size_t(ids[j])] = stamp;
                        ++distinct;
                    }
                }
                p.distinct[size_t(l)] += double(distinct) / double(d);
            }
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<std::vector<uint64_t>> expert_counts(const RoutingTrace& trace, int n_experts) {
    const int L = trace.n_layers(), k = trace.k();
    int E = n_experts;
    for (size_t i = 0; i < trace.size(); ++i)
        for (int l = 0; l < L; ++l)
            for (int j = 0; j < k; ++j)
                E = std::max(E, trace.ids(i, l)[j] + 1);
    std::vector<std::vector<uint64_t>> c(size_t(L), std::vector<uint64_t>(size_t(E), 0));
    for (size_t i = 0; i < trace.size(); ++i)
        for (int l = 0; l < L; ++l)
            for (int j = 0; j < k; ++j) {
                const int32_t e = trace.ids(i, l)[j];
                if (e >= 0) ++c[size_t(l)][size_t(e)];
            }
    return c;
}

} // namespace moe

namespace moe {

ModelFootprint footprint_for_run(const RunRecord& run, const std::string& model_path, std::string* note) {
    std::string path = model_path;
    if (path.empty()) {
        std::error_code ec;
        if (!run.model.path.empty() && std::filesystem::exists(run.model.path, ec)) {
            if (model_content_hash(run.model.path) == run.model.content_hash) {
                path = run.model.path;
            } else {
                *note
                    = fmt::format("{} has changed since the run; expert sizes estimated from the record (give --model)",
                        run.model.path);
            }
        } else {
            *note = fmt::format("{} is not here; expert sizes estimated from the record (give --model)",
                run.model.path.empty() ? std::string("the run's model file") : run.model.path);
        }
    }
    if (path.empty()) return footprint_of(run);
    const auto model = Model::load(path);
    ModelFootprint f = footprint_of(*model);
    if (model->config().n_expert != run.model.n_experts)
        throw Error(fmt::format("{} has {} experts per layer, run {}'s model {}: not the run's model", path,
            model->config().n_expert, run.id, run.model.n_experts));
    f.k = run.settings.experts_used > 0 ? run.settings.experts_used : f.k;
    *note = "sizes from " + path;
    return f;
}

} // namespace moe
