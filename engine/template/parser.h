#pragma once
// Tokens to the template's tree, with @huggingface/jinja's grammar and
// operator precedence (so templates mean what they mean to HF).
#include "template/ast.h"
#include "template/lexer.h"

namespace moe::jinja {

// Throws moe::Error naming the line; nesting deeper than max_depth is refused
// (a hostile template cannot exhaust the stack).
Nodes parse(const std::vector<Token>& tokens, int max_depth = 256);

} // namespace moe::jinja
