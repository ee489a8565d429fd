#pragma once
// `moe-cli bench` as a use case: the device's bandwidth (measured once per
// process), then repetitions of a random prompt and greedy decoding, each
// timed, with the weight bytes every decode step read; one run record with
// the bench figures.
#include "run/runner.h"
#include "runtime/cuda_hook.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace moe {

// The roofline: the GPU's device-to-device copy bandwidth or the host's
// memory read bandwidth, measured once per process (later calls return the
// first measurement) with repetitions, so two runs of a session share one
// figure and a busy machine shows as spread.
struct BandwidthMeasurement {
    double gb_per_s = 0.0; // the best repetition
    double min_gb_per_s = 0.0;
    double median_gb_per_s = 0.0;
    int repetitions = 0;
    std::string what; // "memory read bandwidth, 2 threads" or "GPU device copy bandwidth"
    // The repetitions spread more than 25 % around the best: something else
    // was using memory while it was measured.
    bool busy() const { return gb_per_s > 0 && min_gb_per_s < 0.75 * gb_per_s; }
};
BandwidthMeasurement device_bandwidth(const Backend& backend, int threads = 0);

struct BenchRequest {
    int n_prompt = 512;
    int n_gen = 128;
    int repetitions = 3;
    uint64_t seed = 1; // of the random prompt
};

struct BenchRepetition {
    double prompt_tokens_per_s = 0.0;
    double gen_tokens_per_s = 0.0;
    double ttft_ms = 0.0;
    double weight_bytes_per_token = 0.0;
    double achieved_gb_per_s = 0.0;
    int n_gen_done = 0; // decode steps made (the context may stop them early)
};

struct BenchOutcome {
    RunRecord record; // the last repetition's run, with figures.bench over all of them
    std::vector<BenchRepetition> repetitions;
    BandwidthMeasurement bandwidth;
    std::optional<GpuInfo> gpu;
    int threads = 0;
};

// Throws moe::Error for sizes that cannot run (no prompt token, a prompt
// longer than the context, no token to decode).
BenchOutcome run_bench(Runner& runner, const BenchRequest& request,
    const std::function<void(int index, const BenchRepetition&)>& on_repetition = {});

} // namespace moe
