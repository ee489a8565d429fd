#include "tokenizer/unicode.h"

#include "error.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace moe::utf8 {

size_t valid_length(std::string_view s, size_t i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const size_t n = s.size();
    const unsigned c = b(i);
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0; // continuation byte or overlong 2-byte lead
    auto cont = [&](size_t k) { return k < n && (b(k) & 0xC0) == 0x80; };
    if (c < 0xE0) return cont(i + 1) ? 2 : 0;
    if (c < 0xF0) {
        if (!cont(i + 1) || !cont(i + 2)) return 0;
        if (c == 0xE0 && b(i + 1) < 0xA0) return 0; // overlong
        if (c == 0xED && b(i + 1) >= 0xA0) return 0; // UTF-16 surrogate
        return 3;
    }
    if (c < 0xF5) {
        if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
        if (c == 0xF0 && b(i + 1) < 0x90) return 0; // overlong
        if (c == 0xF4 && b(i + 1) >= 0x90) return 0; // above U+10FFFF
        return 4;
    }
    return 0;
}

size_t find_invalid(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        // ASCII fast path, 8 bytes at a time
        while (i + 8 <= s.size()) {
            uint64_t w;
            __builtin_memcpy(&w, s.data() + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= s.size()) break;
        const size_t len = valid_length(s, i);
        if (len == 0) return i;
        i += len;
    }
    return npos;
}

uint32_t next(std::string_view s, size_t& i) {
    const auto b = [&](size_t k) { return uint32_t(static_cast<unsigned char>(s[k])); };
    const uint32_t c = b(i);
    if (c < 0x80) {
        i += 1;
        return c;
    }
    if (c < 0xE0) {
        const uint32_t cp = ((c & 0x1F) << 6) | (b(i + 1) & 0x3F);
        i += 2;
        return cp;
    }
    if (c < 0xF0) {
        const uint32_t cp = ((c & 0x0F) << 12) | ((b(i + 1) & 0x3F) << 6) | (b(i + 2) & 0x3F);
        i += 3;
        return cp;
    }
    const uint32_t cp = ((c & 0x07) << 18) | ((b(i + 1) & 0x3F) << 12) | ((b(i + 2) & 0x3F) << 6) | (b(i + 3) & 0x3F);
    i += 4;
    return cp;
}

void append(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

namespace {

// Printable bytes stand for themselves; the other 68 are shifted to 256+.
struct Alphabet {
    std::array<std::string, 256> to_text;
    std::array<int16_t, 512> to_byte {};
    Alphabet() {
        to_byte.fill(-1);
        int shifted = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            const uint32_t cp = printable ? uint32_t(b) : uint32_t(256 + shifted++);
            append(to_text[size_t(b)], cp);
            to_byte[cp] = int16_t(b);
        }
    }
};

const Alphabet& alphabet() {
    static const Alphabet a;
    return a;
}

} // namespace

const std::array<std::string, 256>& byte_alphabet() {
    return alphabet().to_text;
}

int alphabet_byte(uint32_t cp) {
    return cp < 512 ? alphabet().to_byte[cp] : -1;
}

namespace {

std::string nfc_run(std::string_view s) {
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
        utf8proc_ssize_t(s.size()), &out, utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0) throw Error(std::string("NFC normalisation failed: ") + utf8proc_errmsg(n));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> hold(out, &std::free);
    return std::string(reinterpret_cast<const char*>(out), size_t(n));
}

bool ascii(char c) {
    return !(static_cast<unsigned char>(c) & 0x80);
}

} // namespace

// NFC only ever changes non-ASCII text and the ASCII letter just before it
// (a base that a combining mark composes with). ASCII is never the second
// half of a composition, so the text splits into independent runs there and
// plain ASCII is copied as is.
std::string nfc(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    const size_t n = s.size();
    auto boundary = [&](size_t j) { return ascii(s[j]) && (j + 1 == n || ascii(s[j + 1])); };
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && boundary(j))
            ++j;
        out.append(s, i, j - i);
        if (j >= n) break;
        size_t k = j + 1;
        while (k < n && !boundary(k))
            ++k;
        out += nfc_run(s.substr(j, k - j));
        i = k;
    }
    return out;
}

} // namespace moe::utf8
