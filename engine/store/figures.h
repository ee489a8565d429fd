#pragma once
// The figures a run produced beyond its timings, typed: bandwidth for runs
// that decoded, perplexity for scores, the benchmark table for bench runs.
// Stored in their own columns (schema 2), exported under "figures" with the
// keys below, and shown by `moe-cli runs show/compare` and the window alike.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace moe {

struct MeanSd {
    double mean = 0.0;
    double sd = 0.0;
};

// `moe-cli bench`: repetitions of a random prompt, then greedy decoding.
struct BenchFigures {
    int32_t n_prompt = 0;
    int32_t n_gen = 0; // tokens asked for
    int32_t n_gen_done = 0; // decode steps the last repetition made (the context may stop it early)
    int32_t repetitions = 0;
    MeanSd prompt_tokens_per_s;
    MeanSd gen_tokens_per_s;
    MeanSd ttft_ms;
};

struct RunFigures {
    double weight_bytes_per_token = 0.0; // per decode step: dense part + experts routed to; 0: no decode step
    double achieved_gb_per_s = 0.0; // weight_bytes_per_token x decode tokens/s
    double kv_cache_bytes_per_token = 0.0; // KV cache read per decode step (not counted in GB/s)
    double memory_bandwidth_gb_per_s = 0.0; // the device's measured read bandwidth (0: not measured)
    double experts_per_token = 0.0; // mean experts a token used per MoE layer, from the trace (0: not known)
    std::optional<double> perplexity; // score runs
    std::optional<double> mean_nll;
    std::vector<double> nll; // score runs: nll[i] of token i+1
    std::optional<BenchFigures> bench;
    // energy and cost (run/run_energy.h): empty where the hardware reports no energy, with the reason
    std::optional<double> energy_joules; // the whole run, prompt and decode
    std::optional<double> joules_per_token; // energy_joules / tokens processed (prompt + generated)
    std::string energy_source; // "RAPL", "NVML", "RAPL + NVML"
    std::string energy_note; // what was not counted, and why ("RAPL: ... is not readable")
    std::optional<double> price_per_hour; // USD per hour the user set for the run's machine
    std::optional<double> cost_per_mtok; // USD per million generated tokens at the decode speed

    // achieved / measured bandwidth, 0 when either is unknown
    double bandwidth_share() const {
        return memory_bandwidth_gb_per_s > 0 ? achieved_gb_per_s / memory_bandwidth_gb_per_s : 0.0;
    }
    bool empty() const {
        return weight_bytes_per_token == 0 && memory_bandwidth_gb_per_s == 0 && !perplexity && !bench && !energy_joules
            && energy_note.empty() && !price_per_hour;
    }
};

// {"weight_bytes_per_token": ..., "perplexity": ..., "gen_tokens_per_s": {"mean", "sd"}, ...}: null for empty figures.
nlohmann::ordered_json figures_to_json(const RunFigures& f);
// Reads what figures_to_json wrote, and the untyped figures of runs exported
// before schema 2 (same keys); unknown keys are ignored. Throws moe::Error
// naming a key of the wrong type.
RunFigures figures_from_json(const nlohmann::ordered_json& j);

// Label and value of every figure present, in a fixed order, for tables
// ("perplexity", "7.51"): what `runs show`, `runs compare` and the window print.
std::vector<std::pair<std::string, std::string>> figure_rows(const RunFigures& f);

} // namespace moe
