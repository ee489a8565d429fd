// moe-cli experts MODEL --text-file F [--domain NAME=FILE]... [--top N] [--min-seen N] [--window N] [--json]:
// what each expert is for. The text (and each domain's text) is scored in
// windows of the context (run/chunked_score.h); per layer and expert, the
// tokens it takes most often relative to their frequency; with domains, the
// domain x expert load and the most domain-specific experts; with --window,
// the load over the text's positions.
#include "command.h"
#include "options.h"
#include "routing_stats_print.h"
#include "run/chunked_score.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"

#include <fmt/format.h>

#include <iostream>

namespace {

struct ExpertsArgs {
    RunArgs run;
    TextInput input;
    std::vector<std::string> domains; // NAME=FILE
    int top = 8;
    int min_seen = 5;
    int window = 0;
    size_t max_tokens = 65536;
};

moe::RoutingTrace trace_of(moe::Runner& r, const moe::Prompt& p, size_t max_tokens) {
    std::vector<int32_t> ids = r.tokens_of(p, true);
    if (ids.size() > max_tokens) ids.resize(max_tokens);
    moe::ScoreRequest req;
    req.text.ids = std::move(ids);
    return moe::score_chunked(r, req).record.routing;
}

int experts(const ExpertsArgs& a) {
    if (!a.input.given() && a.domains.empty()) {
        throw moe::Error("give a text (-p, --text-file, --tokens) or --domain NAME=FILE at least once");
    }
    const auto runner = load_runner(a.run);
    const int E = runner->model().config().n_expert;
    const moe::Tokenizer* tok = runner->tokenizer();
    const TokenText text
        = tok ? TokenText([tok](int32_t id) { return tok->decode(std::span(&id, 1), true); }) : TokenText();
    nlohmann::ordered_json j;
    j["model"] = a.run.model;
    if (a.input.given()) {
        const moe::RoutingTrace t = trace_of(*runner, a.input.prompt(), a.max_tokens);
        if (a.run.json) {
            j["tokens"] = t.size();
            j["experts_for"] = expert_tokens_json(t, E, size_t(a.top), a.min_seen, text);
            if (a.window > 0) j["load_over_position"] = load_over_position_json(t, E, size_t(a.window));
        } else {
            fmt::print("{} tokens of text scored\n", t.size());
            print_expert_tokens(t, E, size_t(a.top), a.min_seen, text);
            if (a.window > 0) print_load_over_position(t, E, size_t(a.window));
        }
    }
    if (!a.domains.empty()) {
        std::vector<std::string> names;
        std::vector<moe::RoutingTrace> traces;
        for (const std::string& d : a.domains) {
            const size_t eq = d.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == d.size()) {
                throw moe::Error(fmt::format("--domain takes NAME=FILE, not '{}'", d));
            }
            names.push_back(d.substr(0, eq));
            moe::Prompt p;
            p.text = moe::checked_utf8(moe::read_text_file(d.substr(eq + 1)), d.substr(eq + 1), a.input.lossy);
            traces.push_back(trace_of(*runner, p, a.max_tokens));
        }
        std::vector<const moe::RoutingTrace*> ptrs;
        for (const moe::RoutingTrace& t : traces)
            ptrs.push_back(&t);
        nlohmann::ordered_json dj = nlohmann::ordered_json::array();
        const int n_layers = traces.front().n_layers();
        for (int l = -1; l < n_layers; ++l) {
            const moe::DomainLoad dl = moe::domain_load(names, ptrs, l, E);
            if (a.run.json) {
                dj.push_back({ { "layer", l < 0 ? nlohmann::ordered_json("all") : nlohmann::ordered_json(l) },
                    { "domains", dl.domains }, { "share", dl.share }, { "specificity", dl.specificity },
                    { "most_specific", dl.most_specific } });
                continue;
            }
            fmt::print("\ndomain x expert load, {} (% of the domain's assignments; * the domain's most specific "
                       "expert: its share over the other domains' mean)\n",
                l < 0 ? std::string("all layers") : fmt::format("layer {}", l));
            std::string head = fmt::format("  {:<12}", "domain");
            for (int e = 0; e < E; ++e)
                head += fmt::format("{:>7}", e);
            fmt::print("{}\n", head);
            for (size_t d = 0; d < names.size(); ++d) {
                std::string row = fmt::format("  {:<12}", names[d]);
                for (int e = 0; e < E; ++e) {
                    row += fmt::format(
                        "{:>6.1f}{}", 100.0 * dl.share[d][size_t(e)], dl.most_specific[d] == e ? "*" : " ");
                }
                fmt::print("{}  (expert {}: {:.2f}x)\n", row, dl.most_specific[d],
                    dl.specificity[d][size_t(dl.most_specific[d])]);
            }
        }
        if (a.run.json) j["domains"] = dj;
    }
    if (a.run.json) std::cout << j.dump() << "\n";
    return 0;
}

} // namespace

Command experts_command(CLI::App& app) {
    auto a = std::make_shared<ExpertsArgs>();
    CLI::App* cmd = app.add_subcommand("experts", "what each expert is for: the tokens and domains it takes");
    add_run_options(cmd, a->run);
    add_text_options(cmd, a->input, "the text");
    cmd->add_option("--domain", a->domains, "NAME=FILE: a text of one domain (code, prose, dialogue...); repeatable");
    cmd->add_option("--top", a->top, "tokens per expert")->check(whole_number(1, 1000));
    cmd->add_option("--min-seen", a->min_seen, "leave out tokens seen fewer times")->check(whole_number(1, 1 << 30));
    cmd->add_option("--window", a->window, "also the load per window of this many tokens (0: not)")
        ->check(whole_number(0, 1 << 30));
    cmd->add_option("--max-tokens", a->max_tokens, "score at most this many tokens of each text")
        ->check(whole_number(2, 1 << 30));
    return { cmd, [a] { return experts(*a); } };
}
