#pragma once
// One run as the run store keeps it: everything that makes two runs
// comparable (model identity, hardware, build, backend, every setting) and
// everything they produced (text, token ids, timings, the routing trace).
// A plain value: the CLI and the GUI fill it after a generate, chat turn,
// score or bench, and RunStore saves and loads it whole.
#include "store/figures.h"
#include "telemetry/metrics.h"
#include "telemetry/routing.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moe {

class Model;

enum class RunKind : int32_t { generate, chat, score, bench };
enum class RunStatus : int32_t { complete, cancelled, failed };

const char* run_kind_name(RunKind k);
const char* run_status_name(RunStatus s);
// Parse the names above; false when `s` is not one of them.
bool run_kind_from_name(std::string_view s, RunKind* out);
bool run_status_from_name(std::string_view s, RunStatus* out);

struct ModelIdentity {
    std::string file_name; // base name of the GGUF file
    std::string path; // as given when the run was made
    uint64_t file_size = 0;
    std::string content_hash; // 16 hex digits, see model_content_hash()
    std::string name; // general.name or the file name
    std::string arch; // qwen3moe, olmoe, ...
    std::string quant_mix; // tensor types by share of weight bytes: "Q8_0 97.1%, F32 2.9%"
    uint64_t total_params = 0;
    uint64_t active_params = 0;
    int32_t n_layers = 0;
    int32_t n_experts = 0;
    int32_t n_experts_used = 0; // the file's own top-k
};

struct HardwareInfo {
    std::string cpu_model;
    int32_t cpu_threads = 0;
    uint64_t ram_bytes = 0;
    // GPU fields stay empty/zero when the run used no GPU.
    std::string gpu_name;
    uint64_t gpu_memory_bytes = 0;
    std::string gpu_driver;
    std::string cuda_version;
};

struct BuildInfo {
    std::string version; // MOE_VERSION of the build that made the run
    std::string git_revision;
};

struct RunSettings {
    // sampler
    float temperature = 0.0f;
    int32_t top_k = 0;
    float top_p = 1.0f;
    float min_p = 0.0f;
    float repeat_penalty = 1.0f;
    int32_t repeat_last_n = 0;
    uint64_t seed = 0;
    // run
    int32_t n_predict = 0;
    int32_t n_ctx = 0; // KV cache positions in effect
    int32_t n_threads = 0;
    int32_t n_batch = 0;
    int32_t top_k_override = 0; // experts per token asked for (0: the model's own)
    int32_t experts_used = 0; // experts per token in effect (under a policy: the most a token can take)
    std::string routing_policy; // runtime/routing_policy.h as text; "": the model's own routing
};

struct RunRecord {
    int64_t id = 0; // assigned by RunStore::save; 0 until then
    RunKind kind = RunKind::generate;
    std::string created_at; // UTC, ISO-8601 "2025-01-31T12:34:56Z"
    RunStatus status = RunStatus::complete;
    std::string stop_reason; // length, stop_token, context_full, cancelled, or empty
    std::string notes;

    ModelIdentity model;
    HardwareInfo hardware;
    BuildInfo build;
    std::string backend; // "cpu", "cuda", ...
    RunSettings settings;

    std::string prompt_text; // empty when the prompt was given as ids
    std::vector<int32_t> prompt_ids;
    std::string output_text; // the reply as generated, a reasoning model's thinking included
    std::string reasoning_text; // that thinking alone, without its markers (chat runs of reasoning models)
    std::vector<int32_t> output_ids;

    std::vector<double> token_ms; // per generated token; [0] runs from the prompt going in
    double ttft_ms = 0.0;
    double prefill_ms = 0.0;
    double prefill_tokens_per_s = 0.0;
    double decode_tokens_per_s = 0.0;
    double p50_ms = 0.0; // decode steps, see latency_summary()
    double p99_ms = 0.0;

    RoutingTrace routing; // every token processed, prompt and generated
    RunFigures figures; // bandwidth, perplexity, the bench table (store/figures.h)
};

// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now_iso8601();

// A fast content hash of a file (16 hex digits of XXH3-64). Multi-gigabyte
// models must not be read whole before every run, so it hashes the file
// size, the first 1 MiB (GGUF header and metadata live there: the tensor
// table and the key/values name everything about the model) and 64 chunks
// of 64 KiB spread evenly over the rest; files up to 5 MiB are hashed whole.
// Two files with the same hash are, for any practical purpose, the same model;
// a file edited only between sampled chunks would not be noticed.
std::string model_content_hash(const std::string& path);

// Model identity from a loaded model (hashes its file as above).
ModelIdentity model_identity(const Model& model);

// CPU model, threads and RAM of this machine (telemetry/hardware.h). The GPU
// fields are left for the CUDA backend to fill.
HardwareInfo hardware_info();

// This build's version and git revision.
BuildInfo build_info();

// Load balance of every MoE layer over the whole trace (telemetry/metrics.h),
// with E = max(n_experts, largest id + 1) so a record with an unknown model
// still gets its metrics. Empty for an empty trace or one with ids below -1
// (-1 is an entry a routing policy left unused).
std::vector<LayerBalance> routing_balance(const RoutingTrace& trace, int n_experts);

} // namespace moe
