#include "template/jinja.h"

#include "template/builtins.h"
#include "template/lexer.h"
#include "template/parser.h"

namespace moe::jinja {

namespace {

bool reads_in(const Nodes& nodes, std::string_view name);

bool reads_in(const Node* n, std::string_view name) {
    if (!n) return false;
    if (n->kind == NodeKind::Identifier && n->name == name) return true;
    return reads_in(n->x.get(), name) || reads_in(n->y.get(), name) || reads_in(n->z.get(), name)
        || reads_in(n->body, name) || reads_in(n->alt, name) || reads_in(n->items, name) || reads_in(n->params, name);
}

bool reads_in(const Nodes& nodes, std::string_view name) {
    for (const NodePtr& n : nodes) {
        if (reads_in(n.get(), name)) return true;
    }
    return false;
}

} // namespace

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
    return reads_in(m_program, name);
}

} // namespace moe::jinja
