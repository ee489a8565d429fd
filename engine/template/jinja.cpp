#include "template/jinja.h"

#include "template/builtins.h"
#include "template/lexer.h"
#include "template/parser.h"

namespace moe::jinja {

Template::Template(std::string_view source)
    : m_program(parse(tokenize(source))) {
}

Str Template::render(const Object& variables, const Limits& limits) const {
    Scope globals;
    install_globals(globals, limits);
    for (const auto& [k, v] : variables.items)
        globals.set(k, v);
    Interpreter in(limits);
    return in.render(m_program, globals);
}

bool Template::reads(std::string_view name) const {
    return mentions(m_program, name);
}

} // namespace moe::jinja
