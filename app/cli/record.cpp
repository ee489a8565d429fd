#include "record.h"

#include "runtime/cuda_hook.h"

#include "store/export.h"
#include "store/store.h"
#include "telemetry/metrics.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

void add_record_options(CLI::App* cmd, RecordOptions& o) {
    cmd->add_option("--db", o.db, "run store to record into (default: $XDG_DATA_HOME/moe-workbench/runs.sqlite)");
    cmd->add_flag("--no-record", o.no_record, "do not record this run in the run store");
}

moe::RunRecord make_record(moe::RunKind kind, const moe::Model& model, const moe::Backend& backend,
                           const RunContext& ctx) {
    moe::RunRecord r;
    r.kind = kind;
    r.created_at = moe::utc_now_iso8601();
    r.model = moe::model_identity(model);
    r.hardware = moe::hardware_info();
    r.build = moe::build_info();
    r.backend = backend.name();
    if (r.backend == "cuda") {
        if (const std::optional<moe::GpuInfo> g = moe::cuda_device_info()) {
            r.hardware.gpu_name = g->name;
            r.hardware.gpu_memory_bytes = g->total_bytes;
            r.hardware.gpu_driver = g->driver_name;
            r.hardware.cuda_version = fmt::format("{}.{}", g->runtime_version / 1000, g->runtime_version % 1000 / 10);
        }
    }
    r.settings.n_ctx = backend.n_ctx();
    r.settings.n_threads = ctx.n_threads > 0 ? ctx.n_threads : r.hardware.cpu_threads;
    r.settings.n_batch = ctx.n_batch > 0 ? ctx.n_batch : backend.max_batch();
    r.settings.top_k_override = ctx.top_k_override;
    r.settings.experts_used = backend.top_k();
    return r;
}

namespace {

void fill_sampler(moe::RunSettings& s, const moe::SamplerOptions& so) {
    s.temperature = so.temperature;
    s.top_k = so.top_k;
    s.top_p = so.top_p;
    s.min_p = so.min_p;
    s.repeat_penalty = so.repeat_penalty;
    s.repeat_last_n = so.repeat_last_n;
    s.seed = so.seed;
}

void fill_timings(moe::RunRecord& r, const moe::GenerateResult& g, size_t n_prompt) {
    r.output_ids = g.tokens;
    r.token_ms = g.token_ms;
    r.ttft_ms = g.ttft_ms;
    r.prefill_ms = g.prefill_ms;
    r.stop_reason = moe::stop_reason_name(g.stop);
    r.status = g.stop == moe::StopReason::cancelled ? moe::RunStatus::cancelled : moe::RunStatus::complete;
    const moe::LatencySummary s = moe::latency_summary(g.token_ms, n_prompt, g.prefill_ms);
    r.prefill_tokens_per_s = s.prefill_tokens_per_s;
    r.decode_tokens_per_s = s.decode_tokens_per_s;
    r.p50_ms = s.p50_ms;
    r.p99_ms = s.p99_ms;
}

} // namespace

moe::RunRecord make_generate_record(moe::RunKind kind, const moe::Model& model, const moe::Backend& backend,
                                    const RunContext& ctx, const moe::GenerateOptions& go,
                                    std::span<const int32_t> prompt, const moe::GenerateResult& result,
                                    moe::RoutingTrace trace, std::string prompt_text, std::string output_text) {
    moe::RunRecord r = make_record(kind, model, backend, ctx);
    fill_sampler(r.settings, go.sampler);
    r.settings.n_predict = go.n_predict;
    r.prompt_ids.assign(prompt.begin(), prompt.end());
    r.prompt_text = std::move(prompt_text);
    r.output_text = std::move(output_text);
    fill_timings(r, result, prompt.size());
    r.routing = std::move(trace);
    return r;
}

moe::RunRecord make_score_record(const moe::Model& model, const moe::Backend& backend, const RunContext& ctx,
                                 std::span<const int32_t> tokens, const moe::ScoreResult& result,
                                 moe::RoutingTrace trace) {
    moe::RunRecord r = make_record(moe::RunKind::score, model, backend, ctx);
    r.prompt_ids.assign(tokens.begin(), tokens.end());
    r.prefill_ms = result.elapsed_ms;
    r.prefill_tokens_per_s = result.elapsed_ms > 0 ? 1000.0 * double(tokens.size()) / result.elapsed_ms : 0.0;
    r.figures_json = nlohmann::ordered_json{{"perplexity", result.perplexity},
                                            {"mean_nll", result.mean_nll},
                                            {"nll", result.nll}}
                         .dump();
    r.routing = std::move(trace);
    return r;
}

moe::RunRecord make_bench_record(const moe::Model& model, const moe::Backend& backend, const RunContext& ctx,
                                 const std::string& figures_json, std::span<const int32_t> prompt,
                                 const moe::GenerateResult& last, moe::RoutingTrace trace) {
    moe::RunRecord r = make_record(moe::RunKind::bench, model, backend, ctx);
    r.settings.temperature = 0.0f;  // bench decodes greedily
    r.settings.n_predict = int32_t(last.tokens.size());
    r.prompt_ids.assign(prompt.begin(), prompt.end());
    fill_timings(r, last, prompt.size());
    r.figures_json = figures_json;
    r.routing = std::move(trace);
    return r;
}

std::string keep_run_as_json(const moe::RunRecord& rec) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "moe-workbench-unsaved";
    fs::create_directories(dir);
    std::string stamp = rec.created_at.empty() ? moe::utc_now_iso8601() : rec.created_at;
    for (char& c : stamp) {
        if (c == ':') c = '-';
    }
    const fs::path file = dir / fmt::format("run-{}-{}.json", stamp, ::getpid());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << moe::runs_to_json({rec}).dump() << "\n";
    out.close();
    if (!out) throw moe::Error(fmt::format("cannot write {}", file.string()));
    return file.string();
}

std::optional<int64_t> save_or_keep(const RecordOptions& o, const moe::RunRecord& rec) noexcept {
    if (o.no_record) return std::nullopt;
    std::string path = o.db;
    try {
        if (path.empty()) path = moe::RunStore::default_path();
        moe::RunStoreOptions so;
        so.busy_timeout_ms = o.busy_timeout_ms;
        moe::RunStore store(path, so);
        const int64_t id = store.save(rec);
        spdlog::info("recorded as run {} in {}", id, path);
        return id;
    } catch (const std::exception& e) {
        spdlog::warn("the run was not saved: {}", e.what());
    }
    try {
        const std::string file = keep_run_as_json(rec);
        spdlog::warn("it is kept in {}; `moe-cli runs import {} [--db PATH]` adds it to a store later", file, file);
    } catch (const std::exception& e) {
        spdlog::error("the run could not be kept either: {}", e.what());
    }
    return std::nullopt;
}
