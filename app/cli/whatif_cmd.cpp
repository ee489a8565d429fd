// moe-cli whatif RUN_ID [--device NAME...] [--efficiency F] [--format table|json|csv]:
// a stored run projected onto the devices of the catalogue (engine/whatif).
#include "whatif_cmd.h"

#include "command.h"
#include "options.h"

#include "store/store.h"
#include "whatif/catalog.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

moe::RunRecord load_stored_run(const std::string& db, int64_t id) {
    moe::RunStoreOptions o;
    o.read_only = true;
    moe::RunStore store(db.empty() ? moe::RunStore::default_path() : db, o);
    return store.load(id);
}

namespace {

struct WhatifArgs {
    int64_t id = 0;
    std::vector<std::string> devices;
    std::string devices_file;
    std::string model;
    std::string db;
    std::string format = "table";
    moe::ProjectionOptions opt;
    bool list = false;
};

int whatif(const WhatifArgs& a) {
    const std::vector<moe::DeviceSpec> catalog = moe::load_catalog(a.devices_file);
    const moe::RunRecord run = load_stored_run(a.db, a.id);
    std::string note;
    const moe::ModelFootprint fp = moe::footprint_for_run(run, a.model, &note);
    if (fp.source != "model file") spdlog::warn("{}", note);
    const moe::RunBasis basis = moe::run_basis(run, fp, a.opt);
    if (basis.efficiency <= 0 && a.opt.efficiency <= 0)
        throw moe::Error(fmt::format("run {}: {}", a.id, basis.efficiency_note));
    std::vector<moe::DeviceProjection> ps;
    if (a.devices.empty()) {
        for (const moe::DeviceSpec& d : catalog)
            ps.push_back(moe::project(basis, d, a.opt));
    } else {
        for (const std::string& name : a.devices)
            ps.push_back(moe::project(basis, moe::find_device(catalog, name), a.opt));
    }
    if (a.format == "json") {
        nlohmann::ordered_json j = moe::whatif_json(basis, ps, a.opt);
        j["run"] = { { "id", run.id }, { "model", run.model.name }, { "backend", run.backend },
            { "cpu", run.hardware.cpu_model } };
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    const moe::TextTable t = moe::whatif_table(ps, a.opt);
    if (a.format == "csv") {
        std::cout << moe::table_csv(t);
        return 0;
    }
    fmt::print("run {}: {} on {} ({}), {:.2f} tokens/s\n", run.id, run.model.name, run.backend, run.hardware.cpu_model,
        run.decode_tokens_per_s);
    for (const auto& [label, value] : moe::basis_lines(basis, a.opt))
        fmt::print("  {:<34}{}\n", label, value);
    fmt::print("\n{}", moe::table_text(t));
    fmt::print("\ndecode tok/s: batch 1 at the run's efficiency; dense: a dense model of the same total size; "
               "compute-bound batch: where a decode step's FLOPs take as long as its weight reads; "
               "$/Mtok at the catalogue's price per device-hour; J/token at board power (an upper bound)\n");
    return 0;
}

} // namespace

Command whatif_command(CLI::App& app) {
    auto a = std::make_shared<WhatifArgs>();
    CLI::App* cmd = app.add_subcommand("whatif", "project a stored run onto other hardware: speed, fit, cost");
    cmd->add_option("run", a->id, "run id (moe-cli runs list)")->required()->check(whole_number(1, INT64_MAX));
    cmd->add_option("--device", a->devices, "catalogue devices (default: all); a unique prefix will do");
    cmd->add_option("--efficiency", a->opt.efficiency, "also project at this share of each device's bandwidth (0-1)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--compute-efficiency", a->opt.compute_efficiency,
           "share of peak tensor throughput in prefill and large batches (0-1)")
        ->check(CLI::Range(0.01, 1.0));
    cmd->add_option("--precision", a->opt.precision, "tensor throughput to use: bf16, fp8 or fp4")
        ->check(CLI::IsMember({ "bf16", "fp8", "fp4" }));
    cmd->add_option("-c,--context", a->opt.context, "KV cache positions to fit (default: the run's)")
        ->check(whole_number(1, 1 << 30));
    cmd->add_option("--devices-file", a->devices_file,
        "your device file (default: ~/.config/moe-workbench/devices.json when it exists)");
    cmd->add_option("--model", a->model, "the run's model file, when it has moved");
    cmd->add_option("--format", a->format, "table, json or csv")->check(CLI::IsMember({ "table", "json", "csv" }));
    cmd->add_option("--db", a->db, "run store (default: $XDG_DATA_HOME/moe-workbench/runs.sqlite)");
    return { cmd, [a] { return whatif(*a); } };
}
