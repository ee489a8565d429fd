#include "runtime/session.h"

#include "model/verify.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>

namespace moe {

namespace {

double now_ms() {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

double log_softmax_at(const float* logits, int n, int32_t target) {
    float mx = logits[0];
    for (int i = 1; i < n; ++i)
        mx = std::max(mx, logits[i]);
    double sum = 0.0;
    for (int i = 0; i < n; ++i)
        sum += std::exp(double(logits[i]) - mx);
    return double(logits[target]) - mx - std::log(sum);
}

bool all_finite(const float* x, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(x[i])) return false;
    }
    return true;
}

} // namespace

const char* stop_reason_name(StopReason r) {
    switch (r) {
    case StopReason::length:
        return "length";
    case StopReason::stop_token:
        return "stop_token";
    case StopReason::context_full:
        return "context_full";
    case StopReason::cancelled:
        return "cancelled";
    }
    return "unknown";
}

Session::Session(std::shared_ptr<const Model> model, std::unique_ptr<Backend> backend)
    : m_model(std::move(model))
    , m_backend(std::move(backend)) {
}

void Session::check_tokens(std::span<const int32_t> tokens) const {
    const int n_vocab = m_model->config().n_vocab;
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i] < 0 || tokens[i] >= n_vocab) {
            throw Error(
                fmt::format("token {} (at index {}) is outside the vocabulary of {} tokens", tokens[i], i, n_vocab));
        }
    }
    if (m_n_past + int64_t(tokens.size()) > m_backend->n_ctx()) {
        throw Error(fmt::format("{} tokens after {} in context exceed the context of {} tokens", tokens.size(),
            m_n_past, m_backend->n_ctx()));
    }
}

void Session::eval(std::span<const int32_t> tokens, const std::function<void(size_t, const float*)>& on_logits) {
    check_tokens(tokens);
    Backend& b = *m_backend;
    const int n_moe = b.n_moe_layers();
    for (size_t off = 0; off < tokens.size();) {
        const int n = int(std::min<size_t>(size_t(b.max_batch()), tokens.size() - off));
        b.forward(tokens.data() + off, n, m_n_past, bool(on_logits));
        check_finite(tokens.data() + off, n, bool(on_logits));
        for (int i = 0; i < n; ++i) {
            if (m_observer && n_moe > 0) {
                RoutingFrame f;
                f.pos = m_n_past + i;
                f.token = tokens[off + size_t(i)];
                f.n_layers = n_moe;
                f.k = b.top_k();
                f.ids = b.routing_ids(i, 0);
                f.weights = b.routing_weights(i, 0);
                m_observer->on_routing(f);
            }
            if (on_logits) on_logits(off + size_t(i), b.logits(i));
        }
        m_n_past += n;
        m_last_batch_n = n;
        off += size_t(n);
        m_history.insert(m_history.end(), tokens.begin() + ptrdiff_t(off) - n, tokens.begin() + ptrdiff_t(off));
    }
}

// NaN or Inf in a weight (or an overflow) spreads to every later value and
// ends as a constant token or a perplexity of nan. One pass over what the
// step produced anyway (the gates of every MoE layer, the logits kept) finds
// it; only then are the weights the token read searched, to name the first.
void Session::check_finite(const int32_t* tokens, int n, bool all_logits) const {
    const Backend& b = *m_backend;
    const int n_vocab = m_model->config().n_vocab;
    const int n_moe = b.n_moe_layers(), k = b.top_k();
    for (int i = 0; i < n; ++i) {
        int bad_layer = -1;
        for (int l = 0; l < n_moe && bad_layer < 0; ++l) {
            if (!all_finite(b.routing_weights(i, l), size_t(k))) bad_layer = l;
        }
        const bool bad_logits = (all_logits || i == n - 1) && !all_finite(b.logits(i), size_t(n_vocab));
        if (bad_layer < 0 && !bad_logits) continue;
        const std::string what = bad_layer >= 0 ? fmt::format("the expert gates of layer {}", bad_layer) : "the logits";
        const auto routed = [&](int layer) -> const int32_t* {
            return layer < n_moe && (bad_layer < 0 || layer < bad_layer) ? b.routing_ids(i, layer) : nullptr;
        };
        const std::optional<NonFinite> w = locate_non_finite(*m_model, tokens[i], routed, k);
        throw Error(fmt::format("non-finite values (NaN or Inf) in {} at position {} (token {}): {}", what,
            m_n_past + i, tokens[i],
            w ? fmt::format("weight {}", w->describe())
              : std::string("every weight this token read is finite, so the activations "
                            "overflowed")));
    }
}

