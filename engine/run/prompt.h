#pragma once
// What a run is given to read: text (UTF-8, checked) or token ids, as the
// command line and the window both take it.
#include <cstdint>
#include <string>
#include <vector>

namespace moe {

struct Prompt {
    std::string text;
    std::vector<int32_t> ids; // when given, the prompt is these ids and `text` is ignored
    bool parse_special = false; // special-token strings in the text become control tokens
    bool given() const { return !text.empty() || !ids.empty(); }
};

// "1,2, 3" or "1 2 3" as token ids; throws moe::Error naming the first item
// that is not a non-negative 32-bit number.
std::vector<int32_t> parse_token_ids(const std::string& s);

// The text when it is valid UTF-8; else, with `lossy`, the text with U+FFFD
// for every invalid byte; else moe::Error naming `what`, the byte and its
// offset ("input.txt is not valid UTF-8: byte 0xFF at offset 3").
std::string checked_utf8(std::string text, const std::string& what, bool lossy);

} // namespace moe
