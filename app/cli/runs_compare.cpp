// moe-cli runs compare ID ID [ID...] [--json]: runs side by side (moe::compare_runs,
// the same comparison the window's Compare tab shows) and their routing agreement.
#include "runs_cmd.h"

#include "store/compare.h"
#include "store/store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

using json = nlohmann::ordered_json;

namespace runs {

namespace {

// ---- compare -----------------------------------------------------------------

json agreement_json(const moe::RunAgreement& g) {
    json layers = json::array();
    for (const moe::LayerAgreement& l : g.agreement.layers) {
        layers.push_back({ { "layer", l.layer }, { "set_match", l.set_match }, { "overlap", l.overlap },
            { "first_divergence", l.first_divergence } });
    }
    return { { "run_a", g.a }, { "run_b", g.b }, { "n_compared", g.agreement.n_compared },
        { "first_token_difference", g.agreement.first_token_difference }, { "sets_apply", g.sets_apply },
        { "set_match", g.sets_apply ? json(g.agreement.set_match) : json(nullptr) },
        { "first_divergence", g.sets_apply ? json(g.agreement.first_divergence) : json(nullptr) },
        { "layers", layers } };
}

std::string position(int64_t p) {
    return p < 0 ? std::string("none") : std::to_string(p);
}

} // namespace

int compare(const RunsArgs& a) {
    moe::RunStore store = open_store(a, false);
    std::vector<moe::RunRecord> runs;
    for (int64_t id : a.ids)
        runs.push_back(store.load(id));
    const moe::RunComparison c = moe::compare_runs(runs);
    if (a.json) {
        json rows = json::array();
        for (const moe::CompareRow& r : c.rows) {
            rows.push_back(
                { { "section", r.section }, { "label", r.label }, { "values", r.values }, { "differs", r.differs } });
        }
        json agreements = json::array();
        for (const moe::RunAgreement& g : c.agreements)
            agreements.push_back(agreement_json(g));
        const json out = { { "runs", c.ids }, { "comparable", c.warnings.empty() }, { "warnings", c.warnings },
            { "rows", rows }, { "routing_agreement", agreements } };
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    // side by side: one column per run, '*' before rows whose values differ
    size_t label_w = 0;
    std::vector<size_t> col_w(c.ids.size(), 0);
    for (size_t i = 0; i < c.ids.size(); ++i)
        col_w[i] = width(fmt::format("run {}", c.ids[i]));
    for (const moe::CompareRow& r : c.rows) {
        label_w = std::max(label_w, width(r.label));
        for (size_t i = 0; i < r.values.size(); ++i)
            col_w[i] = std::max(col_w[i], width(clip(r.values[i], 36)));
    }
    std::string head = "  " + pad("", label_w);
    for (size_t i = 0; i < c.ids.size(); ++i)
        head += "  " + pad(fmt::format("run {}", c.ids[i]), col_w[i]);
    fmt::print("{}\n", head);
    std::string section;
    for (const moe::CompareRow& r : c.rows) {
        if (r.section != section) {
            section = r.section;
            fmt::print("{}\n", section);
        }
        std::string line = std::string(r.differs ? "* " : "  ") + pad(r.label, label_w);
        for (size_t i = 0; i < r.values.size(); ++i)
            line += "  " + pad(clip(r.values[i], 36), col_w[i]);
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        fmt::print("{}\n", line);
    }
    fmt::print("(* marks rows that differ)\n");
    for (const std::string& w : c.warnings)
        fmt::print("warning: {}\n", w);
    for (const moe::RunAgreement& g : c.agreements) {
        const moe::RoutingAgreement& ag = g.agreement;
        fmt::print("\nrouting agreement, run {} vs run {}: {} tokens compared{}\n", g.b, g.a, ag.n_compared,
            ag.first_token_difference >= 0
                ? fmt::format(" (the tokens differ from index {} on)", ag.first_token_difference)
                : std::string());
        if (!g.sets_apply) {
            fmt::print("(the runs use different numbers of experts per token: no top-k set can be identical, so only "
                       "the overlap applies)\n");
        }
        fmt::print("layer  same top-k set  mean overlap  first divergence\n");
        auto pct = [&](double v) { return g.sets_apply ? fmt::format("{:.1f} %", 100.0 * v) : std::string("n/a"); };
        auto pos = [&](int64_t p) { return g.sets_apply ? position(p) : std::string("n/a"); };
        for (const moe::LayerAgreement& l : ag.layers) {
            fmt::print(
                "{:>5}  {:>14}  {:>12.3f}  {:>16}\n", l.layer, pct(l.set_match), l.overlap, pos(l.first_divergence));
        }
        fmt::print("{:>5}  {:>14}  {:>12}  {:>16}\n", "all", pct(ag.set_match), "", pos(ag.first_divergence));
    }
    return 0;
}

// ---- import, check -----------------------------------------------------------

} // namespace runs
