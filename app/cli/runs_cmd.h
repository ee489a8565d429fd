#pragma once
// `moe-cli runs`: the run store from the command line.
//   runs list [--model X] [--since DATE] [--kind K] [--json]   (runs, then sweeps)
//   runs show ID [--json] [--load-over-position [--window N]] [--experts-for [--top N]]
//   runs delete ID...
//   runs export ID... --format csv|json [--table runs|tokens|layers|routing] [-o FILE]
//   runs compare ID ID [ID...] [--json]
// A sweep (moe-cli sweep, the Experiments tab) is one record with the id sN:
// show, delete and export take it; compare takes it as its score runs.
//   runs import FILE...        (runs kept as JSON when the store could not take them)
//   runs check                 (PRAGMA integrity_check)
// Every subcommand takes --db PATH.
#include "store/store.h"
#include "store/sweep_record.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

struct RunsArgs {
    std::string db;
    int busy_timeout_ms = 5000;
    // list
    std::string model;
    std::string since;
    std::string kind;
    bool json = false;
    // show, delete, export, compare: ids as given ("12", or "s3" for a sweep),
    // read into the run ids and the sweep ids by run_runs_command
    std::vector<std::string> id_args;
    std::vector<int64_t> ids;
    std::vector<int64_t> sweep_ids;
    std::string format = "json";
    std::string table = "tokens";
    std::string output;
    bool no_routing = false;
    // show: routing statistics of the trace (telemetry/routing_stats.h)
    bool load_over_position = false;
    int window = 64;
    bool experts_for = false;
    int top_tokens = 8;
    // import
    std::vector<std::string> files;

    CLI::App* runs = nullptr;
    CLI::App* list = nullptr;
    CLI::App* show = nullptr;
    CLI::App* del = nullptr;
    CLI::App* exp = nullptr;
    CLI::App* cmp = nullptr;
    CLI::App* imp = nullptr;
    CLI::App* check = nullptr;
};

// Registers `runs` and its subcommands on app; returns the `runs` command.
CLI::App* add_runs_command(CLI::App& app, RunsArgs& a);

// Runs the chosen subcommand. Throws moe::Error (the caller prints it and exits 1).
int run_runs_command(const RunsArgs& a);

// Shared by the runs subcommands (runs_cmd.cpp, runs_compare.cpp).
namespace runs {
std::string store_path(const RunsArgs& a);
moe::RunStore open_store(const RunsArgs& a, bool write);
std::string fixed(double v, int digits = 1);
std::string clip(const std::string& s, size_t n); // at most n bytes, UTF-8 kept whole, "..." when cut
size_t width(const std::string& s); // display width of UTF-8 text (code points)
std::string pad(const std::string& s, size_t w);
int compare(const RunsArgs& a); // `runs compare`
// A sweep's points as a table (Pareto-best starred), as `sweep` and `runs show sN` print it.
void print_sweep(const moe::SweepResult& r);
} // namespace runs
