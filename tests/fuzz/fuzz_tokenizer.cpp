// libFuzzer entry point for the tokenizers and chat templates: any byte
// string is either tokenized (and round-trips through decode and the stream
// decoder) or refused with moe::Error (invalid UTF-8); nothing crashes.
// Build: cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DMOE_FUZZ=ON
// Run:   build-fuzz/tests/fuzz_tokenizer -max_total_time=60
#include "gguf/gguf.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer/vocab_io.h"

#include "error.h"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

struct Vocab {
    std::vector<uint8_t> bytes;
    std::unique_ptr<moe::GgufFile> file;
    std::unique_ptr<moe::Tokenizer> tok;
};

// Small vocabularies of both families, with merges, specials and byte fallback.
Vocab make(bool sentencepiece) {
    moe::VocabData v;
    v.model = sentencepiece ? "llama" : "gpt2";
    auto add = [&](const std::string& t, int type) {
        v.tokens.push_back(t);
        v.types.push_back(type);
    };
    if (sentencepiece) {
        add("<unk>", 2);
        add("<s>", 3);
        add("</s>", 3);
        for (int b = 0; b < 256; ++b) {
            char name[8];
            std::snprintf(name, sizeof name, "<0x%02X>", b);
            add(name, 6);
        }
        for (const char* t : { "\xE2\x96\x81", "a", "b", "c",
                 "\xE2\x96\x81"
                 "a",
                 "ab", "abc", "\xE2\x96\x81\xE2\x96\x81" })
            add(t, 1);
        v.merges = { "\xE2\x96\x81 a", "a b", "ab c", "\xE2\x96\x81 \xE2\x96\x81" };
        v.bos = 1;
        v.eos = 2;
        v.unk = 0;
        v.add_bos = true;
        v.add_space_prefix = true;
    } else {
        v.pre = "qwen2";
        for (const std::string& t : moe::utf8::byte_alphabet())
            add(t, 1);
        for (const char* t : { "\xC4\xA0"
                               "a",
                 "ab",
                 "\xC4\xA0"
                 "ab" })
            add(t, 1);
        v.merges = { "\xC4\xA0 a", "a b", "\xC4\xA0 ab" };
        add("<|im_start|>", 3);
        add("<|im_end|>", 3);
        add("<think>", 4);
        v.eos = int32_t(v.tokens.size()) - 2;
    }
    for (size_t i = 0; i < v.tokens.size(); ++i)
        v.scores.push_back(-float(i));
    moe::GgufWriter w;
    moe::write_vocab(w, v);
    Vocab out;
    out.bytes = w.to_bytes();
    out.file = std::make_unique<moe::GgufFile>(moe::GgufFile::from_memory(out.bytes.data(), out.bytes.size(), "fuzz"));
    out.tok = moe::Tokenizer::from_gguf(*out.file);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const Vocab vocabs[2] = { make(false), make(true) };
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (const Vocab& v : vocabs) {
        const moe::Tokenizer& tok = *v.tok;
        try {
            for (bool special : { false, true }) {
                const std::vector<int32_t> ids = tok.encode(text, special, special);
                moe::StreamDecoder sd(tok);
                std::string streamed;
                for (int32_t id : ids)
                    streamed += sd.push(id);
                streamed += sd.flush();
                if (streamed != tok.decode(ids)) std::abort();
                if (moe::find_invalid_utf8(streamed) != std::string::npos) std::abort();
                if (!special && tok.info().model == "gpt2" && text.find('<') == std::string::npos
                    && tok.decode(ids) != moe::utf8::nfc(text)) {
                    std::abort();
                }
            }
            const moe::ChatTemplate t = moe::ChatTemplate::builtin(size % 2 ? "chatml" : "mistral");
            const std::vector<moe::ChatMessage> msgs = { { "system", text }, { "user", text }, { "assistant", text } };
            (void)t.render(tok, msgs, true);
        } catch (const moe::Error&) {
            if (moe::find_invalid_utf8(text) == std::string::npos) std::abort(); // valid text is never refused
        }
    }
    return 0;
}
