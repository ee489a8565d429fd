#pragma once
// Building run records from what ran: shared by moe-cli and the workbench
// window, so a chat turn in the GUI and `moe-cli generate` are stored alike.
// Saving is the caller's: RunStore::save(), or keep_run_as_json() when the
// store cannot be written.
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
    int n_threads = 0;       // as asked (0: all hardware threads)
    int n_batch = 0;         // 0: the backend's
    int top_k_override = 0;  // experts per token asked for (0: the model's own)
    // Model identity and hardware when already known (the workbench hashes
    // the model once per load); otherwise they are worked out per record.
    std::optional<ModelIdentity> identity;
    std::optional<HardwareInfo> hardware;
};

// The GPU fields of `hw` from the first CUDA device (when the backend is CUDA).
void fill_gpu_info(HardwareInfo& hw);

// Everything a run holds that does not depend on its kind: model identity,
// hardware, build, backend and the run settings.
RunRecord make_record(RunKind kind, const Model& model, const Backend& backend, const RunContext& ctx);

// A generate run or a chat turn. The trace is taken by value: move it in.
RunRecord make_generate_record(RunKind kind, const Model& model, const Backend& backend, const RunContext& ctx,
                               const GenerateOptions& go, std::span<const int32_t> prompt,
                               const GenerateResult& result, RoutingTrace trace, std::string prompt_text = {},
                               std::string output_text = {});

// A score run: the tokens are the prompt; perplexity, mean NLL and the
// per-token NLL go into the figures.
RunRecord make_score_record(const Model& model, const Backend& backend, const RunContext& ctx,
                            std::span<const int32_t> tokens, const ScoreResult& result, RoutingTrace trace);

// A bench run: figures_json is the benchmark's JSON result; the last
// repetition's prompt, result and trace make the rest of the record.
RunRecord make_bench_record(const Model& model, const Backend& backend, const RunContext& ctx,
                            const std::string& figures_json, std::span<const int32_t> prompt,
                            const GenerateResult& last, RoutingTrace trace);

// Writes a run that could not be saved as JSON to $TMPDIR/moe-workbench-unsaved/
// (`moe-cli runs import FILE` adds it to a store later) and returns the path.
// Throws moe::Error when the file cannot be written.
std::string keep_run_as_json(const RunRecord& rec);

} // namespace moe
