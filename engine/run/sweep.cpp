#include "run/sweep.h"

#include "error.h"
#include "model/model.h"
#include "run/chunked_score.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace moe {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        const size_t at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) break;
        s.remove_prefix(at + 1);
    }
    return out;
}

bool is_number(std::string_view s) {
    if (s.empty()) return false;
    const std::string str(s);
    char* end = nullptr;
    std::strtod(str.c_str(), &end);
    return end == str.c_str() + str.size();
}

double number(std::string_view s, std::string_view spec) {
    if (!is_number(s)) throw Error(fmt::format("sweep '{}': '{}' is not a number", spec, s));
    return std::strtod(std::string(s).c_str(), nullptr);
}

// The values of "A..B" (whole numbers), "from:to:step" or "a,b,c".
std::vector<std::string> values_of(std::string_view v, std::string_view spec) {
    std::vector<std::string> out;
    if (const size_t dots = v.find(".."); dots != std::string_view::npos) {
        const double a = number(v.substr(0, dots), spec), b = number(v.substr(dots + 2), spec);
        if (a != std::floor(a) || b != std::floor(b) || b < a || b - a > 1000) {
            throw Error(fmt::format("sweep '{}': A..B takes whole numbers A <= B", spec));
        }
        for (int i = int(a); i <= int(b); ++i)
            out.push_back(std::to_string(i));
        return out;
    }
    const std::vector<std::string_view> parts = split(v, ':');
    if (parts.size() == 3) {
        const double from = number(parts[0], spec), to = number(parts[1], spec), step = number(parts[2], spec);
        if (!(step > 0) || to < from || (to - from) / step > 1000) {
            throw Error(fmt::format("sweep '{}': from:to:step needs from <= to and a step above 0", spec));
        }
        for (int i = 0;; ++i) {
            const double x = std::round((from + step * i) * 1e9) / 1e9;
            if (x > to + step * 1e-6) break;
            out.push_back(fmt::format("{}", x));
        }
        return out;
    }
    for (std::string_view p : split(v, ','))
        out.emplace_back(p);
    return out;
}

std::string family_of(const RoutingPolicy& p) {
    if (p.kind == RoutingPolicy::Kind::top_p) return "top-p";
    if (p.kind == RoutingPolicy::Kind::entropy) return "entropy";
    if (p.skip > 0) return "skip";
    return "top-k";
}

double log_sum_exp(const float* x, int n) {
    const float mx = *std::max_element(x, x + n);
    double s = 0.0;
    for (int i = 0; i < n; ++i)
        s += std::exp(double(x[i]) - double(mx));
    return double(mx) + std::log(s);
}

// Restores the runner's routing when the sweep ends, however it ends.
struct RoutingRestore {
    Runner& runner;
    RoutingPolicy saved;
    ~RoutingRestore() {
        try {
            runner.set_routing(saved);
        } catch (...) { }
    }
};

} // namespace

std::vector<SweepSetting> parse_sweep(std::string_view spec) {
    // the first item may hold a range; the items after it apply to every setting
    const size_t comma_at = spec.find(',');
    std::string_view first = spec.substr(0, comma_at);
    std::string rest = comma_at == std::string_view::npos ? "" : std::string(spec.substr(comma_at));
    const size_t eq = first.find('=');
    const std::string_view key = first.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : first.substr(eq + 1);
    // "top-k=1,2,4": a list of values, not a policy with more items
    if (key == "top-k" || key == "top-p" || key == "skip" || key == "entropy") {
        const std::vector<std::string_view> items = split(spec.substr(eq == std::string_view::npos ? 0 : eq + 1), ',');
        if (items.size() > 1 && std::all_of(items.begin(), items.end(), is_number)) {
            value = spec.substr(eq + 1);
            rest.clear();
        }
    }
    const bool ranged = value.find("..") != std::string_view::npos
        || (value.find(':') != std::string_view::npos && key != "mask" && key != "force")
        || value.find(',') != std::string_view::npos;
    std::vector<SweepSetting> out;
    if (!ranged || key == "mask" || key == "force" || key == "layer-k") {
        const RoutingPolicy p = parse_routing_policy(spec);
        out.push_back({ p == RoutingPolicy() ? "top-k" : family_of(p), p });
        return out;
    }
    for (const std::string& v : values_of(value, spec)) {
        std::string text;
        if (key == "entropy") {
            text = "entropy,max=" + v;
        } else if (key == "top-k" || key == "top-p" || key == "skip") {
            text = std::string(key) + "=" + v;
        } else {
            throw Error(fmt::format("sweep '{}': only top-k, top-p, entropy and skip take a range", spec));
        }
        out.push_back({ std::string(key), parse_routing_policy(text + rest) });
    }
    return out;
}

