// Test helper: the `runs` command of moe-cli (app/cli/runs_cmd.cpp) on its
// own, so tst_store_cli can drive it as a user would before it is wired
// into moe-cli's main.
#include "runs_cmd.h"

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <exception>

int main(int argc, char** argv) {
    spdlog::set_default_logger(spdlog::stderr_color_mt("moe")); // as moe-cli: messages on stderr
    spdlog::set_pattern("%^[%l]%$ %v");
    CLI::App app { "runs_cli: moe-cli's runs command" };
    app.require_subcommand(1);
    RunsArgs args;
    add_runs_command(app, args);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        return run_runs_command(args);
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 1;
    }
}
