#include "tokenizer/pretokenizer.h"

#include "error.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

#include <cstdint>

namespace moe {

namespace {

// The splitting rules as published in each family's tokenizer.json.
const char* k_gpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
const char* k_qwen2
    = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* k_llama3
    = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* k_deepseek3_digits = R"(\p{N}{1,3})";
const char* k_deepseek3_cjk = R"([\x{4E00}-\x{9FA5}\x{3040}-\x{309F}\x{30A0}-\x{30FF}]+)";
const char* k_deepseek3_words
    = R"([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Qwen3.5: combining marks join the letters they follow.
const char* k_qwen35
    = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// o200k (gpt-4o, gpt-oss, Llama 4): a word is an optional upper-case run and a
// lower-case run (or the reverse), contractions attached, digits in threes.
const char* k_o200k
    = R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// Kimi K2 as llama.cpp splits it (its hand-written handler in unicode.cpp,
// which GGUF files of Kimi are made for), not tokenization_kimi.py's regex:
// runs of ideographs (llama.cpp's ranges: the CJK unified blocks and
// compatibility ideographs, not PCRE2's \p{Han}, whose script extensions
// take in CJK punctuation), then words of letters without case structure and
// without combining marks (a mark ends a word and goes with the punctuation),
// contractions, digits in threes, and o200k's punctuation and spaces.
const char* k_kimi_k2
    = R"([\x{4E00}-\x{9FFF}\x{3400}-\x{4DBF}\x{20000}-\x{2A6DF}\x{2A700}-\x{2EBEF}\x{F900}-\x{FAFF}\x{2F800}-\x{2FA1F}]+|[^\r\n\p{L}\p{N}]?(?:(?![\x{4E00}-\x{9FFF}\x{3400}-\x{4DBF}\x{20000}-\x{2A6DF}\x{2A700}-\x{2EBEF}\x{F900}-\x{FAFF}\x{2F800}-\x{2FA1F}])\p{L})+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
// StarCoder, Refact, Command R: single digits first, then GPT-2.
const char* k_digits = R"(\p{N})";

struct Rule {
    const char* rule;
    std::vector<const char*> pre_names; // tokenizer.ggml.pre values (llama.cpp's names)
    std::vector<const char*> patterns;
    bool nfc;
};

const std::vector<Rule>& rules() {
    static const std::vector<Rule> r = {
        { "qwen2", { "qwen2", "qwen3", "deepseek-r1-qwen", "stablelm2", "hunyuan", "solar-open" }, { k_qwen2 }, true },
        { "qwen35", { "qwen35" }, { k_qwen35 }, false }, // no normalizer (unlike Qwen2/3)
        { "llama3",
            { "llama3", "llama-bpe", "llama-v3", "smaug-bpe", "dbrx", "glm4", "chatglm-bpe", "falcon3", "pixtral" },
            { k_llama3 }, false },
        { "deepseek-v3", { "deepseek-v3", "deepseek3", "hunyuan-dense", "joyai-llm" },
            { k_deepseek3_digits, k_deepseek3_cjk, k_deepseek3_words }, false },
        { "gpt-4o", { "gpt-4o", "llama4", "minimax-m2", "kanana2" }, { k_o200k }, false },
        { "kimi-k2", { "kimi-k2" }, { k_kimi_k2 }, false },
        { "refact", { "refact", "starcoder", "command-r", "smollm", "codeshell", "exaone" }, { k_digits, k_gpt2 },
            false },
        { "gpt2", { "gpt2", "gpt-2", "default", "olmo", "olmo2", "mpt", "phi-2", "jina-es" }, { k_gpt2 }, false },
    };
    return r;
}

} // namespace

struct PreTokenizer::Regex {
    pcre2_code* code = nullptr;
    explicit Regex(const std::string& pattern) {
        int err = 0;
        PCRE2_SIZE off = 0;
        code = pcre2_compile(
            reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), pattern.size(), PCRE2_UTF | PCRE2_UCP, &err, &off, nullptr);
        if (!code) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof msg);
            throw Error(fmt::format("pre-tokenizer regex does not compile at offset {}: {} ({})", off,
                reinterpret_cast<const char*>(msg), pattern));
        }
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); // falls back to the interpreter when JIT is unavailable
    }
    ~Regex() { pcre2_code_free(code); }
};

