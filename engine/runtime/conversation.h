#pragma once
// A chat over one session: the model's chat format, its tokenizer, the
// messages so far, and the KV cache reused from turn to turn (only the new
// part of the transcript is prefilled). Used by `moe-cli chat` and the
// workbench's engine worker.
#include "runtime/session.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace moe {

struct TurnResult {
    std::string text; // the reply as shown (control tokens dropped)
    std::vector<int32_t> prompt; // ids prefilled for this turn (the new part of the transcript)
    GenerateResult gen; // generated ids, timings, stop reason
    int n_context = 0; // tokens in context after the turn
};

class Conversation {
public:
    // The tokenizer comes from the model file; the template is detected
    // from it unless one is given (template_why says what was picked).
    Conversation(std::shared_ptr<const Model> model, std::unique_ptr<Backend> backend,
        const ChatTemplate* chat_template = nullptr);

    Session& session() { return m_session; }
    const Tokenizer& tokenizer() const { return *m_tok; }
    const ChatTemplate& chat_template() const { return m_template; }
    const std::string& template_why() const { return m_why; }
    const std::vector<ChatMessage>& messages() const { return m_messages; }

    void set_system_prompt(std::string text);
    // Thinking on/off and its effort, where the template reads them.
    void set_chat_options(const ChatOptions& o) { m_template.options = o; }
    void clear(); // forget the messages and the KV cache
    // Replaces the messages (system first, if any), e.g. to drop the last turn
    // for regenerate or edit. The KV cache is kept: the next reply() reuses
    // the prefix the new transcript shares with it.
    void set_messages(std::vector<ChatMessage> messages);

    // Appends the user's message, prefills what the context lacks and
    // generates the reply. on_text gets every generated token (stop tokens
    // aside) with the complete UTF-8 text it finished, which is empty while a
    // character is still incomplete; the tail flushed at the end comes with
    // id -1. Return false to stop.
    // The reply is kept as the assistant's message even when cancelled.
    TurnResult reply(const std::string& user_text, const GenerateOptions& opts,
        const std::function<bool(const std::string& piece, int32_t id)>& on_text = {});

private:
    std::shared_ptr<const Model> m_model;
    Session m_session;
    std::unique_ptr<Tokenizer> m_tok;
    ChatTemplate m_template;
    std::string m_why;
    std::vector<ChatMessage> m_messages;
};

} // namespace moe
