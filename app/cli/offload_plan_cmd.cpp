// moe-cli offload-plan RUN_ID --vram 16GiB [--device NAME] [--format table|json|csv]:
// which experts to keep on the GPU, four cache policies over the run's
// trace, and the plan as llama.cpp --override-tensor / --n-cpu-moe.
#include "whatif_cmd.h"

#include "command.h"
#include "options.h"

#include "common/units.h"
#include "whatif/catalog.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <memory>

namespace {

struct OffloadArgs {
    int64_t id = 0;
    std::string vram;
    std::string device;
    std::string devices_file;
    std::string model;
    std::string db;
    std::string format = "table";
    bool layers = false;
    moe::OffloadOptions opt;
    double gpu_bandwidth = 0;
    double cpu_bandwidth = 0;
    double efficiency = 0; // 0: the run's own
    int context = 0; // 0: the run's own
    std::string reserve = "512MiB";
};

int offload_plan(OffloadArgs a) {
    const moe::RunRecord run = load_stored_run(a.db, a.id);
    if (run.routing.size() == 0) throw moe::Error(fmt::format("run {} has no routing trace to plan from", a.id));
    std::string note;
    const moe::ModelFootprint fp = moe::footprint_for_run(run, a.model, &note);
    if (fp.source != "model file") spdlog::warn("{}", note);
    if (!a.device.empty()) {
        const moe::DeviceSpec& d = moe::find_device(moe::load_catalog(a.devices_file), a.device);
        a.opt.vram_bytes = uint64_t(d.memory_gb * 1e9);
        a.opt.gpu_bandwidth_gb_s = d.bandwidth_gb_s;
    }
    if (!a.vram.empty()) a.opt.vram_bytes = moe::parse_size(a.vram);
    if (a.opt.vram_bytes == 0) throw moe::Error("give the GPU memory: --vram 16GiB, or --device NAME");
    if (a.gpu_bandwidth > 0) a.opt.gpu_bandwidth_gb_s = a.gpu_bandwidth;
    a.opt.cpu_bandwidth_gb_s = a.cpu_bandwidth > 0 ? a.cpu_bandwidth : run.figures.memory_bandwidth_gb_per_s;
    if (a.opt.cpu_bandwidth_gb_s <= 0)
        throw moe::Error(fmt::format("run {} has no measured memory bandwidth: give --cpu-bandwidth GB/s", a.id));
    // the share of bandwidth the run reached on its own machine (capped at 1: a model
    // that fits in the caches reads faster than main memory), else 60 %
    a.opt.efficiency = a.efficiency > 0     ? a.efficiency
        : run.figures.bandwidth_share() > 0 ? std::min(1.0, run.figures.bandwidth_share())
                                            : 0.6;
    a.opt.context = a.context > 0 ? a.context : run.settings.n_ctx > 0 ? run.settings.n_ctx : 4096;
    a.opt.reserve_bytes = a.reserve == "0" ? 0 : moe::parse_size(a.reserve);
    const moe::OffloadPlan plan = moe::plan_offload(fp, run.routing, a.opt);
    if (a.format == "json") {
        nlohmann::ordered_json j = moe::offload_json(plan);
        j["run"] = { { "id", run.id }, { "model", run.model.name }, { "model_sizes", note } };
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    const moe::TextTable t = a.layers ? moe::offload_layer_table(plan) : moe::offload_policy_table(plan);
    if (a.format == "csv") {
        std::cout << moe::table_csv(t);
        return 0;
    }
    fmt::print("run {}: {}, {} tokens in the trace, {} MoE layers of {} experts (top-{})\n", run.id, run.model.name,
        run.routing.size(), fp.n_moe_layers(), fp.n_experts, fp.k);
    for (const auto& [label, value] : moe::offload_lines(plan))
        fmt::print("  {:<24}{}\n", label, value);
    fmt::print("\n{}", moe::table_text(t));
    return 0;
}

} // namespace

Command offload_plan_command(CLI::App& app) {
    auto a = std::make_shared<OffloadArgs>();
    CLI::App* cmd = app.add_subcommand(
        "offload-plan", "which experts to keep on the GPU for a stored run, as llama.cpp --override-tensor rules");
    cmd->add_option("run", a->id, "run id (moe-cli runs list)")->required()->check(whole_number(1, INT64_MAX));
    cmd->add_option("--vram", a->vram, "GPU memory budget: 16GiB, 24GB, 12000MiB");
    cmd->add_option("--device", a->device, "take the memory and bandwidth of a catalogue device");
    cmd->add_option("--gpu-bandwidth", a->gpu_bandwidth, "GPU memory bandwidth, GB/s (default 1008, an RTX 4090)")
        ->check(finite_number(1));
    cmd->add_option("--cpu-bandwidth", a->cpu_bandwidth, "host memory bandwidth, GB/s (default: the run's measured)")
        ->check(finite_number(0.1));
    cmd->add_option("--pcie", a->opt.pcie_gb_s, "host-to-GPU transfer rate, GB/s (default 25, PCIe 4.0 x16)")
        ->check(finite_number(0.1));
    cmd->add_option("--efficiency", a->efficiency, "share of bandwidth reached (default: the run's)")
        ->check(CLI::Range(0.01, 1.0));
    cmd->add_option("-c,--context", a->context, "KV cache positions on the GPU (default: the run's)")
        ->check(whole_number(1, 1 << 30));
    cmd->add_option("--reserve", a->reserve, "GPU memory kept for the runtime and activations (default 512MiB)");
    cmd->add_flag("--layers", a->layers, "hit rate per layer and policy instead of the summary");
    cmd->add_option("--devices-file", a->devices_file, "your device file");
    cmd->add_option("--model", a->model, "the run's model file, when it has moved");
    cmd->add_option("--format", a->format, "table, json or csv")->check(CLI::IsMember({ "table", "json", "csv" }));
    cmd->add_option("--db", a->db, "run store (default: $XDG_DATA_HOME/moe-workbench/runs.sqlite)");
    return { cmd, [a] { return offload_plan(*a); } };
}
