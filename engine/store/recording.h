#pragma once
// Building run records from what ran, in one place: moe-cli, the window and
// the run API (engine/run) all store a generate, chat turn, score or bench
// alike. Saving is engine/run/recorder.h's (store, else kept as JSON).
#include "model/model.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "store/run.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace moe {

// How a run used its model, beyond what the backend reports.
struct RunContext {
    int n_threads = 0; // as asked (0: all hardware threads)
    int n_batch = 0; // 0: the backend's
    int top_k_override = 0; // experts per token asked for (0: the model's own)
    std::string routing_policy; // the routing policy in effect as text (runtime/routing_policy.h); "": the model's own
    // Model identity and hardware when already known (the run API hashes the
    // model once per load); otherwise they are worked out per record.
    std::optional<ModelIdentity> identity;
    std::optional<HardwareInfo> hardware;
    double memory_bandwidth_gb_per_s = 0.0; // the device's measured bandwidth, when known
};

// The GPU fields of `hw` from the first CUDA device (when the backend is CUDA).
void fill_gpu_info(HardwareInfo& hw);

// Everything a run holds that does not depend on its kind: model identity,
// hardware, build, backend and the run settings.
RunRecord make_record(RunKind kind, const Model& model, const Backend& backend, const RunContext& ctx);

// Weight bytes read per decode step, averaged over the frames after the
// prompt (the dense part plus the experts each token went to); 0 when the
// trace holds no decode step. A dense model reads all its active weights.
double decode_weight_bytes_per_token(const Model& model, const RoutingTrace& trace, size_t n_prompt);

// KV cache bytes a decode step reads on average (F32 keys and values of every
// earlier position), for n_decode steps after n_past positions.
double decode_kv_bytes_per_token(const Model& model, size_t n_past, size_t n_decode);

// A generate run or a chat turn (kind generate, chat or bench). The trace is
// taken by value: move it in. `n_past` is what the context held before the
// prompt (a chat turn reuses the earlier turns).
RunRecord make_generate_record(RunKind kind, const Model& model, const Backend& backend, const RunContext& ctx,
    const GenerateOptions& go, std::span<const int32_t> prompt, const GenerateResult& result, RoutingTrace trace,
    std::string prompt_text = {}, std::string output_text = {}, size_t n_past = 0);

// A score run: the tokens are the prompt; perplexity, mean NLL and the
// per-token NLL go into the figures.
RunRecord make_score_record(const Model& model, const Backend& backend, const RunContext& ctx,
    std::span<const int32_t> tokens, const ScoreResult& result, RoutingTrace trace);

} // namespace moe
