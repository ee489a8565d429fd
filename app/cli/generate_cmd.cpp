// moe-cli generate MODEL -p TEXT | -f FILE | --tokens IDS [-n N] [--chat [--system S]] [--routing] [--json]
#include "command.h"
#include "options.h"
#include "routing_print.h"
#include "thinking.h"

#include "store/export.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

namespace {

struct GenerateArgs {
    RunArgs run;
    TextInput input;
    int n_predict = 32;
    moe::SamplerOptions sampler;
    bool show_routing = false;
    bool chat = false;
    std::string system, chat_template;
    ThinkingArgs thinking;
    RecordOptions record;
};

int generate(const GenerateArgs& a) {
    if (!a.input.given()) throw moe::Error("give a prompt: -p TEXT, --text-file FILE or --tokens IDS");
    const auto runner = load_runner(a.run, a.chat_template);
    if (a.chat) {
        spdlog::info("{}", runner->description().chat_format_reason);
        apply_thinking(*runner, a.thinking);
    }
    moe::GenerateRequest req;
    req.prompt = a.input.prompt();
    req.chat = a.chat;
    req.system = a.system;
    req.options.n_predict = a.n_predict;
    req.options.sampler = a.sampler;
    // Text streams as it completes; without text (token ids in, or no tokenizer) the ids do.
    const bool text_out = runner->tokenizer() && !a.input.as_ids();
    moe::RunCallbacks cb;
    ReplyPrinter printer(a.thinking.hide);
    if (!a.run.json && text_out) {
        printer.set_callbacks(cb);
    } else if (!a.run.json) {
        cb.on_token = [](int32_t id) {
            fmt::print("{} ", id);
            std::fflush(stdout);
            return true;
        };
    }
    moe::RunOutcome out;
    {
        SigintCancels sigint(*runner);
        out = runner->generate(req, cb);
    }
    printer.end();
    const moe::RunRecord& r = out.record;
    if (a.run.json) {
        nlohmann::ordered_json j
            = { { "model", a.run.model }, { "backend", r.backend }, { "top_k", r.settings.experts_used },
                  { "prompt", r.prompt_ids }, { "tokens", r.output_ids }, { "stop", r.stop_reason },
                  { "timings",
                      { { "prefill_ms", r.prefill_ms }, { "ttft_ms", r.ttft_ms },
                          { "prefill_tokens_per_s", r.prefill_tokens_per_s },
                          { "decode_tokens_per_s", r.decode_tokens_per_s }, { "token_ms", r.token_ms } } },
                  { "figures", moe::figures_to_json(r.figures) }, { "routing", routing_json(r.routing) },
                  { "balance", moe::balance_json(r.routing, runner->model().config().n_expert) } };
        if (runner->tokenizer()) {
            j["prompt_text"] = runner->tokenizer()->decode(r.prompt_ids, true);
            j["text"] = r.output_text;
        }
        std::cout << j.dump() << "\n";
    } else {
        fmt::print("\n");
        if (a.show_routing && r.routing.size() > 0) {
            print_routing(r.routing);
            print_balance(r.routing, runner->model().config().n_expert);
        }
        spdlog::info("{} prompt tokens at {:.1f} tok/s, {} generated at {:.1f} tok/s, stop: {}", r.prompt_ids.size(),
            r.prefill_tokens_per_s, r.output_ids.size(), r.decode_tokens_per_s, r.stop_reason);
    }
    return record_run(a.record, r) ? 0 : 1;
}

} // namespace

Command generate_command(CLI::App& app) {
    auto a = std::make_shared<GenerateArgs>();
    CLI::App* cmd = app.add_subcommand("generate", "continue a prompt (text or token ids), streaming the reply");
    add_run_options(cmd, a->run);
    add_text_options(cmd, a->input, "the prompt");
    cmd->add_option("-n,--n-predict", a->n_predict, "tokens to generate")->check(whole_number(0, INT32_MAX));
    add_sampler_options(cmd, a->sampler);
    cmd->add_flag("--routing", a->show_routing, "print the experts every token was routed to");
    cmd->add_flag("--chat", a->chat, "send the prompt as a user message in the model's chat format");
    cmd->add_option("--system", a->system, "system prompt (with --chat)");
    cmd->add_option("--template", a->chat_template, "chat format: a built-in name or a JSON template file");
    add_thinking_options(cmd, a->thinking);
    add_record_options(cmd, a->record);
    return { cmd, [a] { return generate(*a); } };
}
