// moe-cli score MODEL -p TEXT | -f FILE | --tokens IDS [--json]: teacher-forced NLL and perplexity.
#include "command.h"
#include "options.h"
#include "routing_print.h"
#include "run/chunked_score.h"

#include <fmt/format.h>

#include <iostream>

namespace {

struct ScoreArgs {
    RunArgs run;
    TextInput input;
    RecordOptions record;
    bool chunked = false;
};

int score(const ScoreArgs& a) {
    if (!a.input.given()) throw moe::Error("give the text to score: -p TEXT, --text-file FILE or --tokens IDS");
    const auto runner = load_runner(a.run);
    moe::ScoreRequest req;
    req.text = a.input.prompt();
    const moe::RunOutcome out = a.chunked ? moe::score_chunked(*runner, req) : runner->score(req);
    const moe::RunRecord& r = out.record;
    const moe::RunFigures& f = r.figures;
    if (a.run.json) {
        const nlohmann::ordered_json j = { { "model", a.run.model }, { "backend", r.backend },
            { "n_tokens", r.prompt_ids.size() }, { "tokens", r.prompt_ids }, { "nll", f.nll },
            { "mean_nll", f.mean_nll.value_or(0.0) }, { "perplexity", f.perplexity.value_or(0.0) },
            { "top_k", r.settings.experts_used }, { "routing", routing_json(r.routing) } };
        std::cout << j.dump() << "\n";
    } else {
        fmt::print("tokens      {}\nmean nll    {:.6f}\nperplexity  {:.4f}\ntime        {:.1f} ms ({:.1f} tok/s)\n",
            r.prompt_ids.size(), f.mean_nll.value_or(0.0), f.perplexity.value_or(0.0), r.prefill_ms,
            r.prefill_tokens_per_s);
    }
    return record_run(a.record, r) ? 0 : 1;
}

} // namespace

Command score_command(CLI::App& app) {
    auto a = std::make_shared<ScoreArgs>();
    CLI::App* cmd = app.add_subcommand("score", "teacher-forced NLL and perplexity of a text or token sequence");
    add_run_options(cmd, a->run);
    add_text_options(cmd, a->input, "the text");
    add_record_options(cmd, a->record);
    cmd->add_flag("--chunked", a->chunked,
        "score a text longer than the context in windows of the context's length, each from an empty context");
    return { cmd, [a] { return score(*a); } };
}
