#include "run/bench.h"

#include "error.h"
#include "run/run_energy.h"
#include "telemetry/hardware.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numeric>

namespace moe {

namespace {

MeanSd mean_sd(const std::vector<double>& v) {
    MeanSd s;
    if (v.empty()) return s;
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    double ss = 0;
    for (double x : v)
        ss += (x - s.mean) * (x - s.mean);
    s.sd = v.size() > 1 ? std::sqrt(ss / double(v.size() - 1)) : 0.0;
    return s;
}

BandwidthMeasurement measure(const Backend& backend, int threads) {
    BandwidthMeasurement m;
    std::vector<double> samples;
    if (backend.name() == "cuda") {
        m.what = "GPU device copy bandwidth";
        if (const std::optional<double> bw = cuda_copy_bandwidth()) samples.push_back(*bw);
    } else {
        const int n = threads > 0 ? threads : host_info().threads;
        m.what = fmt::format("memory read bandwidth, {} thread{}", n, n == 1 ? "" : "s");
        samples = measure_read_bandwidth_samples(n, size_t(512) << 20, 7);
    }
    if (samples.empty()) return m;
    std::sort(samples.begin(), samples.end());
    m.repetitions = int(samples.size());
    m.gb_per_s = samples.back() / 1e9;
    m.min_gb_per_s = samples.front() / 1e9;
    m.median_gb_per_s = samples[samples.size() / 2] / 1e9;
    return m;
}

} // namespace

BandwidthMeasurement device_bandwidth(const Backend& backend, int threads) {
    static std::mutex mu;
    static std::optional<BandwidthMeasurement> cpu, gpu;
    std::lock_guard<std::mutex> lock(mu);
    std::optional<BandwidthMeasurement>& slot = backend.name() == "cuda" ? gpu : cpu;
    if (!slot) slot = measure(backend, threads);
    return *slot;
}

BenchOutcome run_bench(
    Runner& runner, const BenchRequest& req, const std::function<void(int, const BenchRepetition&)>& on_repetition) {
    const Model& m = runner.model();
    const int n_ctx = runner.backend().n_ctx();
    if (req.n_prompt < 1 || req.n_gen < 1 || req.repetitions < 1) {
        throw Error("bench needs at least 1 prompt token, 1 generated token and 1 repetition");
    }
    if (req.n_prompt >= n_ctx) {
        throw Error(fmt::format("the bench prompt is {} tokens and the context is {}: a decode step needs room after "
                                "it",
            req.n_prompt, n_ctx));
    }
    BenchOutcome out;
    out.threads = runner.context().n_threads > 0 ? runner.context().n_threads : host_info().threads;
    out.bandwidth = device_bandwidth(runner.backend(), out.threads);
    if (runner.backend().name() == "cuda") out.gpu = cuda_device_info();
    runner.set_memory_bandwidth(out.bandwidth.gb_per_s);

    std::vector<double> pp, tg, ttft;
    uint64_t st = req.seed;
    for (int rep = 0; rep < req.repetitions; ++rep) {
        GenerateRequest g;
        g.prompt.ids.resize(size_t(req.n_prompt));
        for (int32_t& t : g.prompt.ids) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            t = int32_t((st >> 33) % uint64_t(m.config().n_vocab));
        }
        // +1: the last sampled token is not fed back, so n_gen decode steps need n_gen + 1 tokens
        g.options.n_predict = req.n_gen + 1;
        g.options.sampler.temperature = 0.0f;
        g.stop_at_end_of_text = false;
        RunOutcome o = runner.generate(g);
        BenchRepetition r;
        r.n_gen_done = int(o.record.token_ms.size()) - 1;
        r.prompt_tokens_per_s = o.record.prefill_tokens_per_s;
        r.gen_tokens_per_s = o.record.decode_tokens_per_s;
        r.ttft_ms = o.record.ttft_ms;
        r.weight_bytes_per_token = o.record.figures.weight_bytes_per_token;
        r.achieved_gb_per_s = o.record.figures.achieved_gb_per_s;
        if (r.n_gen_done < 1) {
            throw Error(fmt::format(
                "no token was decoded after the {}-token prompt (stop: {})", req.n_prompt, o.record.stop_reason));
        }
        pp.push_back(r.prompt_tokens_per_s);
        tg.push_back(r.gen_tokens_per_s);
        ttft.push_back(r.ttft_ms);
        out.repetitions.push_back(r);
        if (on_repetition) on_repetition(rep, r);
        out.record = std::move(o.record);
    }
    out.record.kind = RunKind::bench;
    BenchFigures b;
    b.n_prompt = req.n_prompt;
    b.n_gen = req.n_gen;
    b.n_gen_done = out.repetitions.back().n_gen_done;
    b.repetitions = req.repetitions;
    b.prompt_tokens_per_s = mean_sd(pp);
    b.gen_tokens_per_s = mean_sd(tg);
    b.ttft_ms = mean_sd(ttft);
    out.record.figures.bench = b;
    record_price(out.record, price_for_run(out.record)); // at the mean decode speed
    return out;
}

} // namespace moe
