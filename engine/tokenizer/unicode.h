#pragma once
// UTF-8 and the small amount of Unicode the tokenizers need: validation,
// code point iteration, GPT-2's byte-to-unicode alphabet and NFC (utf8proc).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace moe::utf8 {

constexpr size_t npos = std::string_view::npos;

// Length of the valid sequence starting at s[i], or 0 when it is invalid
// (bad lead byte, truncated, overlong, surrogate, above U+10FFFF).
size_t valid_length(std::string_view s, size_t i);
// Byte offset of the first invalid sequence, npos when s is valid.
size_t find_invalid(std::string_view s);
// Decodes the code point at s[i] (s must be valid there) and advances i.
uint32_t next(std::string_view s, size_t& i);
void append(std::string& out, uint32_t cp);

// GPT-2's reversible map of the 256 byte values to printable code points
// ("Ġ" for a space, "Ċ" for a newline), as UTF-8 strings.
const std::array<std::string, 256>& byte_alphabet();
// The byte a code point of that alphabet stands for, or -1.
int alphabet_byte(uint32_t cp);

// Unicode canonical composition (NFC) of valid UTF-8.
std::string nfc(std::string_view s);

} // namespace moe::utf8
