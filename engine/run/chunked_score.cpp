#include "run/chunked_score.h"

#include "error.h"
#include "telemetry/routing_stats.h"

#include <fmt/format.h>

#include <cmath>

namespace moe {

RunOutcome score_chunked(Runner& runner, const ScoreRequest& req, const RunCallbacks& cb) {
    std::vector<int32_t> tokens = runner.tokens_of(req.text, true);
    const size_t window = size_t(runner.backend().n_ctx());
    if (tokens.size() <= window) {
        ScoreRequest one = req;
        one.text.ids = tokens;
        RunOutcome out = runner.score(one, cb);
        if (req.text.ids.empty()) out.record.prompt_text = req.text.text;
        return out;
    }
    if (tokens.size() % window == 1) tokens.pop_back(); // a 1-token window predicts nothing
    RunOutcome all;
    RunRecord& r = all.record;
    size_t scored = 0; // positions before this window, over the whole text
    for (size_t begin = 0; begin < tokens.size(); begin += window) {
        const size_t end = std::min(begin + window, tokens.size());
        ScoreRequest part;
        part.text.ids.assign(tokens.begin() + ptrdiff_t(begin), tokens.begin() + ptrdiff_t(end));
        if (req.on_logits) {
            part.on_logits = [&, base = scored](size_t i, const float* logits) {
                if (i + 1 < end - begin) req.on_logits(base + i, logits);
            };
        }
        RunOutcome out = runner.score(part, cb);
        RunRecord& w = out.record;
        if (begin == 0) {
            r = w;
            r.routing.clear();
            r.figures.nll.clear();
            r.prefill_ms = 0.0;
        }
        r.figures.nll.insert(r.figures.nll.end(), w.figures.nll.begin(), w.figures.nll.end());
        r.prefill_ms += w.prefill_ms;
        for (size_t i = 0; i < w.routing.size(); ++i) {
            RoutingFrame f;
            f.pos = w.routing.pos(i);
            f.token = w.routing.token(i);
            f.n_layers = w.routing.n_layers();
            f.k = w.routing.k();
            f.ids = f.n_layers ? w.routing.ids(i, 0) : nullptr;
            f.weights = f.n_layers ? w.routing.weights(i, 0) : nullptr;
            r.routing.on_routing(f);
        }
        scored += end - begin - 1;
        all.n_context = out.n_context;
        if (w.status == RunStatus::cancelled) {
            // Runner::cancel() stopped this window: the windows after it are not scored
            r.status = w.status;
            r.stop_reason = w.stop_reason;
            break;
        }
    }
    double sum = 0.0;
    for (double v : r.figures.nll)
        sum += v;
    r.figures.mean_nll = r.figures.nll.empty() ? 0.0 : sum / double(r.figures.nll.size());
    r.figures.perplexity = std::exp(*r.figures.mean_nll);
    r.figures.experts_per_token = mean_experts_per_token(r.routing);
    r.prompt_ids = tokens;
    r.prompt_text = req.text.ids.empty() ? req.text.text : std::string();
    r.prefill_tokens_per_s = r.prefill_ms > 0 ? 1000.0 * double(tokens.size()) / r.prefill_ms : 0.0;
    r.notes = fmt::format("scored in {} windows of {} tokens", (tokens.size() + window - 1) / window, window);
    return all;
}

} // namespace moe
