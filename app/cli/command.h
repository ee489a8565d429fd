#pragma once
// One moe-cli command: its CLI11 subcommand and what runs when it is chosen.
// Each command lives in its own *_cmd.cpp, parses its options there and
// prints; the work itself is the engine's run API (engine/run).
#include <CLI/CLI.hpp>

#include <functional>

struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run; // the exit status; throws moe::Error, which main prints
};

Command info_command(CLI::App& app);
Command generate_command(CLI::App& app);
Command score_command(CLI::App& app);
Command tokenize_command(CLI::App& app);
Command chat_command(CLI::App& app);
Command make_model_command(CLI::App& app);
Command bench_command(CLI::App& app);
Command runs_command(CLI::App& app);
Command selftest_command(CLI::App& app);
Command check_command(CLI::App& app);
Command sweep_command(CLI::App& app);
Command experts_command(CLI::App& app);
Command whatif_command(CLI::App& app);
Command offload_plan_command(CLI::App& app);
