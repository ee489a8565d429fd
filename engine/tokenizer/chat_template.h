#pragma once
// Chat prompt formats. The family is detected from the GGUF
// tokenizer.chat_template text (a Jinja template we do not execute); a
// user-given template file (JSON, see README) overrides it.
//
// Template text around the messages is tokenized with special tokens
// recognised; message content is always plain text, so a user typing
// "<|im_end|>" cannot close their own turn.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace moe {

class Tokenizer;

struct ChatMessage {
    std::string role; // "system", "user" or "assistant"
    std::string content;
};

struct ChatTemplate {
    std::string name; // chatml, mistral, llama3, deepseek, tulu, or the file's own name
    bool add_bos = false;
    // Each is "prefix{content}suffix"; prefix and suffix may hold special tokens.
    std::string system, user, assistant;
    std::string generation_prompt; // opens the assistant's turn
    bool system_into_first_user = false; // formats without a system role (Mistral)
    bool trim = false; // strip whitespace around message content (Llama 3)
    std::vector<std::string> stop; // end-of-turn strings (special tokens)

    static ChatTemplate builtin(const std::string& name); // throws for an unknown name
    static std::vector<std::string> builtin_names();
    // Picks the family from a Jinja chat template; when nothing matches,
    // ChatML with *why saying so (the caller warns).
    static ChatTemplate detect(const std::string& jinja, std::string* why);
    // Loads a JSON template file; throws moe::Error naming what is wrong.
    static ChatTemplate from_file(const std::string& path);

    // Token ids of the conversation; with add_generation_prompt the
    // assistant's turn is opened at the end.
    std::vector<int32_t> render(
        const Tokenizer& tok, std::span<const ChatMessage> messages, bool add_generation_prompt) const;
    // Same as text, special tokens spelled out (for display and tests).
    std::string render_text(std::span<const ChatMessage> messages, bool add_generation_prompt) const;
    // Ids that end the assistant's turn: the stop strings that are single
    // tokens of this vocabulary, plus the tokenizer's EOS/EOT.
    std::vector<int32_t> stop_tokens(const Tokenizer& tok) const;
};

} // namespace moe
