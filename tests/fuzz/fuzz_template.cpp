// libFuzzer entry point for chat templates: the template file loader
// (ChatTemplate::from_file over the bytes before the first NUL, written to a
// file) and the Jinja family detection, then rendering a conversation whose
// messages are the bytes after it, as tokens and as text. Anything is either
// rendered or refused with moe::Error; nothing crashes or hangs.
#include "gguf/gguf.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer/vocab_io.h"

#include "error.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

struct Vocab {
    std::vector<uint8_t> bytes;
    std::unique_ptr<moe::GgufFile> file;
    std::unique_ptr<moe::Tokenizer> tok;
};

Vocab make() {
    moe::VocabData v;
    v.model = "gpt2";
    v.pre = "qwen2";
    for (const std::string& t : moe::utf8::byte_alphabet()) {
        v.tokens.push_back(t);
        v.types.push_back(1);
    }
    for (const char* t : { "<|im_start|>", "<|im_end|>", "<s>", "</s>", "[INST]", "[/INST]" }) {
        v.tokens.push_back(t);
        v.types.push_back(3);
    }
    v.bos = int32_t(v.tokens.size()) - 4;
    v.eos = int32_t(v.tokens.size()) - 3;
    moe::GgufWriter w;
    moe::write_vocab(w, v);
    Vocab out;
    out.bytes = w.to_bytes();
    out.file = std::make_unique<moe::GgufFile>(moe::GgufFile::from_memory(out.bytes.data(), out.bytes.size(), "fuzz"));
    out.tok = moe::Tokenizer::from_gguf(*out.file);
    return out;
}

std::string temp_path() {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/moe-fuzz-template-" + std::to_string(getpid()) + ".json";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const Vocab vocab = make();
    static const std::string path = temp_path();
    const std::string all(reinterpret_cast<const char*>(data), size);
    const size_t nul = all.find('\0');
    const std::string file = all.substr(0, nul);
    const std::string content = moe::sanitize_utf8(nul == std::string::npos ? std::string() : all.substr(nul + 1));

    std::vector<moe::ChatTemplate> templates;
    std::string why;
    templates.push_back(moe::ChatTemplate::detect(file, &why));
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(file.data(), 1, file.size(), f);
        std::fclose(f);
        try {
            templates.push_back(moe::ChatTemplate::from_file(path));
        } catch (const moe::Error&) { }
    }
    const std::vector<moe::ChatMessage> msgs
        = { { "system", content }, { "user", content }, { "assistant", content }, { "user", content } };
    for (const moe::ChatTemplate& t : templates) {
        try {
            (void)t.render(*vocab.tok, msgs, true);
            (void)t.render_text(msgs, false);
            (void)t.stop_tokens(*vocab.tok);
        } catch (const moe::Error&) { }
    }
    return 0;
}
