#pragma once
// A session: one model, one backend, one KV cache. Prefill, decode, score,
// cancellation between tokens, timings, and a routing frame for every
// token handed to the observer.
#include "runtime/backend.h"
#include "runtime/sampler.h"
#include "telemetry/routing.h"

#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace moe {

struct GenerateOptions {
    int n_predict = 128;
    SamplerOptions sampler;
    std::vector<int32_t> stop_tokens; // generation ends after emitting one of these
};

enum class StopReason { length, stop_token, context_full, cancelled };
const char* stop_reason_name(StopReason r);

struct GenerateResult {
    std::vector<int32_t> tokens; // generated ids
    StopReason stop = StopReason::length;
    double prefill_ms = 0.0; // whole prompt
    double ttft_ms = 0.0; // prompt in to first token out
    std::vector<double> token_ms; // per generated token, sampling included
    int n_prompt = 0;
};

struct ScoreResult {
    std::vector<double> nll; // nll[i] = -log p(tokens[i+1] | tokens[..i])
    double perplexity = 0.0;
    double mean_nll = 0.0;
    double elapsed_ms = 0.0;
    bool cancelled = false; // cancel() stopped it between batches: nll holds the positions scored before
};

class Session {
public:
    Session(std::shared_ptr<const Model> model, std::unique_ptr<Backend> backend);

    const Model& model() const { return *m_model; }
    Backend& backend() { return *m_backend; }
    int n_past() const { return m_n_past; }

    // The observer sees every token this session processes, prompt and generated.
    void set_routing_observer(RoutingObserver* obs) { m_observer = obs; }
    // Safe from any thread: generation stops before the next token.
    void cancel() { m_cancel.store(true); }
    // Every token in the context, the last sampled one included.
    std::vector<int32_t> context() const {
        std::vector<int32_t> c = m_history;
        if (m_pending >= 0) c.push_back(m_pending);
        return c;
    }
    // Keeps the first n_keep tokens of context() and forgets the rest, so a
    // conversation re-prefills only from where its transcript changed.
    void rewind(size_t n_keep);
    void reset() {
        m_n_past = 0;
        m_pending = -1;
        m_history.clear();
    }

    // Appends tokens to the context. on_logits(i, logits) is called for every
    // token when given (teacher forcing), else logits of the last token are kept.
    void eval(std::span<const int32_t> tokens, const std::function<void(size_t, const float*)>& on_logits = {});
    const float* last_logits() const;

    // Prefill the prompt (after whatever is in the context) and decode.
    // on_token returns false to stop. Throws moe::Error on bad input.
    GenerateResult generate(std::span<const int32_t> prompt, const GenerateOptions& opts,
        const std::function<bool(int32_t)>& on_token = {});

    // Teacher-forced evaluation of a whole sequence from an empty context;
    // on_logits(i, logits), when given, sees the logits after token i.
    // cancel() stops it before the next batch (at most one batch of tokens
    // is processed after it); the result then says cancelled.
    ScoreResult score(std::span<const int32_t> tokens, const std::function<void(size_t, const float*)>& on_logits = {});

private:
    void check_tokens(std::span<const int32_t> tokens) const;
    // Throws moe::Error naming the first non-finite gate or logit of the
    // batch just run, and the first weight holding NaN/Inf that it read.
    void check_finite(const int32_t* tokens, int n, bool all_logits) const;

    std::shared_ptr<const Model> m_model;
    std::unique_ptr<Backend> m_backend;
    RoutingObserver* m_observer = nullptr;
    std::atomic<bool> m_cancel { false };
    int m_n_past = 0;
    int m_last_batch_n = 0;
    int32_t m_pending = -1; // sampled, not yet fed back
    std::vector<int32_t> m_history;
};

} // namespace moe
