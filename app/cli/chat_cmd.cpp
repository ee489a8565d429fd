// moe-cli chat MODEL [--system S] [--template NAME|FILE.json] [-n N]: one message per line on standard input;
// /clear starts over, /exit (or end of input) quits, Ctrl-C stops the reply being written.
#include "command.h"
#include "options.h"
#include "thinking.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

#include <unistd.h>

namespace {

struct ChatArgs {
    RunArgs run;
    int n_predict = 512;
    moe::SamplerOptions sampler;
    std::string system, chat_template;
    bool show_prompt = false;
    ThinkingArgs thinking;
    RecordOptions record;
};

int chat(const ChatArgs& a) {
    const auto runner = load_runner(a.run, a.chat_template);
    const moe::ModelDescription& d = runner->description();
    if (!runner->tokenizer())
        throw moe::Error(fmt::format("chat needs a model with a tokenizer: {}", runner->tokenizer_problem()));
    if (d.chat_format_reason.find("using ChatML") != std::string::npos) {
        spdlog::warn("{}", d.chat_format_reason);
    } else {
        spdlog::info("{}", d.chat_format_reason);
    }
    if (!a.system.empty()) runner->set_system_prompt(a.system);
    apply_thinking(*runner, a.thinking);
    const bool tty = isatty(STDIN_FILENO);
    if (tty)
        fmt::print(
            "chatting with {} ({}); /clear starts over, /exit quits, Ctrl-C stops a reply\n", d.name, a.run.model);
    moe::ChatTurnRequest req;
    req.options.n_predict = a.n_predict;
    req.options.sampler = a.sampler;
    moe::RunCallbacks cb;
    ReplyPrinter printer(a.thinking.hide);
    printer.set_callbacks(cb);
    bool lost = false;
    std::string line;
    while (true) {
        if (tty) {
            fmt::print("> ");
            std::fflush(stdout);
        }
        if (!std::getline(std::cin, line)) break;
        if (line == "/exit" || line == "/quit") break;
        if (line == "/clear") {
            runner->new_conversation();
            if (tty) fmt::print("(new conversation)\n");
            continue;
        }
        if (line.empty()) continue;
        if (a.show_prompt) {
            std::vector<moe::ChatMessage> msgs = runner->chat_messages();
            msgs.push_back({ "user", line });
            spdlog::info("prompt: {}",
                nlohmann::json(runner->chat_template()->render_text(msgs, true, runner->tokenizer())).dump());
        }
        req.message = line;
        moe::RunOutcome out;
        try {
            SigintCancels sigint(*runner);
            out = runner->chat_turn(req, cb);
        } catch (const moe::Error& e) {
            printer.end();
            spdlog::error("{}", e.what());
            continue;
        }
        printer.end();
        fmt::print("\n");
        const moe::RunRecord& r = out.record;
        spdlog::info("{} new prompt tokens, {} generated ({:.1f} tok/s), {} in context, stop: {}", r.prompt_ids.size(),
            r.output_ids.size(), r.decode_tokens_per_s, out.n_context, r.stop_reason);
        lost = !record_run(a.record, r) || lost;
    }
    return lost ? 1 : 0;
}

} // namespace

Command chat_command(CLI::App& app) {
    auto a = std::make_shared<ChatArgs>();
    CLI::App* cmd = app.add_subcommand("chat", "interactive chat in the model's own format (one message per line)");
    add_run_options(cmd, a->run);
    cmd->add_option("-n,--n-predict", a->n_predict, "most tokens per reply")->check(whole_number(1, INT32_MAX));
    add_sampler_options(cmd, a->sampler);
    cmd->add_option("--system", a->system, "system prompt");
    cmd->add_option("--template", a->chat_template, "chat format: a built-in name or a JSON template file");
    cmd->add_flag("--show-prompt", a->show_prompt, "log each rendered prompt, special tokens spelled out");
    add_thinking_options(cmd, a->thinking);
    add_record_options(cmd, a->record);
    return { cmd, [a] { return chat(*a); } };
}