void mark_pareto(std::vector<SweepPoint>& points) {
    for (SweepPoint& p : points) {
        p.pareto = std::none_of(points.begin(), points.end(), [&](const SweepPoint& q) {
            return q.experts_per_token <= p.experts_per_token && q.perplexity <= p.perplexity
                && (q.experts_per_token < p.experts_per_token || q.perplexity < p.perplexity);
        });
    }
}

SweepResult run_sweep(Runner& runner, const SweepRequest& req, const SweepCallbacks& cb) {
    SweepResult res;
    res.created_at = utc_now_iso8601();
    res.model = runner.identity().file_name;
    const std::vector<int32_t> tokens = runner.tokens_of(req.text, true);
    // (longer than the context: scored in windows, run/chunked_score.h)
    if (tokens.size() < 2)
        throw Error(fmt::format("a sweep scores at least 2 tokens; the text gave {}", tokens.size()));
    res.n_tokens = int(tokens.size());
    const Model& model = runner.model();
    const int V = model.config().n_vocab;
    // the model's own routing: its next-token log-probabilities and top-1 at every position
    if (double(tokens.size()) * double(V) * 4.0 > double(uint64_t(2) << 30)) {
        throw Error(fmt::format("a sweep keeps the next-token distribution of every position: {} tokens x {} "
                                "vocabulary is more than 2 GiB; use a shorter text",
            tokens.size(), V));
    }
    std::vector<float> own_lp;
    std::vector<int32_t> own_top;
    size_t n_pos = 0;
    RoutingRestore restore { runner, runner.routing() };

    const int n = int(req.settings.size()) + 1;
    res.settings = req.spec;
    auto cancelled = [&] { return cb.cancel && cb.cancel->load(); };
    for (int i = 0; i < n; ++i) {
        const bool own = i == 0;
        const SweepSetting setting = own ? SweepSetting { "top-k", RoutingPolicy() } : req.settings[size_t(i - 1)];
        const RoutingPolicy resolved
            = resolve_routing_policy(setting.policy, model.config(), runner.context().top_k_override);
        const std::string name = routing_policy_string(resolved);
        if (cancelled() || (cb.on_progress && !cb.on_progress(i, n, name))) {
            res.cancelled = true;
            break;
        }
        runner.set_routing(setting.policy);
        SweepPoint p;
        p.family = setting.family;
        p.policy = name;
        p.baseline = own;
        double kl = 0.0;
        size_t agree = 0;
        ScoreRequest sr;
        sr.text = req.text;
        sr.on_logits = [&](size_t pos, const float* logits) {
            // the sweep's cancel stops the score through the runner's own,
            // checked before every batch (run/chunked_score.h)
            if (cancelled()) runner.cancel();
            const double lse = log_sum_exp(logits, V);
            const int32_t top = int32_t(std::max_element(logits, logits + V) - logits);
            if (own) {
                own_lp.resize(std::max(own_lp.size(), (pos + 1) * size_t(V)));
                own_top.resize(std::max(own_top.size(), pos + 1));
                float* base = own_lp.data() + pos * size_t(V);
                for (int v = 0; v < V; ++v)
                    base[v] = float(double(logits[v]) - lse);
                own_top[pos] = top;
                return;
            }
            if (pos >= n_pos) return;
            const float* base = own_lp.data() + pos * size_t(V);
            double d = 0.0; // KL(own ‖ this) = Σ p_own (log p_own − log p_this)
            for (int v = 0; v < V; ++v) {
                const double lo = double(base[v]);
                // rounded as the own routing's were kept, so identical logits give exactly 0
                d += std::exp(lo) * (lo - double(float(double(logits[v]) - lse)));
            }
            kl += std::max(d, 0.0);
            agree += size_t(top == own_top[pos]);
        };
        RunCallbacks rc;
        rc.routing = cb.routing;
        RunOutcome out = score_chunked(runner, sr, rc);
        RunRecord& rec = out.record;
        if (rec.status == RunStatus::cancelled || cancelled()) {
            // stopped part way: a point over part of the text is not comparable, so it goes
            res.cancelled = true;
            res.discarded = own ? std::string("the model's own routing") : name;
            res.discarded_tokens = int(rec.routing.size());
            break;
        }
        if (own) n_pos = own_top.size();
        p.perplexity = rec.figures.perplexity.value_or(0.0);
        p.mean_nll = rec.figures.mean_nll.value_or(0.0);
        p.nll = rec.figures.nll;
        p.kl = own || n_pos == 0 ? 0.0 : kl / double(n_pos);
        p.top1_agreement = own || n_pos == 0 ? 1.0 : double(agree) / double(n_pos);
        p.experts_per_token = rec.figures.experts_per_token;
        const RoutingTrace& t = rec.routing;
        double bytes = 0.0;
        for (size_t f = 0; f < t.size(); ++f)
            bytes += double(model.weight_bytes_read(t.n_layers() ? t.ids(f, 0) : nullptr, t.n_layers(), t.k()));
        p.weight_bytes_per_token = t.size() ? bytes / double(t.size()) : double(model.stats().active_weight_bytes);
        rec.notes
            = fmt::format("sweep {} ({} of {}): {}", res.created_at, i + 1, n, own ? "model's own routing" : name);
        if (req.decode_tokens > 0 && !cancelled()) {
            GenerateRequest g;
            g.prompt.ids.assign(tokens.begin(), tokens.begin() + std::min<ptrdiff_t>(16, ptrdiff_t(tokens.size())));
            g.options.n_predict = std::min(req.decode_tokens, runner.backend().n_ctx() - int(g.prompt.ids.size()));
            g.options.sampler.temperature = 0.0f;
            g.stop_at_end_of_text = false;
            RunCallbacks gc;
            gc.routing = cb.routing;
            gc.on_token = [&](int32_t) { return !cancelled(); }; // a cancel stops the decode at the next token
            const RunOutcome dec = runner.generate(g, gc);
            if (dec.record.status == RunStatus::cancelled) {
                // the setting's speed was not measured: it goes, like any setting cut short
                res.cancelled = true;
                res.discarded = own ? std::string("the model's own routing") : name;
                res.discarded_tokens = int(rec.routing.size());
                break;
            }
            p.decode_tokens_per_s = dec.record.decode_tokens_per_s;
        }
        if (cb.on_record) p.run_id = cb.on_record(rec);
        if (cb.on_point) cb.on_point(p);
        res.points.push_back(std::move(p));
    }
    mark_pareto(res.points);
    return res;
}

