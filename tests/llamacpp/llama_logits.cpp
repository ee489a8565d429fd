// llama-logits: llama.cpp's per-position NLL and expert routing for a token
// sequence, as JSON, so tests can set our engine beside llama.cpp itself.
//
//   llama-logits MODEL.gguf --tokens 1,2,3,... [--threads N] [--no-routing] [--verbose]
//
// Prints one JSON object on stdout:
//   {"n_tokens": T, "n_vocab": V, "nll": [T-1 values],
//    "routing": [T x [{"layer": l, "experts": [k ids, best first], "probs": [n_expert]}]]}
// nll[t] = -log softmax(logits at t)[tokens[t+1]], the log-sum-exp taken in
// double. The KV cache is F32 and flash attention is off, so attention runs in
// F32 as our engine's does; the whole sequence is one batch.
//
// Routing comes from the graph-evaluation callback: the tensors llama.cpp
// names ffn_moe_topk-<layer> (the selected expert ids, [k, n_tokens], I32) and
// ffn_moe_probs-<layer> (the router's probabilities, [n_expert, n_tokens]).
// Built by tests/llamacpp/setup.sh against the prebuilt libraries of
// @node-llama-cpp/linux-x64; LLAMA_BINS_DIR, when defined, is where ggml finds
// its CPU variants.
#include "ggml-backend.h"
#include "ggml.h"
#include "llama.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

struct Routing {
    int n_tokens = 0;
    // layer -> per token: chosen ids / router probabilities
    std::map<int, std::vector<std::vector<int32_t>>> experts;
    std::map<int, std::vector<std::vector<float>>> probs;
};

// "ffn_moe_topk-12" -> 12 for the given prefix, else -1
int layer_of(const char* name, const char* prefix) {
    const size_t n = std::strlen(prefix);
    if (std::strncmp(name, prefix, n) != 0 || name[n] != '-') return -1;
    char* end = nullptr;
    const long l = std::strtol(name + n + 1, &end, 10);
    return (end && *end == '\0' && l >= 0) ? int(l) : -1;
}

// Rows of a 2-D tensor [ne0, ne1] (a view may have a row stride wider than its rows).
template <typename T> std::vector<std::vector<T>> read_rows(const ggml_tensor* t) {
    std::vector<std::vector<T>> rows(size_t(t->ne[1]), std::vector<T>(size_t(t->ne[0])));
    for (int64_t r = 0; r < t->ne[1]; ++r) {
        ggml_backend_tensor_get(
            const_cast<ggml_tensor*>(t), rows[size_t(r)].data(), size_t(r) * t->nb[1], size_t(t->ne[0]) * sizeof(T));
    }
    return rows;
}

bool on_eval(ggml_tensor* t, bool ask, void* user) {
    auto* rt = static_cast<Routing*>(user);
    const int l_topk = layer_of(t->name, "ffn_moe_topk");
    const int l_probs = layer_of(t->name, "ffn_moe_probs");
    if (ask) return l_topk >= 0 || l_probs >= 0;
    if (t->ne[2] != 1 || t->ne[3] != 1) {
        std::fprintf(stderr, "llama-logits: %s has shape [%lld, %lld, %lld, %lld], expected 2-D\n", t->name,
            (long long)t->ne[0], (long long)t->ne[1], (long long)t->ne[2], (long long)t->ne[3]);
        std::exit(1);
    }
    if (l_topk >= 0 && t->type == GGML_TYPE_I32) {
        auto rows = read_rows<int32_t>(t);
        auto& dst = rt->experts[l_topk];
        dst.insert(dst.end(), rows.begin(), rows.end());
    } else if (l_probs >= 0 && t->type == GGML_TYPE_F32) {
        auto rows = read_rows<float>(t);
        auto& dst = rt->probs[l_probs];
        dst.insert(dst.end(), rows.begin(), rows.end());
    }
    return true; // keep computing
}

bool g_verbose = false;
void on_log(ggml_log_level level, const char* text, void*) {
    if (g_verbose || level == GGML_LOG_LEVEL_ERROR) std::fputs(text, stderr);
}

[[noreturn]] void usage(const char* msg) {
    if (msg) std::fprintf(stderr, "llama-logits: %s\n", msg);
    std::fprintf(
        stderr, "usage: llama-logits MODEL.gguf --tokens ID,ID,... [--threads N] [--no-routing] [--verbose]\n");
    std::exit(2);
}

