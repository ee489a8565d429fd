#pragma once
// Pre-tokenizers of byte-level BPE vocabularies: a sequence of regex splits
// (Hugging Face "Split" with "Isolated" behaviour: every match is a piece, and
// so is the text between matches), run with PCRE2's Unicode support.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moe {

class PreTokenizer {
public:
    // The rule for a GGUF tokenizer.ggml.pre name. Unknown names get the
    // GPT-2 rule and *warning says so.
    static PreTokenizer for_name(const std::string& pre, std::string* warning = nullptr);
    // Names of the rules, and the GGUF pre names each covers (for errors and docs).
    static std::vector<std::string> known_names();

    PreTokenizer(std::string rule, std::vector<std::string> patterns, bool nfc);
    PreTokenizer(PreTokenizer&&) noexcept;
    PreTokenizer& operator=(PreTokenizer&&) noexcept;
    ~PreTokenizer();

    const std::string& rule() const { return m_rule; }
    bool nfc() const { return m_nfc; }
    // Appends the pieces of text (views into it) to out. text must be valid UTF-8.
    void split(std::string_view text, std::vector<std::string_view>& out) const;

private:
    struct Regex;
    std::string m_rule;
    std::vector<std::unique_ptr<Regex>> m_regexes;
    bool m_nfc = false;
};

} // namespace moe
