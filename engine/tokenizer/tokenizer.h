#pragma once
// Text to token ids and back, exactly as the model was trained.
//
// Two families, chosen by the GGUF key tokenizer.ggml.model:
//  - "gpt2": byte-level BPE (GPT-2 byte-to-unicode alphabet, merge ranks),
//    text first split by the pre-tokenizer named in tokenizer.ggml.pre
//    (PCRE2 with Unicode properties);
//  - "llama": SentencePiece-style BPE over scores with byte fallback
//    (<0x0A>), as Llama 2 and Mistral/Mixtral use.
//
// Special (control) tokens are recognised in text only when the caller asks
// for it (parse_special): user text containing "<|im_end|>" is plain text.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moe {

class GgufFile;

enum class TokenKind : uint8_t { normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6 };

struct TokenizerInfo {
    std::string model; // "gpt2" or "llama"
    std::string pre; // pre-tokenizer name as stored ("qwen2", "llama-bpe", "deepseek-v3", "default", ...)
    std::string pre_rule; // which splitting rule is used for it
    int n_vocab = 0;
    int n_merges = 0;
    int32_t bos = -1, eos = -1, eot = -1, unk = -1, pad = -1;
    bool add_bos = false, add_eos = false;
    bool add_space_prefix = false;
};

class Tokenizer {
public:
    // Reads the tokenizer section of a GGUF file; throws moe::Error naming
    // the key that is missing or wrong.
    static std::unique_ptr<Tokenizer> from_gguf(const GgufFile& f);
    virtual ~Tokenizer() = default;

    const TokenizerInfo& info() const { return m_info; }
    int n_vocab() const { return m_info.n_vocab; }

    // Text must be valid UTF-8 (throws moe::Error with the byte offset of the
    // first bad sequence otherwise; see sanitize_utf8 for a replacement).
    // add_special adds BOS/EOS as the model's metadata asks.
    virtual std::vector<int32_t> encode(
        std::string_view text, bool add_special = false, bool parse_special = false) const = 0;
    // For chat templates: special-token strings count only where they lie
    // wholly inside bytes with special_ok set (the template's own text), so
    // message content next to them is tokenized as one with its surroundings
    // yet can never produce a control token.
    virtual std::vector<int32_t> encode_masked(std::string_view text, const std::vector<bool>& special_ok) const = 0;

    // The bytes of one token as it appears in text (byte-level alphabet and
    // "▁" undone, <0xNN> turned into its byte). Control tokens give "" unless
    // render_special.
    virtual std::string token_bytes(int32_t id, bool render_special = false) const = 0;
    // Concatenated bytes of a sequence. For SentencePiece the leading space the
    // tokenizer added is dropped (decode(encode(s)) == s).
    std::string decode(std::span<const int32_t> ids, bool render_special = false) const;

    // Vocabulary access.
    const std::string& token_text(int32_t id) const { return m_text.at(size_t(id)); }
    TokenKind kind(int32_t id) const { return m_kind.at(size_t(id)); }
    bool is_control(int32_t id) const;
    int32_t find(std::string_view text) const; // -1 when absent
    // End of generation: EOS, EOT and the control tokens named like an end of turn.
    bool is_end_of_generation(int32_t id) const;

protected:
    TokenizerInfo m_info;
    std::vector<std::string> m_text;
    std::vector<TokenKind> m_kind;
};

// Feeds generated tokens one at a time and hands back only complete UTF-8:
// a character split across tokens is held until its last byte arrives.
class StreamDecoder {
public:
    explicit StreamDecoder(const Tokenizer& tok, bool render_special = false)
        : m_tok(tok)
        , m_render_special(render_special) { }
    std::string push(int32_t id);
    // What is still held (an incomplete sequence at the end), with U+FFFD
    // for bytes that never completed.
    std::string flush();
    void reset();

private:
    const Tokenizer& m_tok;
    bool m_render_special;
    bool m_first = true;
    std::string m_pending;
};

// UTF-8 validation. Returns the byte offset of the first invalid sequence,
// or npos when the text is valid.
size_t find_invalid_utf8(std::string_view s);
// Replaces every invalid sequence with U+FFFD (the documented replacement).
std::string sanitize_utf8(std::string_view s);

} // namespace moe
