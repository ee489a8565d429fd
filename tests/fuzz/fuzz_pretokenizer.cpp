// libFuzzer entry point for every pre-tokenizer rule (qwen2, llama3,
// deepseek-v3, gpt2), alone and inside a byte-level tokenizer: the pieces of
// any valid UTF-8 text are non-empty and concatenate back to it, and the
// tokens decode back to the text (NFC-normalised where the rule asks).
#include "gguf/gguf.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer/vocab_io.h"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Rule {
    moe::PreTokenizer pre;
    std::vector<uint8_t> bytes;
    std::unique_ptr<moe::GgufFile> file;
    std::unique_ptr<moe::Tokenizer> tok;
};

// The byte alphabet, a few merges and two specials, under one pre name.
Rule make(const std::string& pre_name) {
    moe::VocabData v;
    v.model = "gpt2";
    v.pre = pre_name;
    for (const std::string& t : moe::utf8::byte_alphabet()) {
        v.tokens.push_back(t);
        v.types.push_back(1);
    }
    for (const char* t : { "\xC4\xA0"
                           "a",
             "ab",
             "\xC4\xA0"
             "ab",
             "12", "123" }) {
        v.tokens.push_back(t);
        v.types.push_back(1);
    }
    v.merges = { "\xC4\xA0 a", "a b", "\xC4\xA0 ab", "1 2", "12 3" };
    v.tokens.push_back("<|endoftext|>");
    v.types.push_back(3);
    v.eos = int32_t(v.tokens.size()) - 1;
    moe::GgufWriter w;
    moe::write_vocab(w, v);
    Rule r { moe::PreTokenizer::for_name(pre_name), w.to_bytes(), nullptr, nullptr };
    r.file = std::make_unique<moe::GgufFile>(moe::GgufFile::from_memory(r.bytes.data(), r.bytes.size(), "fuzz"));
    r.tok = moe::Tokenizer::from_gguf(*r.file);
    return r;
}

std::vector<Rule> make_all() {
    std::vector<Rule> out;
    for (const char* name : { "qwen2", "llama3", "deepseek-v3", "gpt2" })
        out.push_back(make(name));
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::vector<Rule> rules = make_all();
    const std::string text = moe::sanitize_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
    std::vector<std::string_view> pieces;
    for (const Rule& r : rules) {
        pieces.clear();
        r.pre.split(text, pieces);
        std::string joined;
        for (std::string_view p : pieces) {
            if (p.empty()) std::abort();
            joined += p;
        }
        if (joined != text) std::abort();
        const std::vector<int32_t> ids = r.tok->encode(text);
        const std::string back = r.tok->decode(ids);
        if (back != (r.pre.nfc() ? moe::utf8::nfc(text) : text)) std::abort();
    }
    return 0;
}