void Session::rewind(size_t n_keep) {
    if (n_keep >= m_history.size()) {
        if (m_pending >= 0 && n_keep == m_history.size()) m_pending = -1;
        return;
    }
    m_history.resize(n_keep);
    m_n_past = int(n_keep);
    m_pending = -1;
    m_last_batch_n = 0;
}

const float* Session::last_logits() const {
    if (m_last_batch_n == 0) throw Error("no logits: nothing has been evaluated yet");
    return m_backend->logits(m_last_batch_n - 1);
}

GenerateResult Session::generate(
    std::span<const int32_t> prompt, const GenerateOptions& opts, const std::function<bool(int32_t)>& on_token) {
    if (prompt.empty() && m_n_past == 0) throw Error("the prompt is empty: give at least one token");
    if (opts.n_predict < 0) throw Error(fmt::format("cannot generate {} tokens", opts.n_predict));
    if (m_n_past == 0) m_history.clear();
    // The last token of a previous generate() was sampled but never fed
    // back; it goes in first so a conversation continues where it stopped.
    std::vector<int32_t> input;
    if (m_pending >= 0) input.push_back(m_pending);
    input.insert(input.end(), prompt.begin(), prompt.end());
    check_tokens(input);
    m_pending = -1;
    m_cancel.store(false);

    GenerateResult r;
    r.n_prompt = int(prompt.size());
    Sampler sampler(opts.sampler, m_model->config().n_vocab);
    const double t0 = now_ms();
    if (!input.empty()) eval(input);
    r.prefill_ms = now_ms() - t0;

    // token_ms[i] is the time from token i-1 to token i (token 0: from the prompt going in)
    double t_prev = t0;
    for (int i = 0; i < opts.n_predict; ++i) {
        if (m_cancel.load()) {
            r.stop = StopReason::cancelled;
            break;
        }
        if (i > 0) {
            if (m_n_past >= m_backend->n_ctx()) {
                r.stop = StopReason::context_full;
                break;
            }
            const int32_t prev[1] = { r.tokens.back() };
            m_pending = -1;
            eval(prev);
        }
        const int32_t tok = sampler.sample(last_logits(), m_history);
        const double t = now_ms();
        r.token_ms.push_back(t - t_prev);
        if (i == 0) r.ttft_ms = t - t0;
        t_prev = t;
        r.tokens.push_back(tok);
        m_pending = tok;
        bool stop_tok = false;
        for (int32_t s : opts.stop_tokens)
            stop_tok = stop_tok || s == tok;
        const bool keep_going = on_token ? on_token(tok) : true;
        if (stop_tok) {
            r.stop = StopReason::stop_token;
            break;
        }
        if (!keep_going) {
            r.stop = StopReason::cancelled;
            break;
        }
    }
    return r;
}

ScoreResult Session::score(
    std::span<const int32_t> tokens, const std::function<void(size_t, const float*)>& on_logits) {
    if (tokens.size() < 2) throw Error(fmt::format("scoring needs at least 2 tokens, got {}", tokens.size()));
    reset();
    m_cancel.store(false); // a cancel before this score belonged to an earlier run
    ScoreResult r;
    r.nll.resize(tokens.size() - 1);
    const int n_vocab = m_model->config().n_vocab;
    const double t0 = now_ms();
    // batch by batch (as eval cuts them anyway), so a cancel stops it within one
    const size_t batch = size_t(std::max(1, m_backend->max_batch()));
    size_t done = 0;
    for (; done < tokens.size(); done += std::min(batch, tokens.size() - done)) {
        if (m_cancel.load()) {
            r.cancelled = true;
            break;
        }
        eval(tokens.subspan(done, std::min(batch, tokens.size() - done)), [&, done](size_t j, const float* logits) {
            const size_t i = done + j;
            if (i + 1 < tokens.size()) r.nll[i] = -log_softmax_at(logits, n_vocab, tokens[i + 1]);
            if (on_logits) on_logits(i, logits);
        });
    }
    r.elapsed_ms = now_ms() - t0;
    if (r.cancelled) r.nll.resize(done); // the positions scored before the cancel
    double sum = 0.0;
    for (double v : r.nll)
        sum += v;
    r.mean_nll = r.nll.empty() ? 0.0 : sum / double(r.nll.size());
    r.perplexity = std::exp(r.mean_nll);
    return r;
}

} // namespace moe
