#include "routing_stats_print.h"

#include "telemetry/metrics.h"
#include "telemetry/routing.h"

#include <fmt/format.h>

#include <algorithm>

std::string printable_token(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == ' ') {
            out += "␠";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            out += fmt::format("\\x{:02x}", c);
        } else {
            out += char(c);
        }
    }
    return out;
}

namespace {

std::string text_of(const TokenText& text, int32_t id) {
    return text ? printable_token(text(id)) : fmt::format("[{}]", id);
}

} // namespace

nlohmann::ordered_json load_over_position_json(const moe::RoutingTrace& t, int n_experts, size_t window) {
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (int l = 0; l < t.n_layers(); ++l) {
        const moe::LoadOverPosition lp = moe::load_over_position(t, l, n_experts, window);
        nlohmann::ordered_json w = nlohmann::ordered_json::array();
        for (const moe::LoadWindow& x : lp.windows) {
            w.push_back({ { "begin", x.begin }, { "end", x.end }, { "imbalance", x.imbalance }, { "drift", x.drift },
                { "top_expert", x.top_expert }, { "top_share", x.top_share }, { "share", x.share } });
        }
        layers.push_back({ { "layer", l }, { "whole", lp.whole }, { "mean_drift", lp.mean_drift },
            { "max_drift", lp.max_drift }, { "max_drift_window", lp.max_drift_window }, { "windows", w } });
    }
    return { { "window", window }, { "tokens", t.size() }, { "layers", layers } };
}

void print_load_over_position(const moe::RoutingTrace& t, int n_experts, size_t window) {
    fmt::print("\nload over position: {} tokens in windows of {}; drift = Jensen-Shannon divergence (nats, at most "
               "0.693) of the window's expert load from the whole document's\n",
        t.size(), window);
    for (int l = 0; l < t.n_layers(); ++l) {
        const moe::LoadOverPosition lp = moe::load_over_position(t, l, n_experts, window);
        fmt::print("\nlayer {}: mean drift {:.4f}, largest {:.4f} (tokens {}-{})\n", l, lp.mean_drift, lp.max_drift,
            lp.windows.empty() ? 0 : lp.windows[lp.max_drift_window].begin,
            lp.windows.empty() ? 0 : lp.windows[lp.max_drift_window].end - 1);
        fmt::print(
            "  {:>13}  {:>9}  {:>7}  {:>10}  load per expert (%)\n", "tokens", "imbalance", "drift", "top expert");
        for (const moe::LoadWindow& w : lp.windows) {
            std::string shares;
            for (double s : w.share)
                shares += fmt::format("{:>5.1f}", 100.0 * s);
            fmt::print("  {:>6}-{:<6}  {:>9.2f}  {:>7.4f}  {:>4} {:>4.0f} %  {}\n", w.begin, w.end - 1, w.imbalance,
                w.drift, w.top_expert, 100.0 * w.top_share, shares);
        }
    }
}

nlohmann::ordered_json expert_tokens_json(
    const moe::RoutingTrace& t, int n_experts, size_t top_n, int64_t min_seen, const TokenText& text) {
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (int l = 0; l < t.n_layers(); ++l) {
        const auto aff = moe::expert_token_affinity(t, l, n_experts, top_n, min_seen);
        const moe::LayerBalance b = moe::layer_balance(t, l, n_experts, 0, t.size(), false);
        nlohmann::ordered_json experts = nlohmann::ordered_json::array();
        for (size_t e = 0; e < aff.size(); ++e) {
            nlohmann::ordered_json toks = nlohmann::ordered_json::array();
            for (const moe::TokenAffinity& a : aff[e]) {
                toks.push_back({ { "token", a.token }, { "text", text ? text(a.token) : std::string() },
                    { "routed", a.routed }, { "seen", a.seen }, { "specialisation", a.specialisation } });
            }
            experts.push_back({ { "expert", e }, { "load", b.share[e] }, { "tokens", toks } });
        }
        layers.push_back({ { "layer", l }, { "experts", experts } });
    }
    return { { "min_seen", min_seen }, { "layers", layers } };
}

void print_expert_tokens(
    const moe::RoutingTrace& t, int n_experts, size_t top_n, int64_t min_seen, const TokenText& text) {
    fmt::print("\nwhat each expert takes: tokens by the share of their occurrences routed to the expert "
               "(tokens seen at least {} times)\n",
        min_seen);
    for (int l = 0; l < t.n_layers(); ++l) {
        const auto aff = moe::expert_token_affinity(t, l, n_experts, top_n, min_seen);
        const moe::LayerBalance b = moe::layer_balance(t, l, n_experts, 0, t.size(), false);
        fmt::print("\nlayer {}\n", l);
        for (size_t e = 0; e < aff.size(); ++e) {
            std::string toks;
            for (const moe::TokenAffinity& a : aff[e])
                toks += fmt::format("  {} {:.0f}%", text_of(text, a.token), 100.0 * a.specialisation);
            fmt::print("  expert {:>3} ({:>4.1f} % of load):{}\n", e, 100.0 * b.share[e], toks);
        }
    }
}
