// moe-cli: the headless face of MoE Workbench. Each command lives in its own
// *_cmd.cpp (options and printing); the work is the engine's run API.
#include "command.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <vector>

int main(int argc, char** argv) {
    auto logger = spdlog::stderr_color_mt("moe");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%^[%l]%$ %v");
    // A file-size limit (ulimit -f) makes writes fail with EFBIG, reported as
    // a full disk, instead of killing the process without a word.
    std::signal(SIGXFSZ, SIG_IGN);

    CLI::App app { "moe-cli: run, inspect and benchmark Mixture-of-Experts GGUF models" };
    app.set_version_flag("--version", fmt::format("moe-cli {} ({})", MOE_VERSION, MOE_GIT_REVISION));
    app.require_subcommand(1);
    const std::vector<Command> commands = {
        info_command(app),
        generate_command(app),
        score_command(app),
        tokenize_command(app),
        chat_command(app),
        make_model_command(app),
        bench_command(app),
        runs_command(app),
        selftest_command(app),
        check_command(app),
        sweep_command(app),
        whatif_command(app),
        offload_plan_command(app),
        experts_command(app),
    };
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        for (const Command& c : commands) {
            if (*c.app) return c.run();
        }
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 1;
    }
    return 0;
}
