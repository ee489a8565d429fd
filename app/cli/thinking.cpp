#include "thinking.h"

#include "tokenizer/chat_template.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include <unistd.h>

void add_thinking_options(CLI::App* cmd, ThinkingArgs& t) {
    cmd->add_option("--think", t.think,
           "reasoning models: think before answering (on) or answer at once (off), "
           "where the model's template has the switch")
        ->check(CLI::IsMember({ "on", "off" }));
    cmd->add_option("--reasoning-effort", t.effort, "gpt-oss: how long to think (low, medium, high)")
        ->check(CLI::IsMember({ "low", "medium", "high" }));
    cmd->add_flag("--hide-thinking", t.hide, "show the answer only, not the model's thinking");
}

void apply_thinking(moe::Runner& runner, const ThinkingArgs& t) {
    const moe::ChatTemplate* tmpl = runner.chat_template();
    moe::ChatOptions o;
    if (!t.think.empty()) {
        if (!tmpl || !tmpl->supports_thinking_switch()) {
            spdlog::warn("--think {}: this model's chat template has no thinking switch; ignored", t.think);
        } else {
            o.thinking = t.think == "on";
        }
    }
    if (!t.effort.empty()) {
        if (!tmpl || !tmpl->supports_reasoning_effort()) {
            spdlog::warn("--reasoning-effort {}: this model's chat template does not read it; ignored", t.effort);
        } else {
            o.reasoning_effort = t.effort;
        }
    }
    runner.set_chat_options(o);
}

ReplyPrinter::ReplyPrinter(bool hide_thinking)
    : m_hide(hide_thinking)
    , m_tty(isatty(STDOUT_FILENO)) {
}

void ReplyPrinter::set_callbacks(moe::RunCallbacks& cb) {
    cb.on_text = [this](const std::string& piece, int32_t) {
        answer(piece);
        return true;
    };
    cb.on_reasoning = [this](const std::string& piece, int32_t) {
        thinking(piece);
        return true;
    };
}

void ReplyPrinter::thinking(const std::string& piece) {
    if (m_hide) return;
    if (!m_in_thinking) {
        m_in_thinking = true;
        if (m_tty) fmt::print("\x1b[2m"); // dim
    }
    if (m_tty) {
        fmt::print("{}", piece);
    } else {
        // piped: every thinking line starts with a bar, so the answer stands apart
        for (char c : piece) {
            if (m_line_start) fmt::print("│ ");
            std::fputc(c, stdout);
            m_line_start = c == '\n';
        }
    }
    std::fflush(stdout);
}

void ReplyPrinter::answer(const std::string& piece) {
    if (m_in_thinking) {
        end();
        if (!m_hide) fmt::print("\n");
    }
    fmt::print("{}", piece);
    std::fflush(stdout);
}

void ReplyPrinter::end() {
    if (m_in_thinking && m_tty && !m_hide) fmt::print("\x1b[0m");
    if (m_in_thinking && !m_tty && !m_hide && !m_line_start) fmt::print("\n");
    m_in_thinking = false;
    m_line_start = true;
    std::fflush(stdout);
}
