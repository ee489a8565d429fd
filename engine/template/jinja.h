#pragma once
// The Jinja renderer for chat templates: the subset HF chat templates use
// (if/for/set/macro/call/filter blocks, namespace, loop variables, filters,
// tests, string/list/mapping methods, slicing, raise_exception, "-"
// whitespace control, trim_blocks and lstrip_blocks as HF sets them), with
// the semantics of @huggingface/jinja, which tests/templates checks it
// against on the real templates. Errors are moe::Error naming the line.
#include "template/ast.h"
#include "template/interpreter.h"
#include "template/value.h"

#include <string>
#include <string_view>

namespace moe::jinja {

class Template {
public:
    // Parses; throws moe::Error for text that is not a template.
    explicit Template(std::string_view source);

    // Renders with the given variables (the globals come first, so a
    // variable of the same name wins). Each output byte says whether the
    // template wrote it or it came from a string marked as data.
    Str render(const Object& variables, const Limits& limits = {}) const;

    // Whether the template reads a variable of that name anywhere (for
    // example enable_thinking), so callers offer only what it understands.
    bool reads(std::string_view name) const;

private:
    Nodes m_program;
};

} // namespace moe::jinja
