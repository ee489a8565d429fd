#include "tokenizer/reasoning.h"

#include <algorithm>

namespace moe {

namespace {

constexpr std::string_view k_open = "<think>";
constexpr std::string_view k_close = "</think>";

bool ends_with(std::string_view s, std::string_view what) {
    return s.size() >= what.size() && s.substr(s.size() - what.size()) == what;
}

// Length of the longest tail of s that is a proper prefix of marker.
size_t partial_tail(std::string_view s, std::string_view marker) {
    for (size_t n = std::min(s.size(), marker.size() - 1); n > 0; --n) {
        if (marker.substr(0, n) == s.substr(s.size() - n)) return n;
    }
    return 0;
}

} // namespace

ReasoningFormat reasoning_format_of(std::string_view src) {
    if (src.find("<|channel|>") != std::string_view::npos) return ReasoningFormat::harmony;
    if (src.find(k_close) != std::string_view::npos) return ReasoningFormat::think_tags;
    return ReasoningFormat::none;
}

const char* reasoning_format_name(ReasoningFormat f) {
    switch (f) {
    case ReasoningFormat::think_tags:
        return "<think> tags";
    case ReasoningFormat::harmony:
        return "harmony channels";
    case ReasoningFormat::none:
        break;
    }
    return "none";
}

ReasoningSplitter::ReasoningSplitter(ReasoningFormat format, std::string_view prompt)
    : m_format(format) {
    if (format == ReasoningFormat::think_tags) {
        const size_t end = prompt.find_last_not_of(" \t\r\n");
        m_reasoning = end != std::string_view::npos && ends_with(prompt.substr(0, end + 1), k_open);
    }
}

void ReasoningSplitter::emit(std::vector<TextPiece>& out, std::string_view text, bool reasoning) {
    if (text.empty()) return;
    (reasoning ? m_thinking : m_answer) += text;
    if (!out.empty() && out.back().reasoning == reasoning) {
        out.back().text += text;
    } else {
        out.push_back({ std::string(text), reasoning });
    }
}

void ReasoningSplitter::push_tags(std::vector<TextPiece>& out, std::string_view text) {
    m_held += text;
    while (true) {
        const std::string_view marker = m_reasoning ? k_close : k_open;
        const size_t at = m_held.find(marker);
        if (at == std::string::npos) break;
        emit(out, std::string_view(m_held).substr(0, at), m_reasoning);
        m_held.erase(0, at + marker.size());
        m_reasoning = !m_reasoning;
    }
    const size_t keep = partial_tail(m_held, m_reasoning ? k_close : k_open);
    emit(out, std::string_view(m_held).substr(0, m_held.size() - keep), m_reasoning);
    m_held.erase(0, m_held.size() - keep);
}

std::vector<TextPiece> ReasoningSplitter::push(std::string_view token_text, bool control, std::string_view shown) {
    std::vector<TextPiece> out;
    switch (m_format) {
    case ReasoningFormat::none:
        emit(out, shown, false);
        break;
    case ReasoningFormat::think_tags:
        // a <think> that is a control token shows nothing: its vocabulary text counts
        push_tags(out, control && (token_text == k_open || token_text == k_close) ? token_text : shown);
        break;
    case ReasoningFormat::harmony:
        if (control) {
            if (token_text == "<|channel|>") {
                m_harmony = Harmony::channel;
                m_channel.clear();
            } else if (token_text == "<|message|>") {
                m_harmony = Harmony::content;
                m_seen_message = true;
                m_held.clear();
                m_reasoning = m_channel.find("final") == std::string::npos;
            } else if (token_text == "<|start|>" || token_text == "<|end|>" || token_text == "<|return|>"
                || token_text == "<|call|>") {
                m_harmony = Harmony::header;
            }
            break;
        }
        if (m_harmony == Harmony::channel) {
            m_channel += shown;
        } else if (m_harmony == Harmony::content) {
            emit(out, shown, m_reasoning);
        } else if (!m_seen_message) {
            m_held += shown; // text before any message: shown at the end if no message ever comes
        }
        break;
    }
    return out;
}

std::vector<TextPiece> ReasoningSplitter::flush() {
    std::vector<TextPiece> out;
    if (m_format == ReasoningFormat::think_tags) {
        emit(out, m_held, m_reasoning);
    } else if (m_format == ReasoningFormat::harmony && !m_seen_message) {
        emit(out, m_held, false);
    }
    m_held.clear();
    return out;
}

} // namespace moe