nlohmann::ordered_json sweep_to_json(const SweepResult& r) {
    nlohmann::ordered_json j;
    j["created_at"] = r.created_at;
    j["model"] = r.model;
    j["n_tokens"] = r.n_tokens;
    j["settings"] = r.settings;
    j["cancelled"] = r.cancelled;
    if (r.id) j["id"] = r.id;
    if (!r.discarded.empty()) j["discarded"] = { { "setting", r.discarded }, { "tokens", r.discarded_tokens } };
    j["points"] = nlohmann::ordered_json::array();
    for (const SweepPoint& p : r.points) {
        j["points"].push_back({ { "family", p.family }, { "policy", p.policy }, { "baseline", p.baseline },
            { "perplexity", p.perplexity }, { "mean_nll", p.mean_nll }, { "kl", p.kl },
            { "top1_agreement", p.top1_agreement }, { "experts_per_token", p.experts_per_token },
            { "weight_bytes_per_token", p.weight_bytes_per_token }, { "decode_tokens_per_s", p.decode_tokens_per_s },
            { "pareto", p.pareto }, { "run_id", p.run_id } });
    }
    return j;
}

std::string sweep_to_csv(const SweepResult& r) {
    std::string s = "family,policy,baseline,perplexity,mean_nll,kl,top1_agreement,experts_per_token,"
                    "weight_bytes_per_token,decode_tokens_per_s,pareto,run_id\n";
    for (const SweepPoint& p : r.points) {
        s += fmt::format("{},\"{}\",{},{:.6f},{:.6f},{:.6g},{:.4f},{:.4f},{:.0f},{:.1f},{},{}\n", p.family, p.policy,
            int(p.baseline), p.perplexity, p.mean_nll, p.kl, p.top1_agreement, p.experts_per_token,
            p.weight_bytes_per_token, p.decode_tokens_per_s, int(p.pareto), p.run_id);
    }
    return s;
}

std::string sweep_cancel_text(const SweepResult& r) {
    if (!r.cancelled) return {};
    if (r.discarded.empty()) return fmt::format("cancelled after {} finished settings, all kept", r.points.size());
    return fmt::format("cancelled during {} after {} of {} tokens: that setting is discarded; the {} finished "
                       "settings are kept",
        r.discarded, r.discarded_tokens, r.n_tokens, r.points.size());
}

} // namespace moe
