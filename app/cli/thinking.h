#pragma once
// Reasoning models in moe-cli: --think on|off and --reasoning-effort for the
// templates that read them, and the thinking shown apart from the answer
// (dimmed on a terminal, each line prefixed "│ " when piped).
#include "run/runner.h"

#include <CLI/CLI.hpp>

#include <string>

struct ThinkingArgs {
    std::string think; // "", "on" or "off"
    std::string effort; // "", "low", "medium" or "high"
    bool hide = false; // --hide-thinking: show the answer only
};
void add_thinking_options(CLI::App* cmd, ThinkingArgs& t);

// Hands the choices to the runner; warns when the model's template does not
// read them (a built-in format, or a template without the switch).
void apply_thinking(moe::Runner& runner, const ThinkingArgs& t);

// Streams a reply to standard output: answer as it is, thinking dimmed or
// prefixed. end() closes an open thinking section.
class ReplyPrinter {
public:
    explicit ReplyPrinter(bool hide_thinking);
    void set_callbacks(moe::RunCallbacks& cb);
    void end();

private:
    bool m_hide;
    bool m_tty;
    bool m_in_thinking = false;
    bool m_line_start = true;
    void thinking(const std::string& piece);
    void answer(const std::string& piece);
};
