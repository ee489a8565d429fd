// moe-cli sweep MODEL --text-file F --policy "top-k=1..8;top-p=0.5:0.95:0.05" [--sweep S]... [--csv F] [--json]:
// quality against cost of routing policies (engine/run/sweep.h), one score run per setting.
#include "command.h"
#include "options.h"
#include "run/sweep.h"
#include "runs_cmd.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>

namespace {

// Ctrl+C stops the sweep within one batch of tokens, whenever it comes
// (between settings too); a second one ends the program.
std::atomic<bool> g_cancel { false };
extern "C" void on_sweep_sigint(int) {
    if (!g_cancel.exchange(true)) return;
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
}

struct SweepArgs {
    RunArgs run;
    TextInput input;
    RecordOptions record;
    std::vector<std::string> specs;
    int decode_tokens = 32;
    std::string csv, json_file;
};

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out.flush()) throw moe::Error(fmt::format("cannot write {}", path));
}

int sweep(const SweepArgs& a) {
    if (!a.input.given()) throw moe::Error("give the text to score: -p TEXT, --text-file FILE or --tokens IDS");
    // --policy (a run option elsewhere) names the sweep's settings here, ';' between them
    std::vector<std::string> specs;
    for (size_t at = 0; at < a.run.policy.size();) {
        const size_t semi = std::min(a.run.policy.find(';', at), a.run.policy.size());
        if (semi > at) specs.push_back(a.run.policy.substr(at, semi - at));
        at = semi + 1;
    }
    specs.insert(specs.end(), a.specs.begin(), a.specs.end());
    if (specs.empty()) throw moe::Error("give the settings to sweep, e.g. --policy top-k=1..8");
    RunArgs run = a.run;
    run.policy.clear(); // the sweep starts from the model's own routing (with --mask/--force when given)
    moe::SweepRequest req;
    for (const std::string& s : specs) {
        for (moe::SweepSetting& x : moe::parse_sweep(s))
            req.settings.push_back(std::move(x));
    }
    req.text = a.input.prompt();
    req.decode_tokens = a.decode_tokens;
    for (const std::string& s : specs)
        req.spec += (req.spec.empty() ? "" : "; ") + s;
    const auto runner = load_runner(run);
    g_cancel.store(false);
    std::signal(SIGINT, on_sweep_sigint);
    moe::SweepCallbacks cb;
    cb.cancel = &g_cancel;
    cb.on_progress = [](int i, int n, const std::string& p) {
        spdlog::info("{}/{}: {}", i + 1, n, p.empty() ? "the model's own routing" : p);
        return true;
    };
    std::optional<moe::RunRecorder> recorder;
    if (!a.record.no_record) recorder.emplace(a.record.db);
    bool lost = false;
    cb.on_record = [&](const moe::RunRecord& r) -> int64_t {
        if (!recorder) return 0;
        const moe::RecordOutcome out = recorder->record(r);
        if (!out.saved()) {
            spdlog::warn("run not saved: {}{}", out.error, out.lost() ? " (lost)" : "; kept in " + out.kept_path);
            lost = lost || out.lost();
            return 0;
        }
        return *out.id;
    };
    moe::SweepResult res = moe::run_sweep(*runner, req, cb);
    std::signal(SIGINT, SIG_DFL);
    // the sweep as one record beside its runs (runs list / show sN)
    if (recorder && !res.points.empty()) {
        try {
            moe::RunStore* store = recorder->store();
            if (!store) throw moe::Error(recorder->last_error());
            res.id = store->save_sweep(res);
        } catch (const std::exception& e) {
            spdlog::warn("the sweep record was not saved: {} (its runs were)", e.what());
        }
    }
    if (!a.csv.empty()) write_file(a.csv, moe::sweep_to_csv(res));
    if (!a.json_file.empty()) write_file(a.json_file, moe::sweep_to_json(res).dump(1) + "\n");
    if (a.run.json) {
        std::cout << moe::sweep_to_json(res).dump() << "\n";
    } else {
        fmt::print("{} tokens of {}; * marks the Pareto-best (perplexity against experts per token)\n\n", res.n_tokens,
            res.model);
        runs::print_sweep(res);
        if (res.id) fmt::print("\nstored as sweep s{} (moe-cli runs show s{})\n", res.id, res.id);
    }
    return lost ? 1 : 0;
}

} // namespace

Command sweep_command(CLI::App& app) {
    auto a = std::make_shared<SweepArgs>();
    CLI::App* cmd = app.add_subcommand("sweep", "quality against cost of routing policies on a text");
    add_run_options(cmd, a->run);
    add_text_options(cmd, a->input, "the held-out text");
    add_record_options(cmd, a->record);
    cmd->add_option("--sweep", a->specs,
        "more settings, as --policy takes them: top-k=1..8, top-p=0.5:0.95:0.05, entropy=1..8 (k_max), "
        "skip=0.05:0.3:0.05, or one policy; repeatable");
    cmd->add_option("--decode-tokens", a->decode_tokens, "greedy tokens decoded per setting to measure speed (0: none)")
        ->check(whole_number(0, 4096));
    cmd->add_option("--csv", a->csv, "write the table as CSV to this file");
    cmd->add_option("--json-file", a->json_file, "write the sweep as JSON to this file");
    return { cmd, [a] { return sweep(*a); } };
}
