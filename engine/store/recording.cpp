#include "store/recording.h"

#include "runtime/cuda_hook.h"
#include "telemetry/metrics.h"
#include "telemetry/routing_stats.h"

#include <fmt/format.h>

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
    r.settings.routing_policy = ctx.routing_policy;
    r.figures.memory_bandwidth_gb_per_s = ctx.memory_bandwidth_gb_per_s;
    return r;
}

double decode_weight_bytes_per_token(const Model& model, const RoutingTrace& trace, size_t n_prompt) {
    if (trace.size() <= n_prompt) return 0.0;
    const size_t n = trace.size() - n_prompt;
    if (!model.config().is_moe || trace.n_layers() == 0) return double(model.stats().active_weight_bytes);
    double bytes = 0.0;
    for (size_t i = n_prompt; i < trace.size(); ++i)
        bytes += double(model.weight_bytes_read(trace.ids(i, 0), trace.n_layers(), trace.k()));
    return bytes / double(n);
}

double decode_kv_bytes_per_token(const Model& model, size_t n_past, size_t n_decode) {
    if (n_decode == 0) return 0.0;
    double kv = 0.0;
    for (size_t i = 0; i < n_decode; ++i)
        kv += double(model.kv_cache_bytes(int(n_past + i + 1)));
    return kv / double(n_decode);
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

RunRecord make_generate_record(RunKind kind, const Model& model, const Backend& backend, const RunContext& ctx,
    const GenerateOptions& go, std::span<const int32_t> prompt, const GenerateResult& result, RoutingTrace trace,
    std::string prompt_text, std::string output_text, size_t n_past) {
    RunRecord r = make_record(kind, model, backend, ctx);
    fill_sampler(r.settings, go.sampler);
    r.settings.n_predict = go.n_predict;
    r.prompt_ids.assign(prompt.begin(), prompt.end());
    r.prompt_text = std::move(prompt_text);
    r.output_text = std::move(output_text);
    fill_timings(r, result, prompt.size());
    // The trace holds the prompt's frames, then one per decode step.
    const size_t n_decode = trace.size() > prompt.size() ? trace.size() - prompt.size() : 0;
    r.figures.weight_bytes_per_token = decode_weight_bytes_per_token(model, trace, prompt.size());
    r.figures.achieved_gb_per_s = r.figures.weight_bytes_per_token * r.decode_tokens_per_s / 1e9;
    r.figures.kv_cache_bytes_per_token = decode_kv_bytes_per_token(model, n_past + prompt.size(), n_decode);
    r.figures.experts_per_token = mean_experts_per_token(trace);
    r.routing = std::move(trace);
    return r;
}

RunRecord make_score_record(const Model& model, const Backend& backend, const RunContext& ctx,
    std::span<const int32_t> tokens, const ScoreResult& result, RoutingTrace trace) {
    RunRecord r = make_record(RunKind::score, model, backend, ctx);
    r.prompt_ids.assign(tokens.begin(), tokens.end());
    r.prefill_ms = result.elapsed_ms;
    r.prefill_tokens_per_s = result.elapsed_ms > 0 ? 1000.0 * double(tokens.size()) / result.elapsed_ms : 0.0;
    r.figures.perplexity = result.perplexity;
    r.figures.mean_nll = result.mean_nll;
    r.figures.nll = result.nll;
    r.figures.experts_per_token = mean_experts_per_token(trace);
    r.routing = std::move(trace);
    if (result.cancelled) {
        // stopped by a cancel: the figures cover the tokens scored before it
        r.status = RunStatus::cancelled;
        r.stop_reason = stop_reason_name(StopReason::cancelled);
    }
    return r;
}

} // namespace moe
