#pragma once
// Helpers of the model-family suites (tst_families, tst_oss_granite): a
// synthetic model in a temporary folder, a small CPU backend, a token
// sequence, and a transcript fed in pieces with the logits and routing it gives.
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "runtime/backend.h"

#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace moe::test {

inline std::string make(const QTemporaryDir& dir, const std::string& arch, const std::string& preset,
    uint32_t quant = GGML_TYPE_F32, uint64_t seed = 9) {
    const std::string path = dir.filePath(QString::fromStdString(arch + "-" + preset + ".gguf")).toStdString();
    SynthOptions o;
    o.arch = arch;
    o.preset = preset;
    o.quant = quant;
    o.seed = seed;
    o.threads = 2;
    write_synthetic_model(o, path);
    return path;
}

inline std::unique_ptr<Backend> cpu_backend(const std::shared_ptr<const Model>& m, int n_ctx = 64, int max_batch = 16) {
    BackendOptions o;
    o.n_ctx = n_ctx;
    o.n_threads = 2;
    o.max_batch = max_batch;
    return make_backend(BackendKind::cpu, m, o);
}

inline std::vector<int32_t> tokens(int n) {
    std::vector<int32_t> t;
    for (int i = 0; i < n; ++i)
        t.push_back((i * 37 + 11) % 500);
    return t;
}

// Logits of the last token and the routing of every token after running `chunks` (sizes) in turn.
struct Pass {
    std::vector<float> last_logits;
    std::vector<std::vector<int32_t>> ids; // per token: n_moe × k
};

inline Pass run_chunks(Backend& b, const Model& m, const std::vector<int32_t>& toks, const std::vector<int>& chunks) {
    Pass p;
    int pos = 0;
    for (int n : chunks) {
        b.forward(toks.data() + pos, n, pos, false);
        for (int i = 0; i < n; ++i) {
            std::vector<int32_t> ids;
            for (int l = 0; l < b.n_moe_layers(); ++l)
                ids.insert(ids.end(), b.routing_ids(i, l), b.routing_ids(i, l) + b.top_k());
            p.ids.push_back(ids);
        }
        pos += n;
    }
    const float* lg = b.logits(chunks.back() - 1);
    p.last_logits.assign(lg, lg + m.config().n_vocab);
    return p;
}

inline float max_diff(const std::vector<float>& a, const std::vector<float>& b) {
    float d = 0.0f;
    for (size_t i = 0; i < a.size(); ++i)
        d = std::max(d, std::fabs(a[i] - b[i]));
    return d;
}

} // namespace moe::test
