// libFuzzer entry point for the Jinja renderer (engine/template): the bytes
// before the first NUL are a template, parsed and rendered over a small
// conversation whose messages are the bytes after it, with every variable a
// chat template reads. Anything is rendered or refused with moe::Error;
// nothing crashes, hangs or grows without bound (the limits are small here so
// that each input runs in milliseconds).
#include "template/jinja.h"

#include "error.h"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const size_t nul = bytes.find('\0');
    const std::string_view source = bytes.substr(0, nul);
    const std::string content
        = nul == std::string_view::npos ? std::string("hello") : std::string(bytes.substr(nul + 1));
    try {
        const moe::jinja::Template t(source);
        moe::jinja::Object vars;
        moe::jinja::Array msgs;
        for (const char* role : { "system", "user", "assistant", "user" }) {
            moe::jinja::Object m;
            m.set("role", moe::jinja::Value::string(role));
            m.set("content", moe::jinja::Value::string(moe::jinja::Str(content, true)));
            msgs.push_back(moe::jinja::Value::object(std::move(m)));
        }
        vars.set("messages", moe::jinja::Value::array(std::move(msgs)));
        vars.set("add_generation_prompt", moe::jinja::Value::boolean(true));
        vars.set("bos_token", moe::jinja::Value::string("<s>"));
        vars.set("eos_token", moe::jinja::Value::string("</s>"));
        vars.set("tools", moe::jinja::Value::none());
        vars.set("enable_thinking", moe::jinja::Value::boolean(t.reads("enable_thinking")));
        moe::jinja::Limits limits;
        limits.max_depth = 64;
        limits.max_iterations = 20000;
        limits.max_output = size_t(1) << 18;
        limits.now = 1768478400;
        const moe::jinja::Str out = t.render(vars, limits);
        if (out.text.size() != out.data.size()) __builtin_trap(); // one mark per byte, always
    } catch (const moe::Error&) { }
    return 0;
}
