#pragma once
// Chat prompt formats. A GGUF's tokenizer.chat_template is rendered as it is
// by the engine's Jinja renderer (engine/template); a file without one, or
// whose template cannot render a conversation, gets a format detected by
// family; a user-given template file (JSON, see README) overrides both.
//
// Template text around the messages is tokenized with special tokens
// recognised; message content is always plain text, so a user typing
// "<|im_end|>" cannot close their own turn.
#include "tokenizer/reasoning.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace moe {

class Tokenizer;
namespace jinja {
class Template;
}

// What a template may be asked besides the messages, where it reads it.
struct ChatOptions {
    std::optional<bool> thinking; // enable_thinking (and DeepSeek's thinking); empty: the template's default
    std::string reasoning_effort; // gpt-oss: low, medium, high; empty: the template's default
};

struct ChatMessage {
    std::string role; // "system", "user" or "assistant"
    std::string content;
};

struct ChatTemplate {
    std::string name; // jinja (the model's own), chatml, mistral, llama3, deepseek, tulu, or the file's own name
    bool add_bos = false;
    // Each is "prefix{content}suffix"; prefix and suffix may hold special tokens.
    std::string system, user, assistant;
    std::string generation_prompt; // opens the assistant's turn
    bool system_into_first_user = false; // formats without a system role (Mistral)
    bool trim = false; // strip whitespace around message content (Llama 3)
    std::vector<std::string> stop; // end-of-turn strings (special tokens)
    // The model's own template, rendered as it is (the fields above then go unused).
    std::shared_ptr<const jinja::Template> jinja;
    ChatOptions options;
    ReasoningFormat reasoning = ReasoningFormat::none; // how replies mark their thinking

    static ChatTemplate builtin(const std::string& name); // throws for an unknown name
    static std::vector<std::string> builtin_names();
    // Picks the family from a Jinja chat template; when nothing matches,
    // ChatML with *why saying so (the caller warns).
    static ChatTemplate detect(const std::string& jinja, std::string* why);
    // Loads a JSON template file; throws moe::Error naming what is wrong.
    static ChatTemplate from_file(const std::string& path);
    // The Jinja template itself; throws moe::Error when it does not parse.
    static ChatTemplate from_jinja(const std::string& source);
    // A model file's template: rendered as it is when it renders a
    // conversation, else the detected family (*why says which and why).
    static ChatTemplate from_model(const std::string& source, std::string* why);

    // Whether the template reads a variable (enable_thinking, reasoning_effort, ...).
    bool reads(const std::string& variable) const;
    // Whether thinking can be turned on and off, and its effort set.
    bool supports_thinking_switch() const { return reads("enable_thinking") || reads("thinking"); }
    bool supports_reasoning_effort() const { return reads("reasoning_effort"); }

    // Token ids of the conversation; with add_generation_prompt the
    // assistant's turn is opened at the end.
    std::vector<int32_t> render(
        const Tokenizer& tok, std::span<const ChatMessage> messages, bool add_generation_prompt) const;
    // Same as text, special tokens spelled out (for display and tests); the
    // BOS/EOS texts come from tok when given.
    std::string render_text(
        std::span<const ChatMessage> messages, bool add_generation_prompt, const Tokenizer* tok = nullptr) const;
    // Ids that end the assistant's turn: the stop strings that are single
    // tokens of this vocabulary, plus the tokenizer's EOS/EOT.
    std::vector<int32_t> stop_tokens(const Tokenizer& tok) const;
};

} // namespace moe
