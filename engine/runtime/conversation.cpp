#include "runtime/conversation.h"

#include "error.h"
#include "model/model.h"

#include <fmt/format.h>

namespace moe {

Conversation::Conversation(
    std::shared_ptr<const Model> model, std::unique_ptr<Backend> backend, const ChatTemplate* chat_template)
    : m_model(model)
    , m_session(model, std::move(backend))
    , m_tok(Tokenizer::from_gguf(model->gguf())) {
    if (chat_template) {
        m_template = *chat_template;
        m_why = fmt::format("chat format {} (given)", m_template.name);
    } else {
        m_template = ChatTemplate::from_model(model->gguf().get_string("tokenizer.chat_template", ""), &m_why);
    }
}

void Conversation::set_system_prompt(std::string text) {
    const bool has = !m_messages.empty() && m_messages.front().role == "system";
    if (text.empty()) {
        if (has) m_messages.erase(m_messages.begin());
    } else if (has) {
        m_messages.front().content = std::move(text);
    } else {
        m_messages.insert(m_messages.begin(), ChatMessage { "system", std::move(text) });
    }
}

void Conversation::clear() {
    const bool has = !m_messages.empty() && m_messages.front().role == "system";
    std::vector<ChatMessage> keep;
    if (has) keep.push_back(m_messages.front());
    m_messages = std::move(keep);
    m_session.reset();
}

void Conversation::set_messages(std::vector<ChatMessage> messages) {
    m_messages = std::move(messages);
}

TurnResult Conversation::reply(const std::string& user_text, const GenerateOptions& opts,
    const std::function<bool(const std::string&, int32_t)>& on_text) {
    if (const size_t bad = find_invalid_utf8(user_text); bad != std::string::npos) {
        throw Error(fmt::format("the message is not valid UTF-8 (byte 0x{:02X} at offset {})",
            static_cast<unsigned char>(user_text[bad]), bad));
    }
    std::vector<ChatMessage> next = m_messages;
    next.push_back({ "user", user_text });
    const std::vector<int32_t> full = m_template.render(*m_tok, next, true);
    const int n_ctx = m_session.backend().n_ctx();
    if (int64_t(full.size()) >= n_ctx) {
        throw Error(fmt::format("the conversation is {} tokens and the context is {}: start a new conversation or "
                                "load the model with a larger context",
            full.size(), n_ctx));
    }
    // Reuse the KV cache for the part of the transcript that has not changed.
    const std::vector<int32_t> ctx = m_session.context();
    size_t common = 0;
    while (common < ctx.size() && common < full.size() && ctx[common] == full[common])
        ++common;
    if (common == full.size()) --common; // at least one token goes in, for fresh logits
    // a windowed cache (gpt-oss) that no longer holds the rows before `common`: from the start
    if (common > 0 && int64_t(common) < m_session.backend().min_rewind()) common = 0;
    m_session.rewind(common);
    if (m_session.n_past() == 0) m_session.reset();

    TurnResult r;
    r.prompt.assign(full.begin() + ptrdiff_t(common), full.end());
    GenerateOptions o = opts;
    for (int32_t id : m_template.stop_tokens(*m_tok))
        o.stop_tokens.push_back(id);
    StreamDecoder sd(*m_tok);
    bool keep_going = true;
    auto on_token = [&](int32_t id) {
        if (std::find(o.stop_tokens.begin(), o.stop_tokens.end(), id) != o.stop_tokens.end()) return true;
        const std::string piece = sd.push(id);
        r.text += piece;
        if (on_text) keep_going = on_text(piece, id);
        return keep_going;
    };
    m_messages = std::move(next);
    r.gen = m_session.generate(r.prompt, o, on_token);
    const std::string tail = sd.flush();
    if (!tail.empty()) {
        r.text += tail;
        if (on_text) on_text(tail, -1);
    }
    m_messages.push_back({ "assistant", r.text });
    r.n_context = int(m_session.context().size());
    return r;
}

} // namespace moe
