// moe-cli info MODEL [--json] [-c N] [--top-k K]: the model before loading it.
#include "command.h"
#include "options.h"

#include "run/description.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

Command info_command(CLI::App& app) {
    struct Args {
        std::string path;
        bool json = false;
        int ctx = 0;
        int top_k = 0;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("info", "describe a model before loading it");
    cmd->add_option("model", a->path, "GGUF model file")->required();
    cmd->add_option("-c,--ctx", a->ctx, "context length for the memory estimate")->check(whole_number(0, 1 << 30));
    cmd->add_option("--top-k", a->top_k, "experts per token for the active figures (default: the model's own)")
        ->check(whole_number(1, 65536));
    cmd->add_flag("--json", a->json, "print JSON");
    return { cmd, [a] {
                const auto model = moe::Model::load(a->path);
                if (a->top_k > model->config().n_expert) {
                    throw moe::Error(fmt::format("--top-k {} is more experts than the model's {} per layer", a->top_k,
                        model->config().n_expert));
                }
                const moe::ModelDescription d = moe::describe_model(*model, a->ctx, a->top_k);
                if (a->json) {
                    std::cout << moe::description_json(d).dump(2) << "\n";
                    return 0;
                }
                for (const auto& [label, value] : moe::description_lines(d))
                    fmt::print("{:<16}{}\n", label, value);
                return 0;
            } };
}
