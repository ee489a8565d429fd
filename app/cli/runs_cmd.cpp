#include "runs_cmd.h"

#include "command.h"
#include "routing_stats_print.h"

#include "common/units.h"

#include "run/sweep.h"
#include "store/compare.h"
#include "store/export.h"
#include "store/store.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

using json = nlohmann::ordered_json;

CLI::App* add_runs_command(CLI::App& app, RunsArgs& a) {
    a.runs = app.add_subcommand("runs", "list, show, compare, export and delete recorded runs");
    a.runs->require_subcommand(1);
    a.list = a.runs->add_subcommand("list", "list recorded runs");
    a.list->add_option("--model", a.model, "only runs of models whose name or file contains this");
    a.list->add_option("--since", a.since, "only runs made on or after this UTC date (YYYY-MM-DD[THH:MM[:SS]])");
    a.list->add_option("--kind", a.kind, "only runs of this kind")
        ->check(CLI::IsMember({ "generate", "chat", "score", "bench", "sweep" }));
    a.list->add_flag("--json", a.json, "print JSON");
    a.show = a.runs->add_subcommand("show", "everything recorded about a run");
    a.show->add_option("id", a.id_args, "run id, or sN for a sweep")->required()->expected(1);
    a.show->add_flag("--json", a.json, "print JSON (without the routing trace; export has it)");
    a.show->add_flag("--load-over-position", a.load_over_position,
        "expert load per window of tokens, per layer, its imbalance and drift from the whole run's load");
    a.show->add_option("--window", a.window, "tokens per window for --load-over-position")
        ->check(CLI::Range(1, 1 << 20));
    a.show->add_flag(
        "--experts-for", a.experts_for, "per expert, the tokens it takes most relative to their frequency");
    a.show->add_option("--top", a.top_tokens, "tokens per expert for --experts-for")->check(CLI::Range(1, 1000));
    a.del = a.runs->add_subcommand("delete", "delete runs, with their traces");
    a.del->add_option("ids", a.id_args, "run ids, sN for a sweep (its runs stay)")->required();
    a.exp = a.runs->add_subcommand("export", "write runs as CSV or JSON");
    a.exp->add_option("ids", a.id_args, "run ids, or sweep ids (sN) on their own")->required();
    a.exp->add_option("--format", a.format, "csv or json")->check(CLI::IsMember({ "csv", "json" }));
    a.exp->add_option("--table", a.table, "CSV table: runs, tokens, layers or routing")
        ->check(CLI::IsMember({ "runs", "tokens", "layers", "routing" }));
    a.exp->add_flag("--no-routing", a.no_routing, "JSON without the routing trace");
    a.exp->add_option("-o,--output", a.output, "output file (default: standard output)");
    a.cmp = a.runs->add_subcommand("compare", "runs side by side, differences marked, routing agreement");
    a.cmp->add_option("ids", a.id_args, "two or more run ids; a sweep (sN) stands for its score runs")
        ->required()
        ->expected(1, 1000);
    a.cmp->add_flag("--json", a.json, "print JSON");
    a.imp = a.runs->add_subcommand(
        "import", "add runs from JSON files (export --format json, or runs kept when saving failed)");
    a.imp->add_option("files", a.files, "JSON files")->required()->check(CLI::ExistingFile);
    a.check = a.runs->add_subcommand("check", "check the run store file for damage");
    for (CLI::App* sub : { a.list, a.show, a.del, a.exp, a.cmp, a.imp, a.check }) {
        sub->add_option("--db", a.db, "run store (default: $XDG_DATA_HOME/moe-workbench/runs.sqlite)");
        sub->add_option("--busy-timeout", a.busy_timeout_ms, "ms to wait for another process writing to the store")
            ->check(CLI::NonNegativeNumber);
    }
    return a.runs;
}