std::vector<llama_token> parse_tokens(const char* s) {
    std::vector<llama_token> out;
    const char* p = s;
    while (*p) {
        char* end = nullptr;
        const long v = std::strtol(p, &end, 10);
        if (end == p) usage("--tokens wants comma-separated integers");
        out.push_back(llama_token(v));
        p = end;
        if (*p == ',')
            ++p;
        else if (*p)
            usage("--tokens wants comma-separated integers");
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    const char* model_path = nullptr;
    std::vector<llama_token> tokens;
    int threads = 0;
    bool routing = true, show_version = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--version") {
            show_version = true;
        } else if (a == "--tokens" && i + 1 < argc) {
            tokens = parse_tokens(argv[++i]);
        } else if (a == "--threads" && i + 1 < argc) {
            threads = std::atoi(argv[++i]);
        } else if (a == "--no-routing") {
            routing = false;
        } else if (a == "--verbose") {
            g_verbose = true;
        } else if (!a.empty() && a[0] != '-' && !model_path) {
            model_path = argv[i];
        } else {
            usage(("unknown argument " + a).c_str());
        }
    }
    llama_log_set(on_log, nullptr);
#ifdef LLAMA_BINS_DIR
    ggml_backend_load_all_from_path(LLAMA_BINS_DIR);
#else
    ggml_backend_load_all();
#endif
    llama_backend_init();
    if (show_version) {
        std::printf("llama-logits over llama.cpp's libllama: %s\n", llama_print_system_info());
        return 0;
    }
    if (!model_path) usage("no model given");
    if (tokens.size() < 2) usage("give at least two tokens");

    llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    llama_model* model = llama_model_load_from_file(model_path, mp);
    if (!model) {
        std::fprintf(
            stderr, "llama-logits: llama.cpp could not load %s (run with --verbose for its reasons)\n", model_path);
        return 1;
    }
    const llama_vocab* vocab = llama_model_get_vocab(model);
    const int n_vocab = llama_vocab_n_tokens(vocab);
    for (llama_token t : tokens) {
        if (t < 0 || t >= n_vocab) {
            std::fprintf(stderr, "llama-logits: token %d is outside the vocabulary (%d tokens)\n", t, n_vocab);
            return 1;
        }
    }

    Routing rt;
    const uint32_t T = uint32_t(tokens.size());
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = T;
    cp.n_batch = T;
    cp.n_ubatch = T;
    cp.n_seq_max = 1;
    cp.type_k = GGML_TYPE_F32;
    cp.type_v = GGML_TYPE_F32;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.no_perf = true;
    if (threads > 0) cp.n_threads = cp.n_threads_batch = threads;
    if (routing) {
        cp.cb_eval = on_eval;
        cp.cb_eval_user_data = &rt;
    }
    llama_context* ctx = llama_init_from_model(model, cp);
    if (!ctx) {
        std::fprintf(stderr, "llama-logits: llama.cpp could not create a context for %s\n", model_path);
        return 1;
    }

    llama_batch batch = llama_batch_init(int32_t(T), 0, 1);
    for (uint32_t i = 0; i < T; ++i) {
        batch.token[i] = tokens[i];
        batch.pos[i] = llama_pos(i);
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = 0;
        batch.logits[i] = 1;
    }
    batch.n_tokens = int32_t(T);
    if (const int rc = llama_decode(ctx, batch); rc != 0) {
        std::fprintf(stderr, "llama-logits: llama_decode failed (%d)\n", rc);
        return 1;
    }

    std::printf("{\"model\": \"%s\", \"n_tokens\": %u, \"n_vocab\": %d, \"nll\": [", model_path, T, n_vocab);
    for (uint32_t i = 0; i + 1 < T; ++i) {
        const float* lg = llama_get_logits_ith(ctx, int32_t(i));
        double mx = -INFINITY;
        for (int v = 0; v < n_vocab; ++v)
            mx = std::fmax(mx, double(lg[v]));
        double sum = 0.0;
        for (int v = 0; v < n_vocab; ++v)
            sum += std::exp(double(lg[v]) - mx);
        const double nll = mx + std::log(sum) - double(lg[tokens[i + 1]]);
        std::printf("%s%.17g", i ? ", " : "", nll);
    }
    std::printf("], \"routing\": [");
    for (uint32_t i = 0; routing && i < T; ++i) {
        std::printf("%s[", i ? ", " : "");
        bool first = true;
        for (const auto& [layer, per_token] : rt.experts) {
            if (per_token.size() != T) {
                std::fprintf(
                    stderr, "llama-logits: layer %d routed %zu tokens, expected %u\n", layer, per_token.size(), T);
                return 1;
            }
            std::printf("%s{\"layer\": %d, \"experts\": [", first ? "" : ", ", layer);
            first = false;
            for (size_t j = 0; j < per_token[i].size(); ++j)
                std::printf("%s%d", j ? ", " : "", per_token[i][j]);
            std::printf("], \"probs\": [");
            const auto it = rt.probs.find(layer);
            if (it != rt.probs.end() && it->second.size() == T) {
                const auto& p = it->second[i];
                for (size_t j = 0; j < p.size(); ++j)
                    std::printf("%s%.9g", j ? ", " : "", double(p[j]));
            }
            std::printf("]}");
        }
        std::printf("]");
    }
    std::printf("]}\n");

    llama_batch_free(batch);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
