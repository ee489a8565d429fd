// moe-cli bench MODEL -p 512 -n 128 [-r 3] [--json]: prompt and decode speed, bytes per token, bandwidth share.
#include "command.h"
#include "options.h"

#include "common/units.h"
#include "run/bench.h"
#include "run/run_energy.h"
#include "store/figures.h"
#include "whatif/catalog.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

namespace {

struct BenchArgs {
    double price_per_hour = 0; // 0: the user's device file, if it names this machine
    RunArgs run;
    moe::BenchRequest request;
    RecordOptions record;
};

int bench(const BenchArgs& a) {
    const auto runner = load_runner(a.run);
    spdlog::info("measuring the device's memory bandwidth");
    moe::BenchOutcome out = moe::run_bench(*runner, a.request, [&](int i, const moe::BenchRepetition& r) {
        spdlog::info("rep {}/{}: pp {:.2f} tok/s, tg {:.2f} tok/s, {:.2f} GB/s", i + 1, a.request.repetitions,
            r.prompt_tokens_per_s, r.gen_tokens_per_s, r.achieved_gb_per_s);
    });
    moe::RunRecord& rec = out.record;
    if (a.price_per_hour > 0) moe::record_price(rec, a.price_per_hour);
    const moe::RunFigures& f = rec.figures;
    const moe::BenchFigures& b = *f.bench;
    const moe::BandwidthMeasurement& bw = out.bandwidth;
    const bool kept = record_run(a.record, rec);
    if (a.run.json) {
        nlohmann::ordered_json j
            = { { "model", a.run.model }, { "model_name", rec.model.name }, { "backend", rec.backend },
                  { "threads", out.threads }, { "cpu", rec.hardware.cpu_model }, { "top_k", rec.settings.experts_used },
                  { "memory_bandwidth",
                      { { "gb_per_s", bw.gb_per_s }, { "min_gb_per_s", bw.min_gb_per_s },
                          { "median_gb_per_s", bw.median_gb_per_s }, { "repetitions", bw.repetitions },
                          { "what", bw.what }, { "busy", bw.busy() } } } };
        const nlohmann::ordered_json figures = moe::figures_to_json(f);
        for (const auto& [key, value] : figures.items())
            j[key] = value;
        if (out.gpu) {
            const moe::GpuInfo& g = *out.gpu;
            j["gpu"] = { { "name", g.name }, { "sm_count", g.sm_count }, { "total_bytes", g.total_bytes },
                { "driver", g.driver_name }, { "cuda_driver", g.driver_version }, { "cuda_runtime", g.runtime_version },
                { "sm_clock_mhz", g.sm_clock_mhz }, { "max_sm_clock_mhz", g.max_sm_clock_mhz },
                { "mem_clock_mhz", g.mem_clock_mhz }, { "power_w", g.power_w }, { "power_limit_w", g.power_limit_w } };
        }
        std::cout << j.dump(2) << "\n";
        return kept ? 0 : 1;
    }
    fmt::print("model        {} ({})\n", rec.model.name, a.run.model);
    fmt::print("backend      {} ({} threads, {})\n", rec.backend, out.threads, rec.hardware.cpu_model);
    if (out.gpu) {
        const moe::GpuInfo& g = *out.gpu;
        fmt::print("gpu          {} ({} SMs, {}, driver {}, CUDA {}.{}, SM {} / {} MHz, {:.0f} W of {:.0f} W)\n",
            g.name, g.sm_count, moe::format_bytes(double(g.total_bytes)), g.driver_name, g.runtime_version / 1000,
            g.runtime_version % 1000 / 10, g.sm_clock_mhz, g.max_sm_clock_mhz, g.power_w, g.power_limit_w);
    }
    fmt::print("memory       {:.2f} GB/s {} (best of {}; slowest {:.2f}){}\n", bw.gb_per_s, bw.what, bw.repetitions,
        bw.min_gb_per_s, bw.busy() ? ": the machine was busy while measuring" : "");
    const std::string tg = b.n_gen_done == b.n_gen ? fmt::format("tg{}", b.n_gen) : fmt::format("tg{}*", b.n_gen_done);
    fmt::print(
        "| test   | tokens/s          | ttft ms      | weight bytes/token | achieved GB/s | share of bandwidth |\n");
    fmt::print(
        "| pp{:<4} | {:8.2f} ± {:6.2f} |              |                    |               |                    |\n",
        b.n_prompt, b.prompt_tokens_per_s.mean, b.prompt_tokens_per_s.sd);
    fmt::print("| {:<6} | {:8.2f} ± {:6.2f} | {:7.1f}      | {:>18} | {:13.2f} | {:17.1f}% |\n", tg,
        b.gen_tokens_per_s.mean, b.gen_tokens_per_s.sd, b.ttft_ms.mean, moe::format_bytes(f.weight_bytes_per_token),
        f.achieved_gb_per_s, 100.0 * f.bandwidth_share());
    if (b.n_gen_done != b.n_gen) {
        fmt::print("* the context ({} positions) stopped decoding after {} of {} tokens\n", rec.settings.n_ctx,
            b.n_gen_done, b.n_gen);
    }
    fmt::print("kv cache     {} read per generated token on average (not counted above)\n",
        moe::format_bytes(f.kv_cache_bytes_per_token));
    if (f.joules_per_token) {
        fmt::print("energy       {:.4g} J per token ({}, {:.4g} J over the last repetition){}\n", *f.joules_per_token,
            f.energy_source, f.energy_joules.value_or(0.0),
            f.energy_note.empty() ? "" : "; not counted: " + f.energy_note);
    } else {
        fmt::print("energy       - ({})\n", f.energy_note);
    }
    if (f.cost_per_mtok) {
        fmt::print("cost         {:.4g} USD per million generated tokens at {:.2f} USD per hour\n", *f.cost_per_mtok,
            f.price_per_hour.value_or(0.0));
    } else {
        fmt::print("cost         - (no price per hour for this machine: --price-per-hour, or an entry named \"{}\" "
                   "in {})\n",
            rec.backend == "cuda" && !rec.hardware.gpu_name.empty() ? rec.hardware.gpu_name : rec.hardware.cpu_model,
            moe::user_catalog_path());
    }
    return kept ? 0 : 1;
}

} // namespace

Command bench_command(CLI::App& app) {
    auto a = std::make_shared<BenchArgs>();
    CLI::App* cmd = app.add_subcommand("bench", "prompt and generation speed, bytes per token, bandwidth share");
    add_run_options(cmd, a->run);
    cmd->add_option("-p,--n-prompt", a->request.n_prompt, "prompt tokens")->check(whole_number(1, INT32_MAX));
    cmd->add_option("-n,--n-gen", a->request.n_gen, "generated tokens")->check(whole_number(1, INT32_MAX));
    cmd->add_option("-r,--repetitions", a->request.repetitions, "repetitions")->check(whole_number(1, 1000000));
    cmd->add_option("--seed", a->request.seed, "seed of the random prompt")->check(unsigned_number());
    cmd->add_option("--price-per-hour", a->price_per_hour,
           "USD per hour of this machine, for the cost per million tokens (default: your device file's entry)")
        ->check(finite_number(0));
    add_record_options(cmd, a->record);
    return { cmd, [a] { return bench(*a); } };
}
