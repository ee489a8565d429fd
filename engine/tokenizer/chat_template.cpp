#include "tokenizer/chat_template.h"

#include "error.h"
#include "template/jinja.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace moe {

namespace {

const char* k_ds_eos = "<\xEF\xBD\x9C"
                       "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>";
const char* k_ds_user = "<\xEF\xBD\x9C"
                        "User\xEF\xBD\x9C>";
const char* k_ds_assistant = "<\xEF\xBD\x9C"
                             "Assistant\xEF\xBD\x9C>";

ChatTemplate make(const char* name, bool bos, std::string system, std::string user, std::string assistant,
    std::string gen, std::vector<std::string> stop) {
    ChatTemplate t;
    t.name = name;
    t.add_bos = bos;
    t.system = std::move(system);
    t.user = std::move(user);
    t.assistant = std::move(assistant);
    t.generation_prompt = std::move(gen);
    t.stop = std::move(stop);
    return t;
}

// The built-in formats, written from each family's published Jinja template.
std::vector<ChatTemplate> builtins() {
    std::vector<ChatTemplate> all;
    all.push_back(
        make("chatml", false, "<|im_start|>system\n{content}<|im_end|>\n", "<|im_start|>user\n{content}<|im_end|>\n",
            "<|im_start|>assistant\n{content}<|im_end|>\n", "<|im_start|>assistant\n", { "<|im_end|>" }));
    ChatTemplate mistral = make("mistral", true, "", "[INST] {content} [/INST]", "{content}{eos}", "", { "{eos}" });
    mistral.system_into_first_user = true;
    all.push_back(mistral);
    ChatTemplate llama3 = make("llama3", true, "<|start_header_id|>system<|end_header_id|>\n\n{content}<|eot_id|>",
        "<|start_header_id|>user<|end_header_id|>\n\n{content}<|eot_id|>",
        "<|start_header_id|>assistant<|end_header_id|>\n\n{content}<|eot_id|>",
        "<|start_header_id|>assistant<|end_header_id|>\n\n", { "<|eot_id|>" });
    llama3.trim = true;
    all.push_back(llama3);
    all.push_back(make("deepseek", true, "{content}", std::string(k_ds_user) + "{content}",
        std::string(k_ds_assistant) + "{content}" + k_ds_eos, k_ds_assistant, { k_ds_eos }));
    all.push_back(make("deepseek2", true, "{content}\n\n", "User: {content}\n\n", "Assistant: {content}{eos}",
        "Assistant:", { "{eos}" }));
    all.push_back(make("tulu", true, "<|system|>\n{content}\n", "<|user|>\n{content}\n",
        "<|assistant|>\n{content}{eos}\n", "<|assistant|>\n", { "{eos}" }));
    all.push_back(make("plain", false, "{content}\n\n", "{content}", "{content}\n\n", "", {}));
    return all;
}

bool contains(const std::string& s, const char* what) {
    return s.find(what) != std::string::npos;
}

std::string substitute(const std::string& s, const Tokenizer* tok) {
    std::string out = s;
    const std::pair<const char*, int32_t> keys[]
        = { { "{bos}", tok ? tok->info().bos : -1 }, { "{eos}", tok ? tok->info().eos : -1 } };
    for (const auto& [key, id] : keys) {
        for (size_t at; (at = out.find(key)) != std::string::npos;) {
            out.replace(at, std::string(key).size(), id >= 0 ? tok->token_text(id) : std::string());
        }
    }
    return out;
}

std::string trimmed(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// The rendered conversation as text plus, per byte, whether it came from the
// template (where special tokens count) or from a message (plain text).
struct Rendered {
    std::string text;
    std::vector<bool> from_template;
    void add(const std::string& s, bool tmpl) {
        text += s;
        from_template.insert(from_template.end(), s.size(), tmpl);
    }
};

// End-of-turn strings a template may write; those it does write become stop
// strings (when they are single tokens of the vocabulary).
std::vector<std::string> jinja_stops(const std::string& src) {
    std::vector<std::string> out;
    for (const char* s : { "<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<|eot|>", "<|return|>", "<|call|>",
             "<|endoftext|>", "<|end_of_text|>", "<end_of_turn>", "<|user|>", "<|observation|>", k_ds_eos }) {
        if (contains(src, s)) out.push_back(s);
    }
    // harmony's <|end|> closes a message, not the reply (the final one ends in <|return|>)
    if (contains(src, "<|end|>") && !contains(src, "<|return|>")) out.push_back("<|end|>");
    return out;
}

jinja::Str render_jinja(const ChatTemplate& t, const Tokenizer* tok, std::span<const ChatMessage> messages, bool gen) {
    jinja::Array msgs;
    msgs.reserve(messages.size());
    for (const ChatMessage& m : messages) {
        jinja::Object o;
        o.set("role", jinja::Value::string(m.role));
        o.set("content", jinja::Value::string(jinja::Str(m.content, true))); // data: never special tokens
        msgs.push_back(jinja::Value::object(std::move(o)));
    }
    auto special = [&](int32_t id, const char* placeholder) {
        if (!tok) return std::string(placeholder);
        return id >= 0 ? tok->token_text(id) : std::string();
    };
    jinja::Object vars;
    vars.set("messages", jinja::Value::array(std::move(msgs)));
    vars.set("add_generation_prompt", jinja::Value::boolean(gen));
    vars.set("bos_token", jinja::Value::string(special(tok ? tok->info().bos : -1, "{bos}")));
    vars.set("eos_token", jinja::Value::string(special(tok ? tok->info().eos : -1, "{eos}")));
    vars.set("tools", jinja::Value::none()); // as HF passes it when there are no tools
    if (t.options.thinking) {
        for (const char* name : { "enable_thinking", "thinking" }) {
            if (t.jinja->reads(name)) vars.set(name, jinja::Value::boolean(*t.options.thinking));
        }
    }
    if (!t.options.reasoning_effort.empty() && t.jinja->reads("reasoning_effort")) {
        vars.set("reasoning_effort", jinja::Value::string(t.options.reasoning_effort));
    }
    return t.jinja->render(vars);
}

Rendered render_all(const ChatTemplate& t, const Tokenizer* tok, std::span<const ChatMessage> messages, bool gen) {
    Rendered r;
    if (t.jinja) {
        jinja::Str s = render_jinja(t, tok, messages, gen);
        r.from_template.resize(s.text.size());
        for (size_t i = 0; i < s.data.size(); ++i)
            r.from_template[i] = s.data[i] == '\0';
        r.text = std::move(s.text);
        return r;
    }
    if (t.add_bos) {
        if (tok && tok->info().bos >= 0) {
            r.add(tok->token_text(tok->info().bos), true);
        } else if (!tok) {
            r.add("{bos}", true);
        }
    }
    std::string pending_system;
    for (size_t i = 0; i < messages.size(); ++i) {
        const ChatMessage& m = messages[i];
        std::string content = t.trim ? trimmed(m.content) : m.content;
        const std::string* fmt = nullptr;
        if (m.role == "system") {
            if (t.system_into_first_user || t.system.empty()) {
                pending_system += content;
                continue;
            }
            fmt = &t.system;
        } else if (m.role == "user") {
            fmt = &t.user;
            if (!pending_system.empty()) {
                content = pending_system + "\n\n" + content;
                pending_system.clear();
            }
        } else if (m.role == "assistant") {
            fmt = &t.assistant;
        } else {
            throw Error(fmt::format("message {} has role '{}'; roles are system, user and assistant", i, m.role));
        }
        const std::string f = tok ? substitute(*fmt, tok) : *fmt;
        const size_t at = f.find("{content}");
        r.add(f.substr(0, at), true);
        r.add(content, false);
        r.add(f.substr(at + 9), true);
    }
    if (gen) r.add(tok ? substitute(t.generation_prompt, tok) : t.generation_prompt, true);
    return r;
}

void check(const ChatTemplate& t, const std::string& where) {
    for (const auto* f : { &t.user, &t.assistant }) {
        const size_t at = f->find("{content}");
        if (at == std::string::npos || f->find("{content}", at + 1) != std::string::npos) {
            throw Error(fmt::format("{}: the user and assistant formats must hold {{content}} exactly once", where));
        }
    }
    if (!t.system.empty() && t.system.find("{content}") == std::string::npos) {
        throw Error(fmt::format("{}: the system format must hold {{content}}", where));
    }
}

} // namespace

ChatTemplate ChatTemplate::builtin(const std::string& name) {
    for (ChatTemplate& t : builtins()) {
        if (t.name == name) return t;
    }
    std::string names;
    for (const std::string& n : builtin_names())
        names += (names.empty() ? "" : ", ") + n;
    throw Error(fmt::format("unknown chat template '{}' (built in: {})", name, names));
}

std::vector<std::string> ChatTemplate::builtin_names() {
    std::vector<std::string> out;
    for (const ChatTemplate& t : builtins())
        out.push_back(t.name);
    return out;
}

ChatTemplate ChatTemplate::detect(const std::string& jinja, std::string* why) {
    auto pick = [&](const char* name, const char* reason) {
        if (why) *why = fmt::format("chat format {} ({})", name, reason);
        return builtin(name);
    };
    if (contains(jinja, "<|im_start|>")) return pick("chatml", "the template uses <|im_start|>");
    if (contains(jinja, "<|start_header_id|>")) return pick("llama3", "the template uses <|start_header_id|>");
    if (contains(jinja, k_ds_user) || contains(jinja, k_ds_assistant)) {
        return pick("deepseek", "the template uses <\xEF\xBD\x9CUser\xEF\xBD\x9C>");
    }
    if (contains(jinja, "<|user|>") && contains(jinja, "<|assistant|>")) {
        return pick("tulu", "the template uses <|user|> and <|assistant|> (OLMo/Tulu)");
    }
    if (contains(jinja, "[INST]")) return pick("mistral", "the template uses [INST]");
    if (contains(jinja, "'User: '") && contains(jinja, "Assistant:")) {
        return pick("deepseek2", "the template uses 'User: ' and 'Assistant:'");
    }
    if (!jinja.empty() && contains(jinja, "message['content']") && !contains(jinja, "<|") && !contains(jinja, "role")) {
        return pick("plain", "the template concatenates the messages' text");
    }
    if (why) {
        *why = jinja.empty() ? "the model has no chat template; using ChatML"
                             : "the model's chat template is not one the engine recognises; using ChatML";
    }
    ChatTemplate t = builtin("chatml");
    return t;
}

ChatTemplate ChatTemplate::from_jinja(const std::string& source) {
    ChatTemplate t;
    t.name = "jinja";
    t.jinja = std::make_shared<const jinja::Template>(source);
    t.stop = jinja_stops(source);
    t.reasoning = reasoning_format_of(source);
    return t;
}

ChatTemplate ChatTemplate::from_model(const std::string& source, std::string* why) {
    if (source.empty()) return detect(source, why);
    std::string problem;
    try {
        ChatTemplate t = from_jinja(source);
        // A template that cannot render one user message is no use to chat with.
        const ChatMessage probe[] = { { "user", "Hello" } };
        t.render_text(probe, true);
        if (why) {
            *why = "the model's own Jinja chat template";
            if (t.reasoning != ReasoningFormat::none) {
                *why += fmt::format(" (thinking marked by {})", reasoning_format_name(t.reasoning));
            }
        }
        return t;
    } catch (const Error& e) {
        problem = e.what();
    }
    std::string family;
    ChatTemplate t = detect(source, &family);
    if (why) *why = fmt::format("the model's Jinja chat template cannot be used ({}); {}", problem, family);
    return t;
}

bool ChatTemplate::reads(const std::string& variable) const {
    return jinja && jinja->reads(variable);
}

ChatTemplate ChatTemplate::from_file(const std::string& path) {
    nlohmann::json j;
    try {
        // a template is a few hundred bytes; a megabyte is generous
        j = nlohmann::json::parse(read_text_file(path, uint64_t(1) << 20));
    } catch (const nlohmann::json::exception& e) {
        throw Error(fmt::format("{} is not valid JSON: {}", path, e.what()));
    }
    if (!j.is_object()) throw Error(fmt::format("{}: a chat template file is a JSON object", path));
    ChatTemplate t;
    t.name = path;
    for (const auto& item : j.items()) {
        const std::string key = item.key();
        const nlohmann::json& v = item.value();
        auto str = [&](std::string& dst) {
            if (!v.is_string()) throw Error(fmt::format("{}: \"{}\" must be a string", path, key));
            dst = v.get<std::string>();
        };
        auto flag = [&](bool& dst) {
            if (!v.is_boolean()) throw Error(fmt::format("{}: \"{}\" must be true or false", path, key));
            dst = v.get<bool>();
        };
        if (key == "name") {
            str(t.name);
        } else if (key == "bos") {
            flag(t.add_bos);
        } else if (key == "system") {
            str(t.system);
        } else if (key == "user") {
            str(t.user);
        } else if (key == "assistant") {
            str(t.assistant);
        } else if (key == "generation_prompt") {
            str(t.generation_prompt);
        } else if (key == "system_into_first_user") {
            flag(t.system_into_first_user);
        } else if (key == "trim") {
            flag(t.trim);
        } else if (key == "stop") {
            if (!v.is_array()) throw Error(fmt::format("{}: \"stop\" must be an array of strings", path));
            for (const auto& s : v) {
                if (!s.is_string()) throw Error(fmt::format("{}: \"stop\" must be an array of strings", path));
                t.stop.push_back(s.get<std::string>());
            }
        } else {
            throw Error(fmt::format("{}: unknown key \"{}\" (known: name, bos, system, user, assistant, "
                                    "generation_prompt, stop, system_into_first_user, trim)",
                path, key));
        }
    }
    check(t, path);
    return t;
}

std::vector<int32_t> ChatTemplate::render(
    const Tokenizer& tok, std::span<const ChatMessage> messages, bool add_generation_prompt) const {
    const Rendered r = render_all(*this, &tok, messages, add_generation_prompt);
    return tok.encode_masked(r.text, r.from_template);
}

std::string ChatTemplate::render_text(
    std::span<const ChatMessage> messages, bool add_generation_prompt, const Tokenizer* tok) const {
    return render_all(*this, tok, messages, add_generation_prompt).text;
}

std::vector<int32_t> ChatTemplate::stop_tokens(const Tokenizer& tok) const {
    std::vector<int32_t> out;
    auto add = [&](int32_t id) {
        if (id >= 0 && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    };
    for (const std::string& s : stop)
        add(tok.find(substitute(s, &tok)));
    add(tok.info().eos);
    add(tok.info().eot);
    if (reasoning == ReasoningFormat::harmony) {
        // gpt-oss files may name <|end|> the end of turn; the reply goes on after it
        const int32_t end = tok.find("<|end|>");
        out.erase(std::remove(out.begin(), out.end(), end), out.end());
    }
    return out;
}

} // namespace moe
