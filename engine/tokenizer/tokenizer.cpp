#include "tokenizer/tokenizer.h"

#include "error.h"
#include "gguf/gguf.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/unicode.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

namespace moe {

namespace {

const char* k_space = "\xE2\x96\x81"; // U+2581, SentencePiece's visible space

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// The byte of a SentencePiece byte token "<0xNN>", or -1 when the text is not one.
int byte_token_value(std::string_view t) {
    if (t.size() != 6 || t.substr(0, 3) != "<0x" || t[5] != '>') return -1;
    const int hi = hex_digit(t[3]), lo = hex_digit(t[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

uint64_t pair_key(int32_t a, int32_t b) {
    return (uint64_t(uint32_t(a)) << 32) | uint32_t(b);
}

// Rank-ordered BPE over token ids. Both families end up here: byte-level
// vocabularies rank pairs by their merge list, SentencePiece ones by the
// merge list when the file has one, else by the score of the merged token.
class PairMerger {
public:
    void add(int32_t a, int32_t b, int32_t rank, int32_t merged) {
        m_pairs.try_emplace(pair_key(a, b), Entry { rank, merged }); // the first (best) rank wins
    }
    size_t size() const { return m_pairs.size(); }

    // Merges symbols (ids; -1 never merges) in place of the lowest rank
    // first, the leftmost pair on ties, as Hugging Face's BPE does.
    void merge(const std::vector<int32_t>& in, std::vector<int32_t>& out) const {
        const int n = int(in.size());
        if (n == 1) {
            out.push_back(in[0]);
            return;
        }
        struct Sym {
            int32_t id;
            int prev, next;
        };
        struct Cand {
            int32_t rank;
            int pos;
            int32_t left, right;
        };
        std::vector<Sym> s(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i)
            s[size_t(i)] = { in[size_t(i)], i - 1, i + 1 < n ? i + 1 : -1 };
        std::vector<Cand> heap;
        auto later = [](const Cand& x, const Cand& y) { return x.rank != y.rank ? x.rank > y.rank : x.pos > y.pos; };
        auto push = [&](int left) {
            if (left < 0) return;
            const int right = s[size_t(left)].next;
            if (right < 0) return;
            const int32_t a = s[size_t(left)].id, b = s[size_t(right)].id;
            if (a < 0 || b < 0) return;
            auto it = m_pairs.find(pair_key(a, b));
            if (it == m_pairs.end()) return;
            heap.push_back({ it->second.rank, left, a, b });
            std::push_heap(heap.begin(), heap.end(), later);
        };
        for (int i = 0; i + 1 < n; ++i)
            push(i);
        while (!heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), later);
            const Cand c = heap.back();
            heap.pop_back();
            Sym& l = s[size_t(c.pos)];
            if (l.id != c.left || l.next < 0 || s[size_t(l.next)].id != c.right) continue; // stale
            const int right = l.next;
            l.id = m_pairs.at(pair_key(c.left, c.right)).merged;
            l.next = s[size_t(right)].next;
            if (l.next >= 0) s[size_t(l.next)].prev = c.pos;
            s[size_t(right)].id = -2; // gone
            push(l.prev);
            push(c.pos);
        }
        for (int i = 0; i >= 0; i = s[size_t(i)].next)
            out.push_back(s[size_t(i)].id);
    }

private:
    struct Entry {
        int32_t rank;
        int32_t merged;
    };
    std::unordered_map<uint64_t, Entry> m_pairs;
};

// A piece of text between special tokens, or a special token.
struct Fragment {
    std::string_view text;
    int32_t special = -1;
};

class TokenizerBase : public Tokenizer {
public:
    std::vector<int32_t> encode(std::string_view text, bool add_special, bool parse_special) const override {
        const size_t bad = utf8::find_invalid(text);
        if (bad != utf8::npos) {
            throw Error(fmt::format("text is not valid UTF-8: byte 0x{:02X} at offset {} (replace invalid bytes "
                                    "first, e.g. with U+FFFD)",
                static_cast<unsigned char>(text[bad]), bad));
        }
        std::vector<int32_t> out;
        if (add_special && m_info.add_bos && m_info.bos >= 0) out.push_back(m_info.bos);
        for (const Fragment& f : fragments(text, [&](size_t, size_t) { return parse_special; })) {
            if (f.special >= 0) {
                out.push_back(f.special);
            } else {
                encode_fragment(f.text, out);
            }
        }
        if (add_special && m_info.add_eos && m_info.eos >= 0) out.push_back(m_info.eos);
        return out;
    }

    std::vector<int32_t> encode_masked(std::string_view text, const std::vector<bool>& special_ok) const override {
        if (special_ok.size() != text.size()) throw Error("encode_masked: the mask does not cover the text");
        if (const size_t bad = utf8::find_invalid(text); bad != utf8::npos) {
            throw Error(fmt::format(
                "text is not valid UTF-8: byte 0x{:02X} at offset {}", static_cast<unsigned char>(text[bad]), bad));
        }
        std::vector<int32_t> out;
        auto allowed = [&](size_t at, size_t len) {
            for (size_t i = at; i < at + len; ++i) {
                if (!special_ok[i]) return false;
            }
            return true;
        };
        for (const Fragment& f : fragments(text, allowed)) {
            if (f.special >= 0) {
                out.push_back(f.special);
            } else {
                encode_fragment(f.text, out);
            }
        }
        return out;
    }

protected:
    virtual void encode_fragment(std::string_view text, std::vector<int32_t>& out) const = 0;

    void load_common(const GgufFile& f) {
        const GgufKV* toks = f.find("tokenizer.ggml.tokens");
        if (!toks)
            throw Error(fmt::format("{}: the model has no tokenizer (missing key tokenizer.ggml.tokens)", f.path()));
        if (toks->type != GgufValueType::ARRAY || toks->arr_type != GgufValueType::STRING || toks->arr_n == 0) {
            throw Error(fmt::format("{}: tokenizer.ggml.tokens is not a non-empty array of strings", f.path()));
        }
        const size_t n = toks->arr_strings.size();
        m_info.n_vocab = int(n);
        m_text.reserve(n);
        for (std::string_view s : toks->arr_strings)
            m_text.emplace_back(s);
        m_kind.assign(n, TokenKind::normal);
        if (f.find("tokenizer.ggml.token_type")) {
            const std::vector<int64_t> types = f.get_int_array("tokenizer.ggml.token_type");
            if (types.size() != n) {
                throw Error(fmt::format(
                    "{}: tokenizer.ggml.token_type has {} entries for {} tokens", f.path(), types.size(), n));
            }
            for (size_t i = 0; i < n; ++i) {
                const int64_t t = types[i];
                m_kind[i] = t >= 1 && t <= 6 ? TokenKind(t) : TokenKind::normal;
            }
        }
        m_index.reserve(n);
        for (size_t i = 0; i < n; ++i)
            m_index.try_emplace(m_text[i], int32_t(i));

        auto id_key = [&](const char* key) -> int32_t {
            const GgufKV* kv = f.find(key);
            if (!kv) return -1;
            const uint64_t v = f.get_uint(key);
            if (v >= n) {
                spdlog::warn("{}: {} = {} is outside the vocabulary of {} tokens; ignored", f.path(), key, v, n);
                return -1;
            }
            return int32_t(v);
        };
        m_info.bos = id_key("tokenizer.ggml.bos_token_id");
        m_info.eos = id_key("tokenizer.ggml.eos_token_id");
        m_info.eot = id_key("tokenizer.ggml.eot_token_id");
        m_info.unk = id_key("tokenizer.ggml.unknown_token_id");
        m_info.pad = id_key("tokenizer.ggml.padding_token_id");
        if (m_info.eot < 0) {
            for (const char* t : { "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>" }) {
                const int32_t id = find(t);
                if (id >= 0 && m_kind[size_t(id)] == TokenKind::control) {
                    m_info.eot = id;
                    break;
                }
            }
        }
        m_info.add_eos = f.get_bool("tokenizer.ggml.add_eos_token", false);

        // End of generation: EOS, EOT and control tokens that end a turn or a text.
        for (int32_t id : { m_info.eos, m_info.eot }) {
            if (id >= 0) m_end.insert(id);
        }
        for (const char* t : { "<|im_end|>", "<|eot_id|>", "<|end_of_text|>", "<|endoftext|>", "</s>", "<|eom_id|>",
                 "<|end|>", "<end_of_turn>",
                 "<\xEF\xBD\x9C"
                 "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>" }) {
            const int32_t id = find(t);
            if (id >= 0 && m_kind[size_t(id)] == TokenKind::control) m_end.insert(id);
        }

        // Strings matched in text: user-defined tokens always, control tokens
        // only when the caller parses specials. Longest first per first byte.
        for (size_t i = 0; i < n; ++i) {
            const TokenKind k = m_kind[i];
            if ((k == TokenKind::control || k == TokenKind::user_defined || k == TokenKind::unknown)
                && !m_text[i].empty()) {
                m_specials[static_cast<unsigned char>(m_text[i][0])].push_back(int32_t(i));
            }
        }
        for (auto& bucket : m_specials) {
            std::stable_sort(bucket.begin(), bucket.end(),
                [&](int32_t a, int32_t b) { return m_text[size_t(a)].size() > m_text[size_t(b)].size(); });
        }
    }

    // Splits text at special tokens; plain fragments keep their position.
    // control_ok(offset, length) says whether a control token may match there.
    template <typename ControlOk>
    std::vector<Fragment> fragments(std::string_view text, const ControlOk& control_ok) const {
        std::vector<Fragment> out;
        size_t start = 0;
        for (size_t i = 0; i < text.size();) {
            const auto& bucket = m_specials[static_cast<unsigned char>(text[i])];
            int32_t hit = -1;
            for (int32_t id : bucket) {
                const std::string& t = m_text[size_t(id)];
                if (text.compare(i, t.size(), t) != 0) continue;
                if (m_kind[size_t(id)] == TokenKind::user_defined || control_ok(i, t.size())) {
                    hit = id;
                    break;
                }
            }
            if (hit < 0) {
                ++i;
                continue;
            }
            if (i > start) out.push_back({ text.substr(start, i - start), -1 });
            out.push_back({ {}, hit });
            i += m_text[size_t(hit)].size();
            start = i;
        }
        if (start < text.size()) out.push_back({ text.substr(start), -1 });
        return out;
    }

    std::unordered_map<std::string_view, int32_t> m_index; // views into m_text
    std::unordered_set<int32_t> m_end;
    std::array<std::vector<int32_t>, 256> m_specials;
    PairMerger m_merger;

    friend class moe::Tokenizer;
};

// ---- byte-level BPE (tokenizer.ggml.model = gpt2) -----------------------------

class ByteLevelBpe final : public TokenizerBase {
public:
    ByteLevelBpe(const GgufFile& f)
        : m_pre(PreTokenizer("gpt2", {}, false)) {
        load_common(f);
        m_info.model = "gpt2";
        m_info.pre = f.get_string("tokenizer.ggml.pre", "default");
        std::string warning;
        m_pre = PreTokenizer::for_name(m_info.pre, &warning);
        if (!warning.empty()) spdlog::warn("{}: {}", f.path(), warning);
        m_info.pre_rule = m_pre.rule();
        // A word found whole in the vocabulary is taken whole, before any merge:
        // llama.cpp does so for Llama 3's own names, not for the other names
        // that share its splitting rule (dbrx for Granite 4, glm4, smaug-bpe),
        // whose GGUFs then tokenize "Tiếng" by merges (tests/tst_pretokenizers).
        static const std::unordered_set<std::string> whole_words
            = { "llama3", "llama-bpe", "llama-v3", "falcon3", "falcon-h1", "pixtral" };
        m_ignore_merges = m_pre.rule() == "llama3" && whole_words.count(m_info.pre) > 0;
        m_info.add_bos = f.get_bool("tokenizer.ggml.add_bos_token", false);

        const auto& alphabet = utf8::byte_alphabet();
        for (int b = 0; b < 256; ++b) {
            const int32_t id = find(alphabet[size_t(b)]);
            if (id < 0) {
                throw Error(fmt::format("{}: the byte-level vocabulary has no token for byte 0x{:02X} ('{}')", f.path(),
                    b, alphabet[size_t(b)]));
            }
            m_byte_token[size_t(b)] = id;
        }
        if (const GgufKV* merges = f.find("tokenizer.ggml.merges")) {
            if (merges->type != GgufValueType::ARRAY || merges->arr_type != GgufValueType::STRING) {
                throw Error(fmt::format("{}: tokenizer.ggml.merges is not an array of strings", f.path()));
            }
            size_t skipped = 0;
            int32_t rank = 0;
            for (std::string_view m : merges->arr_strings) {
                const size_t sp = m.find(' ', 1);
                int32_t a = -1, b = -1, ab = -1;
                if (sp != std::string_view::npos) {
                    a = find(m.substr(0, sp));
                    b = find(m.substr(sp + 1));
                    std::string joined(m.substr(0, sp));
                    joined += m.substr(sp + 1);
                    ab = find(joined);
                }
                if (a < 0 || b < 0 || ab < 0) {
                    ++skipped;
                } else {
                    m_merger.add(a, b, rank, ab);
                }
                ++rank;
            }
            m_info.n_merges = int(merges->arr_strings.size());
            if (skipped)
                spdlog::warn("{}: {} merges name tokens that are not in the vocabulary; skipped", f.path(), skipped);
        }
    }

    std::string token_bytes(int32_t id, bool render_special) const override {
        if (id < 0 || id >= n_vocab()) return {};
        const TokenKind k = m_kind[size_t(id)];
        if (k == TokenKind::control || k == TokenKind::unknown || k == TokenKind::unused) {
            return render_special ? m_text[size_t(id)] : std::string();
        }
        if (k == TokenKind::user_defined) return m_text[size_t(id)];
        const std::string& t = m_text[size_t(id)];
        std::string out;
        out.reserve(t.size());
        for (size_t i = 0; i < t.size();) {
            const size_t len = utf8::valid_length(t, i);
            if (len == 0) { // a vocabulary that is not in the alphabet: show the byte
                out += t[i++];
                continue;
            }
            const size_t at = i;
            const int b = utf8::alphabet_byte(utf8::next(t, i));
            if (b >= 0) {
                out += char(b);
            } else {
                out.append(t, at, i - at);
            }
        }
        return out;
    }

protected:
    void encode_fragment(std::string_view text, std::vector<int32_t>& out) const override {
        std::string normalised;
        if (m_pre.nfc()) {
            normalised = utf8::nfc(text);
            text = normalised;
        }
        std::vector<std::string_view> pieces;
        pieces.reserve(text.size() / 4 + 1);
        m_pre.split(text, pieces);
        // Words repeat: each distinct piece is merged once per call.
        std::unordered_map<std::string_view, std::pair<uint32_t, uint32_t>> cache;
        std::vector<int32_t> done;
        std::vector<int32_t> syms;
        std::string mapped;
        for (std::string_view p : pieces) {
            if (auto it = cache.find(p); it != cache.end()) {
                out.insert(
                    out.end(), done.begin() + it->second.first, done.begin() + it->second.first + it->second.second);
                continue;
            }
            const size_t before = done.size();
            bool whole = false;
            if (m_ignore_merges) {
                mapped.clear();
                for (char c : p)
                    mapped += utf8::byte_alphabet()[static_cast<unsigned char>(c)];
                const int32_t id = find(mapped);
                if (id >= 0 && m_kind[size_t(id)] == TokenKind::normal) {
                    done.push_back(id);
                    whole = true;
                }
            }
            if (!whole) {
                syms.clear();
                for (char c : p)
                    syms.push_back(m_byte_token[static_cast<unsigned char>(c)]);
                m_merger.merge(syms, done);
            }
            cache.emplace(p, std::make_pair(uint32_t(before), uint32_t(done.size() - before)));
            out.insert(out.end(), done.begin() + ptrdiff_t(before), done.end());
        }
    }

private:
    PreTokenizer m_pre;
    bool m_ignore_merges = false;
    std::array<int32_t, 256> m_byte_token {};
};

// ---- SentencePiece-style BPE (tokenizer.ggml.model = llama) -------------------

class SentencePieceBpe final : public TokenizerBase {
public:
    SentencePieceBpe(const GgufFile& f) {
        load_common(f);
        m_info.model = "llama";
        m_info.pre_rule = "sentencepiece";
        m_info.add_bos = f.get_bool("tokenizer.ggml.add_bos_token", true);
        m_info.add_space_prefix = f.get_bool("tokenizer.ggml.add_space_prefix", true);
        // Byte tokens are decoded from their text; one that does not spell a
        // byte would decode to nothing, so the file is refused here.
        for (size_t i = 0; i < m_text.size(); ++i) {
            if (m_kind[i] == TokenKind::byte && byte_token_value(m_text[i]) < 0) {
                throw Error(fmt::format("{}: token {} '{}' is a byte token (tokenizer.ggml.token_type 6) but does not "
                                        "spell a byte as <0xNN>",
                    f.path(), i, m_text[i]));
            }
        }
        m_byte_token.fill(-1);
        int n_bytes = 0;
        for (int b = 0; b < 256; ++b) {
            const int32_t id = find(fmt::format("<0x{:02X}>", b));
            if (id >= 0) {
                m_byte_token[size_t(b)] = id;
                ++n_bytes;
            }
        }
        m_byte_fallback = n_bytes == 256;
        if (m_info.unk < 0) m_info.unk = find("<unk>");
        m_space = find(k_space);
        m_split_at_space = m_space >= 0;
        for (const std::string& t : m_text) {
            const size_t at = t.find(k_space);
            if (at == std::string::npos) continue;
            // a "▁" after any other character inside a token forbids the split
            for (size_t i = 0; i < t.size() && m_split_at_space; i += 3) {
                if (t.compare(i, 3, k_space) != 0) {
                    m_split_at_space = t.find(k_space, i) == std::string::npos;
                    break;
                }
            }
        }

        const GgufKV* merges = f.find("tokenizer.ggml.merges");
        if (merges && merges->type == GgufValueType::ARRAY && merges->arr_type == GgufValueType::STRING
            && merges->arr_n > 0) {
            // The merge list, as Hugging Face's converter writes it.
            int32_t rank = 0;
            for (std::string_view m : merges->arr_strings) {
                const size_t sp = m.find(' ', 1);
                if (sp != std::string_view::npos) {
                    const int32_t a = find(m.substr(0, sp)), b = find(m.substr(sp + 1));
                    std::string joined(m.substr(0, sp));
                    joined += m.substr(sp + 1);
                    const int32_t ab = find(joined);
                    if (a >= 0 && b >= 0 && ab >= 0) m_merger.add(a, b, rank, ab);
                }
                ++rank;
            }
            m_info.n_merges = int(merges->arr_strings.size());
        } else {
            // SentencePiece's own rule: any two adjacent pieces whose
            // concatenation is a normal token merge, best score first.
            std::vector<float> scores(size_t(n_vocab()), 0.0f);
            if (f.find("tokenizer.ggml.scores")) {
                const std::vector<double> s = f.get_float_array("tokenizer.ggml.scores");
                if (s.size() != size_t(n_vocab())) {
                    throw Error(fmt::format(
                        "{}: tokenizer.ggml.scores has {} entries for {} tokens", f.path(), s.size(), n_vocab()));
                }
                for (size_t i = 0; i < s.size(); ++i)
                    scores[i] = float(s[i]);
            }
            std::vector<int32_t> order;
            for (int32_t i = 0; i < n_vocab(); ++i) {
                if (m_kind[size_t(i)] == TokenKind::normal || m_kind[size_t(i)] == TokenKind::user_defined) {
                    order.push_back(i);
                }
            }
            std::stable_sort(order.begin(), order.end(),
                [&](int32_t a, int32_t b) { return scores[size_t(a)] > scores[size_t(b)]; });
            for (size_t r = 0; r < order.size(); ++r) {
                const std::string& t = m_text[size_t(order[r])];
                for (size_t cut = utf8::valid_length(t, 0); cut > 0 && cut < t.size();) {
                    const int32_t a = find(std::string_view(t).substr(0, cut));
                    const int32_t b = find(std::string_view(t).substr(cut));
                    if (a >= 0 && b >= 0) m_merger.add(a, b, int32_t(r), order[r]);
                    const size_t len = utf8::valid_length(t, cut);
                    if (len == 0) break;
                    cut += len;
                }
            }
        }
    }

    std::string token_bytes(int32_t id, bool render_special) const override {
        if (id < 0 || id >= n_vocab()) return {};
        const TokenKind k = m_kind[size_t(id)];
        const std::string& t = m_text[size_t(id)];
        if (k == TokenKind::control || k == TokenKind::unknown || k == TokenKind::unused) {
            return render_special ? t : std::string();
        }
        if (k == TokenKind::byte) return std::string(1, char(byte_token_value(t)));
        std::string out;
        for (size_t i = 0; i < t.size();) {
            if (t.compare(i, 3, k_space) == 0) {
                out += ' ';
                i += 3;
            } else {
                out += t[i++];
            }
        }
        return out;
    }

protected:
    void encode_fragment(std::string_view text, std::vector<int32_t>& out) const override {
        if (text.empty()) return;
        // Hugging Face's legacy normaliser: "▁" before every fragment, spaces as "▁".
        std::vector<int32_t> syms;
        syms.reserve(text.size() + 1);
        auto add_char = [&](std::string_view c) {
            const int32_t id = find(c);
            if (id >= 0 && m_kind[size_t(id)] != TokenKind::control) {
                syms.push_back(id);
            } else if (m_byte_fallback) {
                for (char b : c)
                    syms.push_back(-3 - int32_t(m_byte_token[static_cast<unsigned char>(b)]));
            } else if (!(syms.size() && syms.back() == -3 - m_info.unk)) { // unknown runs fuse into one
                syms.push_back(-3 - m_info.unk);
            }
        };
        if (m_info.add_space_prefix) add_char(k_space);
        for (size_t i = 0; i < text.size();) {
            const size_t len = utf8::valid_length(text, i);
            if (text[i] == ' ') {
                add_char(k_space);
            } else {
                add_char(text.substr(i, len));
            }
            i += len;
        }
        // Byte and unknown symbols (encoded as -3 - id) take part in no merge.
        // Hugging Face merges the whole fragment as one word. When no token
        // has a "▁" after another character, no merge can cross the start of
        // a run of "▁", so the runs are merged one by one, each distinct run once.
        std::vector<int32_t> merged;
        if (!m_split_at_space) {
            m_merger.merge(syms, merged);
        } else {
            std::unordered_map<std::string_view, std::pair<uint32_t, uint32_t>> cache;
            std::vector<int32_t> run;
            const auto* key_base = reinterpret_cast<const char*>(syms.data());
            for (size_t a = 0; a < syms.size();) {
                size_t b = a + 1;
                while (b < syms.size() && !(syms[b] == m_space && syms[b - 1] != m_space))
                    ++b;
                const std::string_view key(key_base + a * sizeof(int32_t), (b - a) * sizeof(int32_t));
                if (auto it = cache.find(key); it != cache.end()) {
                    for (uint32_t k = 0; k < it->second.second; ++k)
                        merged.push_back(merged[it->second.first + k]);
                } else {
                    const size_t before = merged.size();
                    run.assign(syms.begin() + ptrdiff_t(a), syms.begin() + ptrdiff_t(b));
                    m_merger.merge(run, merged);
                    cache.emplace(key, std::make_pair(uint32_t(before), uint32_t(merged.size() - before)));
                }
                a = b;
            }
        }
        for (int32_t id : merged)
            out.push_back(id >= 0 ? id : -3 - id);
    }

private:
    std::array<int32_t, 256> m_byte_token {};
    bool m_byte_fallback = false;
    int32_t m_space = -1;
    bool m_split_at_space = false;
};

} // namespace

std::unique_ptr<Tokenizer> Tokenizer::from_gguf(const GgufFile& f) {
    const GgufKV* kv = f.find("tokenizer.ggml.model");
    if (!kv) throw Error(fmt::format("{}: the model has no tokenizer (missing key tokenizer.ggml.model)", f.path()));
    const std::string model = f.get_string("tokenizer.ggml.model");
    if (model == "gpt2") return std::make_unique<ByteLevelBpe>(f);
    if (model == "llama") return std::make_unique<SentencePieceBpe>(f);
    throw Error(fmt::format("{}: tokenizer model '{}' is not supported (supported: gpt2 = byte-level BPE, llama = "
                            "SentencePiece BPE)",
        f.path(), model));
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool render_special) const {
    std::string out;
    for (int32_t id : ids)
        out += token_bytes(id, render_special);
    if (m_info.add_space_prefix && !out.empty() && out[0] == ' ') out.erase(0, 1);
    return out;
}

bool Tokenizer::is_control(int32_t id) const {
    return id >= 0 && id < n_vocab() && m_kind[size_t(id)] == TokenKind::control;
}

int32_t Tokenizer::find(std::string_view text) const {
    const auto& index = static_cast<const TokenizerBase*>(this)->m_index;
    auto it = index.find(text);
    return it == index.end() ? -1 : it->second;
}

bool Tokenizer::is_end_of_generation(int32_t id) const {
    return static_cast<const TokenizerBase*>(this)->m_end.count(id) > 0;
}

// ---- streaming ----------------------------------------------------------------

std::string StreamDecoder::push(int32_t id) {
    std::string bytes = m_tok.token_bytes(id, m_render_special);
    if (m_first && !bytes.empty()) { // the space SentencePiece put before the text
        if (m_tok.info().add_space_prefix && bytes[0] == ' ') bytes.erase(0, 1);
        m_first = false;
    }
    m_pending += bytes;
    // Hand out every complete character; hold an incomplete tail (the start
    // of a character whose other bytes come with the next token).
    std::string out;
    size_t i = 0;
    while (i < m_pending.size()) {
        const size_t len = utf8::valid_length(m_pending, i);
        if (len > 0) {
            out.append(m_pending, i, len);
            i += len;
            continue;
        }
        const unsigned char c = static_cast<unsigned char>(m_pending[i]);
        const size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        const size_t rest = m_pending.size() - i;
        bool waiting = c >= 0xC2 && c <= 0xF4 && rest < want;
        for (size_t k = 1; waiting && k < rest; ++k) {
            waiting = (static_cast<unsigned char>(m_pending[i + k]) & 0xC0) == 0x80;
        }
        if (waiting) break;
        out += "\xEF\xBF\xBD"; // U+FFFD: this byte can never become a character
        i += 1;
    }
    m_pending.erase(0, i);
    return out;
}

std::string StreamDecoder::flush() {
    std::string out = sanitize_utf8(m_pending);
    m_pending.clear();
    return out;
}

void StreamDecoder::reset() {
    m_pending.clear();
    m_first = true;
}

size_t find_invalid_utf8(std::string_view s) {
    return utf8::find_invalid(s);
}

std::string sanitize_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const size_t len = utf8::valid_length(s, i);
        if (len == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s, i, len);
            i += len;
        }
    }
    return out;
}

} // namespace moe
