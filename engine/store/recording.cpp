#include "store/recording.h"

#include "error.h"
#include "runtime/cuda_hook.h"
#include "store/export.h"
#include "telemetry/metrics.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace moe {

void fill_gpu_info(HardwareInfo& hw) {
    if (const std::optional<GpuInfo> g = cuda_device_info()) {
        hw.gpu_name = g->name;
        hw.gpu_memory_bytes = g->total_bytes;
        hw.gpu_driver = g->driver_name;
        hw.cuda_version = fmt::format("{}.{}", g->runtime_version / 1000, g->runtime_version % 1000 / 10);
    }
}

RunRecord make_record(RunKind kind, const Model& model, const Backend& backend, const RunContext& ctx) {
    RunRecord r;
    r.kind = kind;
    r.created_at = utc_now_iso8601();
    r.model = ctx.identity ? *ctx.identity : model_identity(model);
    r.build = build_info();
    r.backend = backend.name();
    if (ctx.hardware) {
        r.hardware = *ctx.hardware;
    } else {
        r.hardware = hardware_info();
        if (r.backend == "cuda") fill_gpu_info(r.hardware);
    }
    r.settings.n_ctx = backend.n_ctx();
    r.settings.n_threads = ctx.n_threads > 0 ? ctx.n_threads : r.hardware.cpu_threads;
    r.settings.n_batch = ctx.n_batch > 0 ? ctx.n_batch : backend.max_batch();
    r.settings.top_k_override = ctx.top_k_override;
    r.settings.experts_used = backend.top_k();
    return r;
}

namespace {

void fill_sampler(RunSettings& s, const SamplerOptions& so) {
    s.temperature = so.temperature;
    s.top_k = so.top_k;
    s.top_p = so.top_p;
    s.min_p = so.min_p;
    s.repeat_penalty = so.repeat_penalty;
    s.repeat_last_n = so.repeat_last_n;
    s.seed = so.seed;
}

void fill_timings(RunRecord& r, const GenerateResult& g, size_t n_prompt) {
    r.output_ids = g.tokens;
    r.token_ms = g.token_ms;
    r.ttft_ms = g.ttft_ms;
    r.prefill_ms = g.prefill_ms;
    r.stop_reason = stop_reason_name(g.stop);
    r.status = g.stop == StopReason::cancelled ? RunStatus::cancelled : RunStatus::complete;
    const LatencySummary s = latency_summary(g.token_ms, n_prompt, g.prefill_ms);
    r.prefill_tokens_per_s = s.prefill_tokens_per_s;
    r.decode_tokens_per_s = s.decode_tokens_per_s;
    r.p50_ms = s.p50_ms;
    r.p99_ms = s.p99_ms;
}

} // namespace

RunRecord make_generate_record(RunKind kind, const Model& model, const Backend& backend,
                                    const RunContext& ctx, const GenerateOptions& go,
                                    std::span<const int32_t> prompt, const GenerateResult& result,
                                    RoutingTrace trace, std::string prompt_text, std::string output_text) {
    RunRecord r = make_record(kind, model, backend, ctx);
    fill_sampler(r.settings, go.sampler);
    r.settings.n_predict = go.n_predict;
    r.prompt_ids.assign(prompt.begin(), prompt.end());
    r.prompt_text = std::move(prompt_text);
    r.output_text = std::move(output_text);
    fill_timings(r, result, prompt.size());
    // Weight bytes each decode step read (frames after the prompt: the dense
    // part plus the experts its token went to), and the bandwidth that makes.
    if (trace.size() > prompt.size() && trace.n_layers() > 0) {
        double bytes = 0.0;
        for (size_t i = prompt.size(); i < trace.size(); ++i)
            bytes += double(model.weight_bytes_read(trace.ids(i, 0), trace.n_layers(), trace.k()));
        const double per_token = bytes / double(trace.size() - prompt.size());
        r.figures_json = nlohmann::ordered_json{{"weight_bytes_per_token", per_token},
                                                {"achieved_gb_per_s", per_token * r.decode_tokens_per_s / 1e9}}
                             .dump();
    }
    r.routing = std::move(trace);
    return r;
}

RunRecord make_score_record(const Model& model, const Backend& backend, const RunContext& ctx,
                                 std::span<const int32_t> tokens, const ScoreResult& result,
                                 RoutingTrace trace) {
    RunRecord r = make_record(RunKind::score, model, backend, ctx);
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

RunRecord make_bench_record(const Model& model, const Backend& backend, const RunContext& ctx,
                                 const std::string& figures_json, std::span<const int32_t> prompt,
                                 const GenerateResult& last, RoutingTrace trace) {
    RunRecord r = make_record(RunKind::bench, model, backend, ctx);
    r.settings.temperature = 0.0f;  // bench decodes greedily
    r.settings.n_predict = int32_t(last.tokens.size());
    r.prompt_ids.assign(prompt.begin(), prompt.end());
    fill_timings(r, last, prompt.size());
    r.figures_json = figures_json;
    r.routing = std::move(trace);
    return r;
}

std::string keep_run_as_json(const RunRecord& rec) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "moe-workbench-unsaved";
    fs::create_directories(dir);
    std::string stamp = rec.created_at.empty() ? utc_now_iso8601() : rec.created_at;
    for (char& c : stamp) {
        if (c == ':') c = '-';
    }
    const fs::path file = dir / fmt::format("run-{}-{}.json", stamp, ::getpid());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << runs_to_json({rec}).dump() << "\n";
    out.close();
    if (!out) throw Error(fmt::format("cannot write {}", file.string()));
    return file.string();
}

} // namespace moe
