#pragma once
// Reasoning models think before they answer. Two ways of marking it:
//  - think tags: <think> … </think> around the thinking (Qwen3, DeepSeek
//    R1/V3.1, GLM-4.5/4.6, Kimi K2 Thinking, ...);
//  - harmony (gpt-oss): messages <|channel|>NAME<|message|> … <|end|>, the
//    thinking in the "analysis" channel, the answer in "final".
// ReasoningSplitter follows a reply token by token and says, for each piece
// of shown text, whether it is thinking or answer; the markers themselves are
// not shown.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moe {

enum class ReasoningFormat { none, think_tags, harmony };

// Which format a chat template's text uses.
ReasoningFormat reasoning_format_of(std::string_view template_source);
const char* reasoning_format_name(ReasoningFormat f);

struct TextPiece {
    std::string text;
    bool reasoning = false;
};

class ReasoningSplitter {
public:
    // prompt_text: the rendered prompt; a prompt that ends inside an open
    // <think> (the template opened it) starts the reply in thinking.
    ReasoningSplitter(ReasoningFormat format, std::string_view prompt_text);

    // One generated token: its vocabulary text (control tokens too) and the
    // text it shows (empty for a control token, or while a character is
    // incomplete). Returns what to show, split by kind.
    std::vector<TextPiece> push(std::string_view token_text, bool control, std::string_view shown);
    // What is held at the end (a partial marker that never completed).
    std::vector<TextPiece> flush();

    const std::string& answer() const { return m_answer; }
    const std::string& thinking() const { return m_thinking; }
    bool in_reasoning() const { return m_reasoning; }

private:
    ReasoningFormat m_format;
    bool m_reasoning = false;
    std::string m_held; // think tags: text that may start a marker
    // harmony
    enum class Harmony { header, channel, content } m_harmony = Harmony::header;
    std::string m_channel;
    bool m_seen_message = false;
    std::string m_answer, m_thinking;

    void emit(std::vector<TextPiece>& out, std::string_view text, bool reasoning);
    void push_tags(std::vector<TextPiece>& out, std::string_view text);
};

} // namespace moe
