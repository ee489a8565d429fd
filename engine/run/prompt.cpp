#include "run/prompt.h"

#include "error.h"
#include "tokenizer/tokenizer.h"

#include <fmt/format.h>

#include <climits>
#include <stdexcept>

namespace moe {

std::vector<int32_t> parse_token_ids(const std::string& s) {
    std::vector<int32_t> out;
    size_t i = 0;
    auto separator = [](char c) { return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (i < s.size()) {
        while (i < s.size() && separator(s[i]))
            ++i;
        size_t j = i;
        while (j < s.size() && !separator(s[j]))
            ++j;
        if (j == i) break;
        const std::string item = s.substr(i, j - i);
        try {
            size_t used = 0;
            const long long v = std::stoll(item, &used);
            if (used != item.size() || v < 0 || v > INT32_MAX) throw std::invalid_argument(item);
            out.push_back(int32_t(v));
        } catch (const std::exception&) {
            throw Error(fmt::format("'{}' is not a token id (ids are whole numbers from 0, separated by commas or "
                                    "spaces)",
                item));
        }
        i = j;
    }
    return out;
}

std::string checked_utf8(std::string text, const std::string& what, bool lossy) {
    const size_t bad = find_invalid_utf8(text);
    if (bad == std::string::npos) return text;
    if (lossy) return sanitize_utf8(text);
    throw Error(fmt::format("{} is not valid UTF-8: byte 0x{:02X} at offset {} (--lossy replaces invalid bytes with "
                            "U+FFFD)",
        what, static_cast<unsigned char>(text[bad]), bad));
}

} // namespace moe
