#include "template/lexer.h"

#include "error.h"
#include "template/value.h"
#include "tokenizer/unicode.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace moe::jinja {

namespace {

bool starts(std::string_view s, size_t at, std::string_view what) {
    return s.substr(at, what.size()) == what;
}

// Byte length of the (JavaScript \s) whitespace character at s[i], 0 when none.
size_t space_len(std::string_view s, size_t i) {
    if (i >= s.size()) return 0;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return (c == ' ' || (c >= '\t' && c <= '\r')) ? 1 : 0;
    const size_t n = utf8::valid_length(s, i);
    if (n == 0) return 0;
    size_t j = i;
    return is_js_space(utf8::next(s, j)) ? n : 0;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_word(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Removes {% generation %} / {% endgeneration %} markers (HF's assistant
// masks), honouring their "-" on either side.
std::string drop_generation_tags(std::string s) {
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        const size_t open = s.find("{%", i);
        if (open == std::string::npos) break;
        size_t j = open + 2;
        const bool strip_before = j < s.size() && s[j] == '-';
        if (strip_before) ++j;
        while (size_t n = space_len(s, j))
            j += n;
        if (starts(s, j, "end")) j += 3;
        bool is_tag = starts(s, j, "generation");
        size_t after = 0;
        bool strip_after = false;
        if (is_tag) {
            j += 10;
            while (size_t n = space_len(s, j))
                j += n;
            strip_after = j < s.size() && s[j] == '-';
            if (strip_after) ++j;
            is_tag = starts(s, j, "%}");
            after = j + 2;
        }
        if (!is_tag) {
            out.append(s, i, open + 2 - i);
            i = open + 2;
            continue;
        }
        std::string before = s.substr(i, open - i);
        if (strip_before) {
            size_t e = before.size();
            while (e > 0 && (before[e - 1] == ' ' || (before[e - 1] >= '\t' && before[e - 1] <= '\r')))
                --e;
            before.resize(e);
        }
        out += before;
        i = after;
        if (strip_after) {
            while (size_t n = space_len(s, i))
                i += n;
        }
    }
    out.append(s, i, std::string::npos);
    return out;
}

class Lexer {
public:
    explicit Lexer(std::string src)
        : m_src(std::move(src)) { }

    std::vector<Token> run();

private:
    std::string m_src;
    size_t m_at = 0;
    std::vector<Token> m_tokens;
    int m_curly_depth = 0;
    mutable size_t m_counted = 0;
    mutable int m_line = 1;

    [[noreturn]] void fail(const std::string& what) const {
        throw Error(fmt::format("template line {}: {}", line_at(m_at), what));
    }
    // Positions only move forward, so lines are counted once.
    int line_at(size_t pos) const {
        pos = std::min(pos, m_src.size());
        if (pos < m_counted) {
            m_counted = 0;
            m_line = 1;
        }
        m_line += int(std::count(m_src.begin() + m_counted, m_src.begin() + pos, '\n'));
        m_counted = pos;
        return m_line;
    }
    void push(Tok t, std::string v, size_t pos) { m_tokens.push_back({ t, std::move(v), line_at(pos) }); }
    Tok last_type() const { return m_tokens.empty() ? Tok::Comment : m_tokens.back().type; }
    void strip_trailing_whitespace();
    void skip_whitespace() {
        while (size_t n = space_len(m_src, m_at))
            m_at += n;
    }
    std::string read_string(char quote);
    bool try_sign();
};

void Lexer::strip_trailing_whitespace() {
    if (m_tokens.empty() || m_tokens.back().type != Tok::Text) return;
    std::string& t = m_tokens.back().value;
    t = trim(Str(t), false, true).text;
    if (t.empty()) m_tokens.pop_back();
}

std::string Lexer::read_string(char quote) {
    std::string out;
    while (true) {
        if (m_at >= m_src.size()) fail("a string literal is not closed");
        const char c = m_src[m_at];
        if (c == quote) break;
        if (c != '\\') {
            out += c;
            ++m_at;
            continue;
        }
        if (++m_at >= m_src.size()) fail("a string literal ends in a backslash");
        const char e = m_src[m_at++];
        if (e == 'x' || e == 'u') {
            const size_t n = e == 'x' ? 2 : 4;
            const std::string hex = m_src.substr(m_at, n);
            if (hex.size() != n || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
                fail(fmt::format("invalid escape \\{}{}", e, hex));
            }
            utf8::append(out, uint32_t(std::stoul(hex, nullptr, 16)));
            m_at += n;
            continue;
        }
        static constexpr std::array<std::pair<char, char>, 9> escapes = { { { 'n', '\n' }, { 't', '\t' }, { 'r', '\r' },
            { 'b', '\b' }, { 'f', '\f' }, { 'v', '\v' }, { '\'', '\'' }, { '"', '"' }, { '\\', '\\' } } };
        const auto* found = std::find_if(escapes.begin(), escapes.end(), [&](const auto& p) { return p.first == e; });
        if (found == escapes.end()) fail(fmt::format("unknown escape \\{}", e));
        out += found->second;
    }
    ++m_at; // the closing quote
    return out;
}

// A "-" or "+": a sign (possibly of a number) after an operator, else binary.
bool Lexer::try_sign() {
    const char c = m_src[m_at];
    if (c != '-' && c != '+') return false;
    const Tok last = last_type();
    if (m_tokens.empty() || last == Tok::Text) fail(fmt::format("unexpected '{}'", c));
    switch (last) {
    case Tok::Identifier:
    case Tok::Number:
    case Tok::String:
    case Tok::CloseParen:
    case Tok::CloseSquare:
        return false;
    default:
        break;
    }
    const size_t pos = m_at++;
    std::string num;
    while (m_at < m_src.size() && is_digit(m_src[m_at]))
        num += m_src[m_at++];
    if (!num.empty() && m_at + 1 < m_src.size() && m_src[m_at] == '.' && is_digit(m_src[m_at + 1])) {
        num += m_src[m_at++];
        while (m_at < m_src.size() && is_digit(m_src[m_at]))
            num += m_src[m_at++];
    }
    push(num.empty() ? Tok::Unary : Tok::Number, std::string(1, c) + num, pos);
    return true;
}

std::vector<Token> Lexer::run() {
    static const std::array<std::pair<std::string_view, Tok>, 27> table = { {
        { "{%", Tok::OpenStatement },
        { "%}", Tok::CloseStatement },
        { "{{", Tok::OpenExpression },
        { "}}", Tok::CloseExpression },
        { "(", Tok::OpenParen },
        { ")", Tok::CloseParen },
        { "{", Tok::OpenCurly },
        { "}", Tok::CloseCurly },
        { "[", Tok::OpenSquare },
        { "]", Tok::CloseSquare },
        { ",", Tok::Comma },
        { ".", Tok::Dot },
        { ":", Tok::Colon },
        { "|", Tok::Pipe },
        { "<=", Tok::Comparison },
        { ">=", Tok::Comparison },
        { "==", Tok::Comparison },
        { "!=", Tok::Comparison },
        { "<", Tok::Comparison },
        { ">", Tok::Comparison },
        { "+", Tok::Additive },
        { "-", Tok::Additive },
        { "~", Tok::Additive },
        { "**", Tok::Power },
        { "*", Tok::Multiplicative },
        { "//", Tok::Multiplicative },
        { "/", Tok::Multiplicative },
    } };
    const std::string_view src = m_src;
    while (m_at < src.size()) {
        const Tok last = last_type();
        if (m_tokens.empty() || last == Tok::CloseStatement || last == Tok::CloseExpression || last == Tok::Comment) {
            size_t end = m_at;
            while (end < src.size()
                && !(src[end] == '{' && end + 1 < src.size()
                    && (src[end + 1] == '%' || src[end + 1] == '{' || src[end + 1] == '#'))) {
                ++end;
            }
            if (end > m_at) {
                push(Tok::Text, std::string(src.substr(m_at, end - m_at)), m_at);
                m_at = end;
                continue;
            }
        }
        if (starts(src, m_at, "{#")) {
            const size_t pos = m_at;
            m_at += 2;
            const bool strip_before = m_at < src.size() && src[m_at] == '-';
            if (strip_before) ++m_at;
            const size_t close = src.find("#}", m_at);
            if (close == std::string::npos) fail("a comment {# is not closed");
            std::string comment(src.substr(m_at, close - m_at));
            const bool strip_after = !comment.empty() && comment.back() == '-';
            if (strip_after) comment.pop_back();
            if (strip_before) strip_trailing_whitespace();
            push(Tok::Comment, std::move(comment), pos);
            m_at = close + 2;
            if (strip_after) skip_whitespace();
            continue;
        }
        if (starts(src, m_at, "{%-") || starts(src, m_at, "{{-")) {
            strip_trailing_whitespace();
            const bool stmt = src[m_at + 1] == '%';
            push(stmt ? Tok::OpenStatement : Tok::OpenExpression, stmt ? "{%" : "{{", m_at);
            if (!stmt) m_curly_depth = 0;
            m_at += 3;
            continue;
        }
        skip_whitespace();
        if (m_at >= src.size()) break;
        if (starts(src, m_at, "-%}") || starts(src, m_at, "-}}")) {
            const bool stmt = src[m_at + 1] == '%';
            push(stmt ? Tok::CloseStatement : Tok::CloseExpression, stmt ? "%}" : "}}", m_at);
            m_at += 3;
            skip_whitespace();
            continue;
        }
        if (try_sign()) continue;
        bool matched = false;
        for (const auto& [seq, type] : table) {
            if (seq == "}}" && m_curly_depth > 0) continue;
            if (!starts(src, m_at, seq)) continue;
            push(type, std::string(seq), m_at);
            if (type == Tok::OpenExpression) m_curly_depth = 0;
            if (type == Tok::OpenCurly) ++m_curly_depth;
            if (type == Tok::CloseCurly) --m_curly_depth;
            m_at += seq.size();
            matched = true;
            break;
        }
        if (matched) continue;
        if (src[m_at] == '%') {
            push(Tok::Multiplicative, "%", m_at++);
            continue;
        }
        if (src[m_at] == '=') {
            push(Tok::Equals, "=", m_at++);
            continue;
        }
        const char c = src[m_at];
        if (c == '\'' || c == '"') {
            const size_t pos = m_at++;
            push(Tok::String, read_string(c), pos);
            continue;
        }
        if (is_digit(c)) {
            const size_t pos = m_at;
            std::string num;
            while (m_at < src.size() && is_digit(src[m_at]))
                num += src[m_at++];
            if (last_type() != Tok::Dot && m_at + 1 < src.size() && src[m_at] == '.' && is_digit(src[m_at + 1])) {
                num += src[m_at++];
                while (m_at < src.size() && is_digit(src[m_at]))
                    num += src[m_at++];
            }
            push(Tok::Number, std::move(num), pos);
            continue;
        }
        if (is_word(c)) {
            const size_t pos = m_at;
            std::string word;
            while (m_at < src.size() && is_word(src[m_at]))
                word += src[m_at++];
            push(Tok::Identifier, std::move(word), pos);
            continue;
        }
        fail(fmt::format("unexpected character '{}'",
            c >= 0x20 && c < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", static_cast<unsigned char>(c))));
    }
    return std::move(m_tokens);
}

} // namespace

std::string preprocess(std::string_view source) {
    std::string s(source);
    if (!s.empty() && s.back() == '\n') s.pop_back();
    // lstrip_blocks: spaces and tabs at a line's start go before {% {# and {-
    std::string out;
    out.reserve(s.size());
    bool line_start = true;
    for (size_t i = 0; i < s.size();) {
        if (line_start) {
            size_t j = i;
            while (j < s.size() && (s[j] == ' ' || s[j] == '\t'))
                ++j;
            if (j + 1 < s.size() && s[j] == '{' && (s[j + 1] == '#' || s[j + 1] == '%' || s[j + 1] == '-')) i = j;
        }
        const char c = s[i++];
        out += c;
        line_start = c == '\n' || c == '\r';
    }
    // trim_blocks: the newline right after %} #} (and -}) goes
    s.clear();
    for (size_t i = 0; i < out.size(); ++i) {
        s += out[i];
        if (out[i] == '}' && i > 0 && (out[i - 1] == '%' || out[i - 1] == '#' || out[i - 1] == '-')
            && i + 1 < out.size() && out[i + 1] == '\n') {
            ++i;
        }
    }
    return drop_generation_tags(std::move(s));
}

std::vector<Token> tokenize(std::string_view source) {
    return Lexer(preprocess(source)).run();
}

} // namespace moe::jinja