namespace runs {

std::string store_path(const RunsArgs& a) {
    return a.db.empty() ? moe::RunStore::default_path() : a.db;
}

moe::RunStore open_store(const RunsArgs& a, bool write) {
    moe::RunStoreOptions o;
    o.busy_timeout_ms = a.busy_timeout_ms;
    o.read_only = !write;
    return moe::RunStore(store_path(a), o);
}

std::string fixed(double v, int digits) {
    return fmt::format("{:.{}f}", v, digits);
}

std::string clip(const std::string& s, size_t n) {
    if (s.size() <= n) return s;
    size_t cut = n > 3 ? n - 3 : 0;
    while (cut > 0 && (uint8_t(s[cut]) & 0xC0) == 0x80)
        --cut; // keep UTF-8 whole
    return s.substr(0, cut) + "...";
}

// Display width of UTF-8 text (code points; good enough for names and numbers).
size_t width(const std::string& s) {
    size_t n = 0;
    for (char c : s)
        n += (uint8_t(c) & 0xC0) != 0x80;
    return n;
}

std::string pad(const std::string& s, size_t w) {
    return s + std::string(w > width(s) ? w - width(s) : 0, ' ');
}

void print_sweep(const moe::SweepResult& r) {
    fmt::print(
        "| policy | perplexity | KL (nats) | top-1 agree | experts/token | weight MB/token | decode tok/s | run |\n"
        "|---|---|---|---|---|---|---|---|\n");
    for (const moe::SweepPoint& p : r.points) {
        fmt::print("| {}{} | {:.4f} | {:.4f} | {:.1f} % | {:.3f} | {:.3f} | {:.1f} | {} |\n",
            p.baseline ? "model's own" : p.policy, p.pareto ? " *" : "", p.perplexity, p.kl, 100.0 * p.top1_agreement,
            p.experts_per_token, p.weight_bytes_per_token / 1e6, p.decode_tokens_per_s,
            p.run_id ? std::to_string(p.run_id) : "-");
    }
    if (r.cancelled) fmt::print("\n({})\n", moe::sweep_cancel_text(r));
}

} // namespace runs

