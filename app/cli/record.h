#pragma once
// Recording moe-cli runs in the run store: the --db and --no-record options
// of generate, score, bench and chat, a RunRecord built from what a command
// ran, and a save that never gets in the way of generation (a store that is
// locked, read-only, damaged or on a full disk costs a warning, and the run
// is kept as JSON in the temp folder to import later).
#include "model/model.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "store/run.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct RecordOptions {
    std::string db;               // empty: the default store (RunStore::default_path())
    bool no_record = false;
    int busy_timeout_ms = 5000;
};

// Adds --db PATH and --no-record to a command.
void add_record_options(CLI::App* cmd, RecordOptions& o);

// How a command ran its model, beyond what the backend reports.
struct RunContext {
    int n_threads = 0;            // as asked (0: all hardware threads)
    int n_batch = 0;
    int top_k_override = 0;       // --top-k (0: the model's own)
};

// Everything a run holds that does not depend on its kind: model identity,
// hardware, build, backend and the run settings. Prompt, results and the
// trace are for the caller (or the make_* helpers below) to fill.
moe::RunRecord make_record(moe::RunKind kind, const moe::Model& model, const moe::Backend& backend,
                           const RunContext& ctx);

// A generate run or a chat turn. The trace is taken by value: move it in.
moe::RunRecord make_generate_record(moe::RunKind kind, const moe::Model& model, const moe::Backend& backend,
                                    const RunContext& ctx, const moe::GenerateOptions& go,
                                    std::span<const int32_t> prompt, const moe::GenerateResult& result,
                                    moe::RoutingTrace trace, std::string prompt_text = {},
                                    std::string output_text = {});

// A score run: the tokens are the prompt; perplexity, mean NLL and the
// per-token NLL go into the figures.
moe::RunRecord make_score_record(const moe::Model& model, const moe::Backend& backend, const RunContext& ctx,
                                 std::span<const int32_t> tokens, const moe::ScoreResult& result,
                                 moe::RoutingTrace trace);

// A bench run: figures_json is the command's own JSON result; the last
// repetition's prompt, result and trace make the rest of the record.
moe::RunRecord make_bench_record(const moe::Model& model, const moe::Backend& backend, const RunContext& ctx,
                                 const std::string& figures_json, std::span<const int32_t> prompt,
                                 const moe::GenerateResult& last, moe::RoutingTrace trace);

// Saves the run unless --no-record. Never throws: on any failure it warns
// that the run was not saved and why, and writes the run as JSON to
// $TMPDIR/moe-workbench-unsaved/ (`moe-cli runs import FILE` adds it later).
// Returns the run id when saved.
std::optional<int64_t> save_or_keep(const RecordOptions& o, const moe::RunRecord& rec) noexcept;

// Where a run that could not be saved is kept; the folder is created.
std::string keep_run_as_json(const moe::RunRecord& rec);
