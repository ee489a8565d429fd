#pragma once
// Jinja source to tokens, as @huggingface/jinja reads chat templates:
// trim_blocks and lstrip_blocks on (HF's setting), one trailing newline
// dropped, {% generation %} markers removed, "-" whitespace control.
#include <string>
#include <string_view>
#include <vector>

namespace moe::jinja {

enum class Tok {
    Text,
    Number,
    String,
    Identifier,
    Equals,
    OpenParen,
    CloseParen,
    OpenStatement,
    CloseStatement,
    OpenExpression,
    CloseExpression,
    OpenSquare,
    CloseSquare,
    OpenCurly,
    CloseCurly,
    Comma,
    Dot,
    Colon,
    Pipe,
    Additive, // + - ~
    Multiplicative, // * / // %
    Power, // **
    Comparison, // < > <= >= == !=
    Unary, // a sign before an operand
    Comment,
};

struct Token {
    Tok type;
    std::string value;
    int line = 1; // 1-based line of the (preprocessed) source
};

// The source after HF's preprocessing (exposed for tests).
std::string preprocess(std::string_view source);
// Throws moe::Error naming the line for text that is not Jinja.
std::vector<Token> tokenize(std::string_view source);

} // namespace moe::jinja