namespace {

using namespace runs;

// ---- list --------------------------------------------------------------------

int cmd_list(const RunsArgs& a) {
    const std::string path = store_path(a);
    if (!std::filesystem::exists(path)) {
        if (a.json) {
            std::cout << "[]\n";
        } else {
            fmt::print("no runs yet: {} does not exist (generate, score, bench and chat record runs into it)\n", path);
        }
        return 0;
    }
    moe::RunStore store = open_store(a, false);
    moe::RunFilter f;
    f.model = a.model;
    f.since = a.since;
    const bool only_sweeps = a.kind == "sweep";
    if (!a.kind.empty()) {
        moe::RunKind k;
        if (moe::run_kind_from_name(a.kind, &k)) f.kind = k;
    }
    const std::vector<moe::RunSummary> runs = only_sweeps ? std::vector<moe::RunSummary> {} : store.list(f);
    // sweeps by the same filters (model file, time); none when a run kind is asked for
    std::vector<moe::SweepSummary> sweeps;
    if (a.kind.empty() || only_sweeps) {
        std::string since = a.since;
        if (since.size() > 10) since[10] = 'T';
        if (!since.empty() && since.back() == 'Z') since.pop_back();
        for (moe::SweepSummary& w : store.list_sweeps()) {
            if (!a.model.empty() && w.model.find(a.model) == std::string::npos) continue;
            if (!since.empty() && w.created_at < since) continue;
            sweeps.push_back(std::move(w));
        }
    }
    if (a.json) {
        json out = json::array();
        for (const moe::RunSummary& r : runs) {
            out.push_back({ { "id", r.id }, { "kind", moe::run_kind_name(r.kind) }, { "created_at", r.created_at },
                { "status", moe::run_status_name(r.status) }, { "model_name", r.model_name },
                { "model_file", r.model_file }, { "model_hash", r.model_hash }, { "quant_mix", r.quant_mix },
                { "backend", r.backend }, { "prompt", r.prompt_preview }, { "n_prompt", r.n_prompt },
                { "n_output", r.n_output }, { "ttft_ms", r.ttft_ms },
                { "decode_tokens_per_s", r.decode_tokens_per_s } });
        }
        for (const moe::SweepSummary& w : sweeps) {
            out.push_back({ { "id", fmt::format("s{}", w.id) }, { "kind", "sweep" }, { "created_at", w.created_at },
                { "status", w.cancelled ? "cancelled" : "complete" }, { "model_file", w.model },
                { "settings", w.settings }, { "n_tokens", w.n_tokens }, { "points", w.n_points } });
        }
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    if (runs.empty() && sweeps.empty()) {
        fmt::print("no runs{} in {}\n", a.model.empty() && a.since.empty() && a.kind.empty() ? "" : " match", path);
        return 0;
    }
    if (!runs.empty()) {
        fmt::print("{:>5}  {:<20}  {:<8}  {:<28}  {:<8}  {:>6}  {:>6}  {:>8}  {:>7}  {}\n", "id", "created (UTC)",
            "kind", "model", "backend", "prompt", "output", "ttft ms", "tok/s", "prompt text");
    }
    for (const moe::RunSummary& r : runs) {
        std::string kind = moe::run_kind_name(r.kind);
        if (r.status != moe::RunStatus::complete) kind += "!"; // cancelled or failed
        fmt::print("{:>5}  {:<20}  {:<8}  {}  {:<8}  {:>6}  {:>6}  {:>8}  {:>7}  {}\n", r.id, r.created_at, kind,
            pad(clip(r.model_name.empty() ? r.model_file : r.model_name, 28), 28), clip(r.backend, 8), r.n_prompt,
            r.n_output, fixed(r.ttft_ms), fixed(r.decode_tokens_per_s), clip(r.prompt_preview, 40));
    }
    if (!sweeps.empty()) {
        if (!runs.empty()) fmt::print("\n");
        fmt::print("{:>5}  {:<20}  {:<8}  {:<28}  {:>6}  {:>6}  {:>10}  {}\n", "sweep", "created (UTC)", "", "model",
            "tokens", "points", "best ppl", "settings");
        for (const moe::SweepSummary& w : sweeps) {
            fmt::print("{:>5}  {:<20}  {:<8}  {}  {:>6}  {:>6}  {:>10}  {}\n", fmt::format("s{}", w.id), w.created_at,
                w.cancelled ? "sweep!" : "sweep", pad(clip(w.model, 28), 28), w.n_tokens, w.n_points,
                w.best_perplexity > 0 ? fixed(w.best_perplexity, 4) : "-", clip(w.settings, 40));
        }
    }
    return 0;
}

// ---- show --------------------------------------------------------------------

std::string ids_text(const std::vector<int32_t>& ids, size_t max) {
    std::string s;
    for (size_t i = 0; i < ids.size() && i < max; ++i)
        s += (i ? "," : "") + std::to_string(ids[i]);
    if (ids.size() > max) s += fmt::format(",... ({} tokens)", ids.size());
    return s;
}

int show_sweep(moe::RunStore& store, int64_t id, bool as_json) {
    const moe::SweepResult r = store.load_sweep(id);
    if (as_json) {
        std::cout << moe::sweep_to_json(r).dump(2) << "\n";
        return 0;
    }
    fmt::print("sweep         s{} ({})\n", r.id, r.cancelled ? "cancelled" : "complete");
    fmt::print("created       {}\n", r.created_at);
    fmt::print("model         {}\n", r.model);
    fmt::print("settings      {}\n", r.settings.empty() ? "-" : r.settings);
    fmt::print(
        "text          {} tokens; * marks the Pareto-best (perplexity against experts per token)\n\n", r.n_tokens);
    print_sweep(r);
    return 0;
}

int cmd_show(const RunsArgs& a) {
    moe::RunStore store = open_store(a, false);
    if (!a.sweep_ids.empty()) return show_sweep(store, a.sweep_ids.front(), a.json);
    const moe::RunRecord r = store.load(a.ids.at(0));
    const int n_experts = std::max(r.model.n_experts, 1);
    if (a.json) {
        nlohmann::ordered_json j = moe::run_to_json(r, false);
        if (a.load_over_position)
            j["load_over_position"] = load_over_position_json(r.routing, n_experts, size_t(a.window));
        if (a.experts_for) j["experts_for"] = expert_tokens_json(r.routing, n_experts, size_t(a.top_tokens), 2, {});
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    const moe::RunSettings& s = r.settings;
    fmt::print("run           {} ({}, {}{})\n", r.id, moe::run_kind_name(r.kind), moe::run_status_name(r.status),
        r.stop_reason.empty() ? "" : ", stop: " + r.stop_reason);
    fmt::print("created       {}\n", r.created_at);
    fmt::print("model         {} ({}, {}, hash {})\n", r.model.name, r.model.file_name,
        moe::format_bytes(double(r.model.file_size)), r.model.content_hash);
    fmt::print("              {}, {} layers, {} experts, top-{}; {}\n", r.model.arch, r.model.n_layers,
        r.model.n_experts, r.model.n_experts_used, r.model.quant_mix);
    fmt::print("parameters    {} total, {} active\n", r.model.total_params, r.model.active_params);
    fmt::print("hardware      {} ({} threads, {} RAM)\n", r.hardware.cpu_model, r.hardware.cpu_threads,
        moe::format_bytes(double(r.hardware.ram_bytes)));
    if (!r.hardware.gpu_name.empty()) {
        fmt::print("gpu           {} ({}, driver {}, CUDA {})\n", r.hardware.gpu_name,
            moe::format_bytes(double(r.hardware.gpu_memory_bytes)), r.hardware.gpu_driver, r.hardware.cuda_version);
    }
    fmt::print("build         {} ({})\n", r.build.version, r.build.git_revision);
    fmt::print("backend       {}, {} threads, batch {}, context {}\n", r.backend, s.n_threads, s.n_batch, s.n_ctx);
    fmt::print("experts       {} per token{}{}\n", s.experts_used,
        s.top_k_override ? fmt::format(" (--top-k {})", s.top_k_override) : std::string(" (the model's)"),
        s.routing_policy.empty() ? std::string() : fmt::format(", routing policy {}", s.routing_policy));
    fmt::print(
        "sampling      temperature {:g}, top-k {}, top-p {:g}, min-p {:g}, repeat penalty {:g} over {}, seed {}\n",
        s.temperature, s.top_k, s.top_p, s.min_p, s.repeat_penalty, s.repeat_last_n, s.seed);
    fmt::print("prompt        {}\n", r.prompt_text.empty() ? ids_text(r.prompt_ids, 32) : clip(r.prompt_text, 200));
    fmt::print("output        {}\n", r.output_text.empty() ? ids_text(r.output_ids, 32) : clip(r.output_text, 200));
    fmt::print("timings       ttft {:.1f} ms, prefill {:.1f} ms ({:.1f} tok/s), decode {:.1f} tok/s, p50 {:.2f} ms, "
               "p99 {:.2f} ms\n",
        r.ttft_ms, r.prefill_ms, r.prefill_tokens_per_s, r.decode_tokens_per_s, r.p50_ms, r.p99_ms);
    const auto figures = moe::figure_rows(r.figures);
    if (!figures.empty()) fmt::print("figures\n");
    for (const auto& [label, value] : figures)
        fmt::print("  {:<30} {}\n", label, value);
    if (!r.notes.empty()) fmt::print("notes         {}\n", r.notes);
    fmt::print(
        "routing       {} tokens x {} MoE layers x top-{}\n", r.routing.size(), r.routing.n_layers(), r.routing.k());
    const std::vector<moe::StoredLayerBalance> bal = store.layer_balances(r.id);
    if (!bal.empty()) {
        fmt::print("layer  imbalance  efficiency     cv  entropy  coverage  stability\n");
        for (const moe::StoredLayerBalance& b : bal) {
            fmt::print("{:>5}  {:>9.2f}  {:>10.2f}  {:>5.2f}  {:>7.2f}  {:>8.2f}  {:>9.2f}\n", b.layer,
                b.balance.imbalance, b.balance.efficiency, b.balance.cv, b.balance.entropy, b.balance.coverage,
                b.balance.stability);
        }
    }
    if (a.load_over_position && r.routing.size() > 0) print_load_over_position(r.routing, n_experts, size_t(a.window));
    if (a.experts_for && r.routing.size() > 0) print_expert_tokens(r.routing, n_experts, size_t(a.top_tokens), 2, {});
    return 0;
}

// ---- delete ------------------------------------------------------------------

int cmd_delete(const RunsArgs& a) {
    moe::RunStore store = open_store(a, true);
    // Every id is checked before anything is deleted: a typo among them
    // must not leave the store half changed.
    std::vector<int64_t> present;
    std::vector<int64_t> present_sweeps;
    for (const moe::RunSummary& s : store.list())
        present.push_back(s.id);
    for (const moe::SweepSummary& s : store.list_sweeps())
        present_sweeps.push_back(s.id);
    std::vector<std::string> missing;
    for (int64_t id : a.ids) {
        if (std::find(present.begin(), present.end(), id) == present.end()) missing.push_back(std::to_string(id));
    }
    for (int64_t id : a.sweep_ids) {
        if (std::find(present_sweeps.begin(), present_sweeps.end(), id) == present_sweeps.end())
            missing.push_back(fmt::format("s{}", id));
    }
    if (!missing.empty()) {
        spdlog::error("there is no run {} in {}; nothing was deleted", fmt::join(missing, ", "), store.path());
        return 1;
    }
    for (int64_t id : a.ids) {
        if (store.remove(id)) fmt::print("deleted run {}\n", id);
    }
    for (int64_t id : a.sweep_ids) {
        if (store.remove_sweep(id)) fmt::print("deleted sweep s{} (its runs stay)\n", id);
    }
    return 0;
}

// ---- export ------------------------------------------------------------------

int cmd_export(const RunsArgs& a) {
    moe::RunStore store = open_store(a, false);
    if (!a.sweep_ids.empty() && !a.ids.empty())
        throw moe::Error("export sweeps (sN) and runs separately: their tables differ");
    std::vector<moe::RunRecord> runs;
    for (int64_t id : a.ids)
        runs.push_back(store.load(id));
    std::vector<moe::SweepResult> sweeps;
    for (int64_t id : a.sweep_ids)
        sweeps.push_back(store.load_sweep(id));
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!a.output.empty()) {
        file.open(a.output, std::ios::binary | std::ios::trunc);
        if (!file) throw moe::Error(fmt::format("cannot write {}", a.output));
        out = &file;
    }
    if (!sweeps.empty()) {
        // one sweep: its points as `sweep --csv/--json-file` writes them; several: one after the other
        if (a.format == "csv") {
            for (const moe::SweepResult& w : sweeps)
                *out << (sweeps.size() > 1 ? fmt::format("# sweep s{}\n", w.id) : std::string())
                     << moe::sweep_to_csv(w);
        } else {
            json j = json::array();
            for (const moe::SweepResult& w : sweeps)
                j.push_back(moe::sweep_to_json(w));
            *out << (sweeps.size() == 1 ? j[0] : json { { "sweeps", j } }).dump() << "\n";
        }
    } else if (a.format == "csv") {
        moe::CsvTable t = moe::CsvTable::tokens;
        moe::csv_table_from_name(a.table, &t);
        moe::write_csv(*out, runs, t);
    } else {
        *out << moe::runs_to_json(runs, !a.no_routing).dump() << "\n";
    }
    out->flush();
    if (!*out)
        throw moe::Error(fmt::format("writing {} failed (disk full?)", a.output.empty() ? "the export" : a.output));
    if (!a.output.empty()) {
        const size_t n = runs.size() + sweeps.size();
        spdlog::info("wrote {} {}{} to {}", n, sweeps.empty() ? "run" : "sweep", n == 1 ? "" : "s", a.output);
    }
    return 0;
}

int cmd_import(const RunsArgs& a) {
    std::vector<moe::RunRecord> runs;
    for (const std::string& f : a.files) {
        std::ifstream in(f, std::ios::binary);
        const json doc = json::parse(in, nullptr, false);
        if (doc.is_discarded()) throw moe::Error(fmt::format("{} is not JSON", f));
        const json& list = doc.contains("runs") ? doc["runs"] : doc;
        if (!list.is_array()) throw moe::Error(fmt::format("{} holds no runs (expected {{\"runs\": [...]}})", f));
        for (const json& r : list) {
            try {
                runs.push_back(moe::run_from_json(r));
            } catch (const moe::Error& e) {
                throw moe::Error(fmt::format("{}: {}", f, e.what()));
            }
        }
    }
    if (runs.empty()) {
        fmt::print(
            "{} {} no runs; nothing imported\n", fmt::join(a.files, ", "), a.files.size() == 1 ? "holds" : "hold");
        return 0;
    }
    moe::RunStore store = open_store(a, true);
    // A run already in the store (the same file imported twice, or a kept
    // run imported again) is recognised by its content: everything but its
    // id and routing trace, compared with the stored runs made at the same
    // time of the same model.
    auto content = [](const moe::RunRecord& r) {
        json j = moe::run_to_json(r, false);
        j.erase("id");
        return j.dump();
    };
    const std::vector<moe::RunSummary> stored = store.list();
    int skipped = 0;
    for (const moe::RunRecord& r : runs) {
        std::optional<int64_t> same;
        const std::string key = content(r);
        for (const moe::RunSummary& s : stored) {
            if (same || s.created_at != r.created_at || s.model_hash != r.model.content_hash) continue;
            if (content(store.load(s.id)) == key) same = s.id;
        }
        if (same) {
            fmt::print("run {} is already in the store as run {}; skipped\n", r.id, *same);
            ++skipped;
            continue;
        }
        const int64_t id = store.save(r);
        fmt::print("imported run {} as run {}\n", r.id, id);
    }
    if (skipped) fmt::print("{} of {} runs were already in the store\n", skipped, runs.size());
    return 0;
}

int cmd_check(const RunsArgs& a) {
    moe::RunStore store = open_store(a, false);
    const std::vector<std::string> problems = store.integrity_check();
    if (problems.empty()) {
        fmt::print("{}: ok (schema {}, {} runs)\n", store.path(), store.schema_version(), store.list().size());
        return 0;
    }
    for (const std::string& p : problems)
        fmt::print("{}: {}\n", store.path(), p);
    return 1;
}

} // namespace

namespace {

// "12" is run 12, "s3" sweep 3; a sweep given to compare stands for its score runs.
RunsArgs with_ids(const RunsArgs& given) {
    RunsArgs a = given;
    a.ids.clear();
    a.sweep_ids.clear();
    for (const std::string& s : a.id_args) {
        const bool sweep = !s.empty() && (s[0] == 's' || s[0] == 'S');
        const std::string digits = sweep ? s.substr(1) : s;
        int64_t id = 0;
        const bool ok = !digits.empty() && digits.size() < 19
            && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (ok) id = std::stoll(digits);
        if (!ok || id <= 0) throw moe::Error(fmt::format("'{}' is not a run id (a number) or a sweep id (sN)", s));
        (sweep ? a.sweep_ids : a.ids).push_back(id);
    }
    if (*a.cmp && !a.sweep_ids.empty()) {
        moe::RunStore store = open_store(a, false);
        for (int64_t sid : a.sweep_ids) {
            for (const moe::SweepPoint& p : store.load_sweep(sid).points) {
                if (p.run_id > 0) a.ids.push_back(p.run_id);
            }
        }
        a.sweep_ids.clear();
    }
    if (*a.cmp && a.ids.size() < 2) throw moe::Error("compare takes two or more runs (or a sweep with two or more)");
    if (*a.show && a.ids.size() + a.sweep_ids.size() != 1) throw moe::Error("show takes one id");
    return a;
}

} // namespace

int run_runs_command(const RunsArgs& given) {
    const RunsArgs a = *given.list || *given.imp || *given.check ? given : with_ids(given);
    if (*a.list) return cmd_list(a);
    if (*a.show) return cmd_show(a);
    if (*a.del) return cmd_delete(a);
    if (*a.exp) return cmd_export(a);
    if (*a.cmp) return runs::compare(a);
    if (*a.imp) return cmd_import(a);
    if (*a.check) return cmd_check(a);
    return 0;
}

Command runs_command(CLI::App& app) {
    auto a = std::make_shared<RunsArgs>();
    add_runs_command(app, *a);
    return { a->runs, [a] { return run_runs_command(*a); } };
}