PreTokenizer PreTokenizer::for_name(const std::string& pre, std::string* warning) {
    for (const Rule& r : rules()) {
        for (const char* n : r.pre_names) {
            if (pre == n) return PreTokenizer(r.rule, { r.patterns.begin(), r.patterns.end() }, r.nfc);
        }
    }
    if (warning) {
        *warning = fmt::format("pre-tokenizer '{}' is not known; splitting text with the GPT-2 rule, so token ids may "
                               "differ from the model's training",
            pre);
    }
    const Rule& g = rules().back();
    return PreTokenizer(g.rule, { g.patterns.begin(), g.patterns.end() }, g.nfc);
}

std::vector<std::string> PreTokenizer::known_names() {
    std::vector<std::string> out;
    for (const Rule& r : rules()) {
        for (const char* n : r.pre_names)
            out.emplace_back(n);
    }
    return out;
}

PreTokenizer::PreTokenizer(std::string rule, std::vector<std::string> patterns, bool nfc)
    : m_rule(std::move(rule))
    , m_nfc(nfc) {
    for (const std::string& p : patterns)
        m_regexes.push_back(std::make_unique<Regex>(p));
}
PreTokenizer::PreTokenizer(PreTokenizer&&) noexcept = default;
PreTokenizer& PreTokenizer::operator=(PreTokenizer&&) noexcept = default;
PreTokenizer::~PreTokenizer() = default;

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& out) const {
    if (text.empty()) return;
    std::vector<std::string_view> cur { text }, next;
    for (const auto& re : m_regexes) {
        pcre2_match_data* md = pcre2_match_data_create_from_pattern(re->code, nullptr);
        pcre2_match_context* mc = pcre2_match_context_create(nullptr);
        if (!md || !mc) throw Error("out of memory in the pre-tokenizer");
        // A 10 MB run of spaces is one piece; PCRE2's default limits stop at
        // 10 million backtracking steps, which such input legitimately needs.
        pcre2_set_match_limit(mc, UINT32_MAX);
        pcre2_set_depth_limit(mc, UINT32_MAX);
        next.clear();
        for (std::string_view piece : cur) {
            const auto* subject = reinterpret_cast<PCRE2_SPTR>(piece.data());
            size_t gap = 0, pos = 0;
            while (pos < piece.size()) {
                const int rc = pcre2_match(re->code, subject, piece.size(), pos, PCRE2_NO_UTF_CHECK, md, mc);
                if (rc == PCRE2_ERROR_NOMATCH) break;
                if (rc < 0) {
                    pcre2_match_data_free(md);
                    pcre2_match_context_free(mc);
                    PCRE2_UCHAR msg[256];
                    pcre2_get_error_message(rc, msg, sizeof msg);
                    throw Error(fmt::format("pre-tokenizer failed: {}", reinterpret_cast<const char*>(msg)));
                }
                const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
                const size_t s = ov[0], e = ov[1];
                if (e == s) { // an empty match is no piece: step over one character
                    pos = s + 1;
                    while (pos < piece.size() && (static_cast<unsigned char>(piece[pos]) & 0xC0) == 0x80)
                        ++pos;
                    continue;
                }
                if (s > gap) next.push_back(piece.substr(gap, s - gap));
                next.push_back(piece.substr(s, e - s));
                gap = pos = e;
            }
            if (gap < piece.size()) next.push_back(piece.substr(gap));
        }
        pcre2_match_data_free(md);
        pcre2_match_context_free(mc);
        cur.swap(next);
    }
    out.insert(out.end(), cur.begin(), cur.end());
}

} // namespace moe
