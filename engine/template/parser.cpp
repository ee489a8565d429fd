#include "template/parser.h"

#include "error.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>

namespace moe::jinja {

namespace {

class Parser {
public:
    Parser(const std::vector<Token>& tokens, int max_depth)
        : m_t(tokens)
        , m_max_depth(max_depth) { }

    Nodes run() {
        Nodes out;
        while (m_at < m_t.size())
            out.push_back(any());
        return out;
    }

private:
    const std::vector<Token>& m_t;
    size_t m_at = 0;
    int m_depth = 0;
    int m_max_depth;

    // Nesting of the tree being built: every call level, and every link of a
    // chain (a + b + c, a.b.c, a | f | g) adds one, so evaluating and freeing
    // the tree stays within the stack.
    struct Depth {
        Parser& p;
        int levels = 0;
        explicit Depth(Parser& parser, bool count_self = true)
            : p(parser) {
            if (count_self) deeper();
        }
        void deeper() {
            ++levels;
            if (++p.m_depth > p.m_max_depth) p.fail(fmt::format("nesting deeper than {} levels", p.m_max_depth));
        }
        ~Depth() { p.m_depth -= levels; }
        Depth(const Depth&) = delete;
        Depth& operator=(const Depth&) = delete;
    };

    int line() const {
        if (m_t.empty()) return 1;
        return m_t[std::min(m_at, m_t.size() - 1)].line;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(fmt::format("template line {}: {}", line(), what));
    }
    bool is(Tok t, size_t ahead = 0) const { return m_at + ahead < m_t.size() && m_t[m_at + ahead].type == t; }
    bool is_word(std::string_view w, size_t ahead = 0) const {
        return is(Tok::Identifier, ahead) && m_t[m_at + ahead].value == w;
    }
    bool is_statement(std::initializer_list<std::string_view> names) const {
        if (!is(Tok::OpenStatement) || !is(Tok::Identifier, 1)) return false;
        return std::find(names.begin(), names.end(), m_t[m_at + 1].value) != names.end();
    }
    const Token& next(const char* expected) {
        if (m_at >= m_t.size()) fail(fmt::format("the template ends where {} was expected", expected));
        return m_t[m_at++];
    }
    void expect(Tok t, const char* what) {
        if (m_at >= m_t.size()) fail(fmt::format("the template ends where {} was expected", what));
        if (m_t[m_at].type != t) fail(fmt::format("expected {}, found '{}'", what, m_t[m_at].value));
        ++m_at;
    }
    void expect_word(std::string_view w) {
        if (!is_word(w)) fail(fmt::format("expected '{}'", w));
        ++m_at;
    }
    // Statements up to one of the named closing tags (not consumed).
    Nodes until(std::initializer_list<std::string_view> names, const char* block) {
        Nodes out;
        while (!is_statement(names)) {
            if (m_at >= m_t.size()) fail(fmt::format("{} block is not closed", block));
            out.push_back(any());
        }
        return out;
    }
    void end_tag(std::string_view name) {
        expect(Tok::OpenStatement, "{%");
        expect_word(name);
        expect(Tok::CloseStatement, "%}");
    }
    NodePtr node(NodeKind k) {
        auto n = std::make_unique<Node>();
        n->kind = k;
        n->line = line();
        return n;
    }

    NodePtr any();
    NodePtr statement();
    NodePtr set_statement();
    NodePtr if_statement();
    NodePtr for_statement();
    NodePtr macro_statement();

    NodePtr expression() {
        Depth d(*this);
        return if_expression();
    }
    NodePtr sequence(bool primary);
    NodePtr if_expression();
    NodePtr or_expression();
    NodePtr and_expression();
    NodePtr not_expression();
    NodePtr comparison();
    NodePtr additive();
    NodePtr multiplicative();
    NodePtr power();
    NodePtr test();
    NodePtr filter();
    NodePtr unary_sign();
    NodePtr call_member();
    NodePtr call(NodePtr callee);
    Nodes arguments(bool parameters);
    NodePtr member(NodePtr object);
    NodePtr subscript();
    NodePtr primary();
    NodePtr binary(NodePtr l, std::string op, NodePtr r) {
        NodePtr n = node(NodeKind::Binary);
        n->name = std::move(op);
        n->x = std::move(l);
        n->y = std::move(r);
        return n;
    }
};

NodePtr Parser::any() {
    Depth d(*this);
    const Token& t = m_t[m_at];
    switch (t.type) {
    case Tok::Comment: {
        NodePtr n = node(NodeKind::Comment);
        ++m_at;
        return n;
    }
    case Tok::Text: {
        NodePtr n = node(NodeKind::Text);
        n->name = t.value;
        ++m_at;
        return n;
    }
    case Tok::OpenStatement:
        return statement();
    case Tok::OpenExpression: {
        ++m_at;
        NodePtr n = node(NodeKind::Output);
        n->x = expression();
        expect(Tok::CloseExpression, "}}");
        return n;
    }
    default:
        fail(fmt::format("unexpected '{}' outside {{{{ }}}} and {{% %}}", t.value));
    }
}

NodePtr Parser::statement() {
    expect(Tok::OpenStatement, "{%");
    if (!is(Tok::Identifier)) fail("a statement must start with its name");
    const std::string name = m_t[m_at].value;
    ++m_at;
    if (name == "set") return set_statement();
    if (name == "if") {
        NodePtr n = if_statement();
        end_tag("endif");
        return n;
    }
    if (name == "for") {
        NodePtr n = for_statement();
        end_tag("endfor");
        return n;
    }
    if (name == "macro") {
        NodePtr n = macro_statement();
        end_tag("endmacro");
        return n;
    }
    if (name == "break" || name == "continue") {
        NodePtr n = node(name == "break" ? NodeKind::Break : NodeKind::Continue);
        expect(Tok::CloseStatement, "%}");
        return n;
    }
    if (name == "call") {
        NodePtr n = node(NodeKind::CallBlock);
        if (is(Tok::OpenParen)) {
            ++m_at;
            n->params = arguments(true);
            expect(Tok::CloseParen, "')'");
        }
        NodePtr callee = primary();
        if (callee->kind != NodeKind::Identifier) fail("{% call %} needs a macro's name");
        NodePtr c = node(NodeKind::Call);
        c->x = std::move(callee);
        expect(Tok::OpenParen, "'(' after the macro's name");
        c->items = arguments(false);
        expect(Tok::CloseParen, "')'");
        expect(Tok::CloseStatement, "%}");
        n->x = std::move(c);
        n->body = until({ "endcall" }, "{% call %}");
        end_tag("endcall");
        return n;
    }
    if (name == "filter") {
        NodePtr n = node(NodeKind::FilterBlock);
        NodePtr f = primary();
        if (f->kind == NodeKind::Identifier && is(Tok::OpenParen)) f = call(std::move(f));
        n->x = std::move(f);
        expect(Tok::CloseStatement, "%}");
        n->body = until({ "endfilter" }, "{% filter %}");
        end_tag("endfilter");
        return n;
    }
    fail(fmt::format("unknown statement '{}'", name));
}

NodePtr Parser::set_statement() {
    NodePtr n = node(NodeKind::Set);
    n->x = sequence(false);
    if (is(Tok::Equals)) {
        ++m_at;
        n->y = sequence(false);
    } else {
        expect(Tok::CloseStatement, "%}");
        n->body = until({ "endset" }, "{% set %}");
        expect(Tok::OpenStatement, "{%");
        expect_word("endset");
    }
    expect(Tok::CloseStatement, "%}");
    return n;
}

NodePtr Parser::if_statement() {
    Depth d(*this);
    NodePtr n = node(NodeKind::If);
    n->x = expression();
    expect(Tok::CloseStatement, "%}");
    n->body = until({ "elif", "else", "endif" }, "{% if %}");
    if (is_statement({ "elif" })) {
        m_at += 2;
        n->alt.push_back(if_statement());
    } else if (is_statement({ "else" })) {
        m_at += 2;
        expect(Tok::CloseStatement, "%}");
        n->alt = until({ "endif" }, "{% else %}");
    }
    return n;
}

NodePtr Parser::for_statement() {
    NodePtr n = node(NodeKind::For);
    n->x = sequence(true);
    if (n->x->kind != NodeKind::Identifier && n->x->kind != NodeKind::Tuple) {
        fail("a for loop's target must be a name or names");
    }
    expect_word("in");
    n->y = expression();
    expect(Tok::CloseStatement, "%}");
    n->body = until({ "endfor", "else" }, "{% for %}");
    if (is_statement({ "else" })) {
        m_at += 2;
        expect(Tok::CloseStatement, "%}");
        n->alt = until({ "endfor" }, "{% for %}…{% else %}");
    }
    return n;
}

NodePtr Parser::macro_statement() {
    NodePtr n = node(NodeKind::Macro);
    NodePtr name = primary();
    if (name->kind != NodeKind::Identifier) fail("a macro needs a name");
    n->name = name->name;
    expect(Tok::OpenParen, "'(' after the macro's name");
    n->params = arguments(true);
    expect(Tok::CloseParen, "')'");
    expect(Tok::CloseStatement, "%}");
    n->body = until({ "endmacro" }, "{% macro %}");
    return n;
}

NodePtr Parser::sequence(bool primary_only) {
    NodePtr first = primary_only ? primary() : expression();
    if (!is(Tok::Comma)) return first;
    NodePtr t = node(NodeKind::Tuple);
    t->items.push_back(std::move(first));
    while (is(Tok::Comma)) {
        ++m_at;
        t->items.push_back(primary_only ? primary() : expression());
    }
    return t;
}

NodePtr Parser::if_expression() {
    NodePtr a = or_expression();
    if (!is_word("if")) return a;
    ++m_at;
    NodePtr cond = or_expression();
    if (is_word("else")) {
        ++m_at;
        NodePtr n = node(NodeKind::Ternary);
        n->x = std::move(cond);
        n->y = std::move(a);
        Depth d(*this);
        n->z = if_expression();
        return n;
    }
    NodePtr n = node(NodeKind::Select);
    n->x = std::move(a);
    n->y = std::move(cond);
    return n;
}

NodePtr Parser::or_expression() {
    Depth chain(*this, false);
    NodePtr l = and_expression();
    while (is_word("or")) {
        chain.deeper();
        ++m_at;
        l = binary(std::move(l), "or", and_expression());
    }
    return l;
}

NodePtr Parser::and_expression() {
    Depth chain(*this, false);
    NodePtr l = not_expression();
    while (is_word("and")) {
        chain.deeper();
        ++m_at;
        l = binary(std::move(l), "and", not_expression());
    }
    return l;
}

NodePtr Parser::not_expression() {
    if (!is_word("not")) return comparison();
    Depth d(*this);
    ++m_at;
    NodePtr n = node(NodeKind::Unary);
    n->name = "not";
    n->x = not_expression();
    return n;
}

NodePtr Parser::comparison() {
    Depth chain(*this, false);
    NodePtr l = additive();
    while (true) {
        chain.deeper();
        std::string op;
        if (is_word("not") && is_word("in", 1)) {
            op = "not in";
            m_at += 2;
        } else if (is_word("in")) {
            op = "in";
            ++m_at;
        } else if (is(Tok::Comparison)) {
            op = m_t[m_at++].value;
        } else {
            break;
        }
        l = binary(std::move(l), op, additive());
    }
    return l;
}

NodePtr Parser::additive() {
    Depth chain(*this, false);
    NodePtr l = multiplicative();
    while (is(Tok::Additive)) {
        chain.deeper();
        std::string op = m_t[m_at++].value;
        l = binary(std::move(l), op, multiplicative());
    }
    return l;
}

NodePtr Parser::multiplicative() {
    Depth chain(*this, false);
    NodePtr l = power();
    while (is(Tok::Multiplicative)) {
        chain.deeper();
        std::string op = m_t[m_at++].value;
        l = binary(std::move(l), op, power());
    }
    return l;
}

NodePtr Parser::power() {
    Depth chain(*this, false);
    NodePtr l = test();
    while (is(Tok::Power)) {
        chain.deeper();
        ++m_at;
        l = binary(std::move(l), "**", test());
    }
    return l;
}

NodePtr Parser::test() {
    Depth chain(*this, false);
    NodePtr operand = filter();
    while (is_word("is")) {
        chain.deeper();
        ++m_at;
        const bool negate = is_word("not");
        if (negate) ++m_at;
        NodePtr name = primary();
        if (name->kind != NodeKind::Identifier) fail("'is' must be followed by a test's name");
        NodePtr n = node(NodeKind::Test);
        n->x = std::move(operand);
        n->name = name->name;
        n->negate = negate;
        operand = std::move(n);
    }
    return operand;
}

NodePtr Parser::filter() {
    Depth chain(*this, false);
    NodePtr operand = unary_sign();
    while (is(Tok::Pipe)) {
        chain.deeper();
        ++m_at;
        NodePtr f = primary();
        if (f->kind != NodeKind::Identifier) fail("'|' must be followed by a filter's name");
        if (is(Tok::OpenParen)) f = call(std::move(f));
        NodePtr n = node(NodeKind::Filter);
        n->x = std::move(operand);
        n->y = std::move(f);
        operand = std::move(n);
    }
    return operand;
}

NodePtr Parser::unary_sign() {
    if (m_at < m_t.size() && (m_t[m_at].type == Tok::Unary || m_t[m_at].type == Tok::Additive)
        && (m_t[m_at].value == "-" || m_t[m_at].value == "+")) {
        Depth d(*this);
        NodePtr n = node(NodeKind::Unary);
        n->name = m_t[m_at++].value;
        n->x = unary_sign();
        return n;
    }
    return call_member();
}

NodePtr Parser::call_member() {
    NodePtr m = member(primary());
    if (is(Tok::OpenParen)) return call(std::move(m));
    return m;
}

NodePtr Parser::call(NodePtr callee) {
    Depth d(*this);
    NodePtr n = node(NodeKind::Call);
    expect(Tok::OpenParen, "'('");
    n->items = arguments(false);
    expect(Tok::CloseParen, "')'");
    n->x = std::move(callee);
    n = member(std::move(n));
    if (is(Tok::OpenParen)) return call(std::move(n));
    return n;
}

Nodes Parser::arguments(bool parameters) {
    Nodes args;
    bool keyword_seen = false, spread_seen = false;
    while (!is(Tok::CloseParen)) {
        if (m_at >= m_t.size()) fail("an argument list is not closed");
        const bool kw_spread = is(Tok::Power);
        const bool spread = is(Tok::Multiplicative) && m_t[m_at].value == "*";
        if (parameters && (kw_spread || spread)) fail("a macro's parameters cannot be unpacked");
        if (kw_spread) {
            ++m_at;
            NodePtr n = node(NodeKind::KeywordSpread);
            n->x = expression();
            args.push_back(std::move(n));
            if (is(Tok::Comma)) ++m_at;
            if (!is(Tok::CloseParen)) fail("'**' must be the last argument");
            break;
        }
        NodePtr a;
        if (spread) {
            if (spread_seen) fail("only one '*' argument is allowed");
            spread_seen = true;
            ++m_at;
            a = node(NodeKind::Spread);
            a->x = expression();
        } else {
            a = expression();
            if (is(Tok::Equals)) {
                ++m_at;
                if (a->kind != NodeKind::Identifier) fail("a keyword argument needs a name before '='");
                NodePtr k = node(NodeKind::Keyword);
                k->name = a->name;
                k->x = expression();
                a = std::move(k);
            }
            if (parameters) {
                if (a->kind != NodeKind::Identifier && a->kind != NodeKind::Keyword) fail("a parameter must be a name");
                for (const NodePtr& p : args) {
                    if (p->name == a->name) fail(fmt::format("parameter '{}' is declared twice", a->name));
                }
            }
            if (a->kind == NodeKind::Keyword) {
                keyword_seen = true;
            } else if (keyword_seen) {
                fail(parameters ? "a parameter without a default follows one with a default"
                                : "a positional argument follows a keyword argument");
            } else if (spread_seen && !parameters) {
                fail("a positional argument follows '*'");
            }
        }
        args.push_back(std::move(a));
        if (is(Tok::Comma)) ++m_at;
    }
    return args;
}

NodePtr Parser::subscript() {
    NodePtr parts[3];
    int count = 0;
    bool slice = false;
    while (!is(Tok::CloseSquare)) {
        if (m_at >= m_t.size()) fail("a '[' is not closed");
        if (count == 3) fail("a slice has at most three parts");
        if (is(Tok::Colon)) {
            ++count;
            ++m_at;
            slice = true;
        } else {
            parts[count++] = expression();
            if (is(Tok::Colon)) {
                ++m_at;
                slice = true;
            }
        }
    }
    if (count == 0) fail("'[]' needs an index or a slice");
    if (!slice) return std::move(parts[0]);
    NodePtr n = node(NodeKind::Slice);
    n->x = std::move(parts[0]);
    n->y = std::move(parts[1]);
    n->z = std::move(parts[2]);
    return n;
}

NodePtr Parser::member(NodePtr object) {
    Depth chain(*this, false);
    while (is(Tok::Dot) || is(Tok::OpenSquare)) {
        chain.deeper();
        const bool computed = is(Tok::OpenSquare);
        ++m_at;
        NodePtr n = node(NodeKind::Member);
        n->computed = computed;
        if (computed) {
            n->y = subscript();
            expect(Tok::CloseSquare, "']'");
        } else {
            n->y = primary();
            if (n->y->kind != NodeKind::Identifier && n->y->kind != NodeKind::Int) {
                fail("'.' must be followed by a name or an integer");
            }
        }
        n->x = std::move(object);
        object = std::move(n);
    }
    return object;
}

NodePtr Parser::primary() {
    Depth d(*this);
    const Token& t = next("an expression");
    switch (t.type) {
    case Tok::Number: {
        const bool is_float = t.value.find('.') != std::string::npos;
        NodePtr n = node(is_float ? NodeKind::Float : NodeKind::Int);
        const char* b = t.value.data() + (t.value[0] == '+' ? 1 : 0);
        const char* e = t.value.data() + t.value.size();
        if (is_float) {
            std::from_chars(b, e, n->fval);
        } else if (std::from_chars(b, e, n->ival).ec != std::errc()) {
            n->kind = NodeKind::Float; // beyond 64 bits: a double, as JavaScript reads it
            std::from_chars(b, e, n->fval, std::chars_format::fixed);
        }
        return n;
    }
    case Tok::String: {
        NodePtr n = node(NodeKind::String);
        n->name = t.value;
        while (is(Tok::String))
            n->name += m_t[m_at++].value; // adjacent literals join
        return n;
    }
    case Tok::Identifier: {
        NodePtr n = node(NodeKind::Identifier);
        n->name = t.value;
        return n;
    }
    case Tok::OpenParen: {
        NodePtr n = sequence(false);
        expect(Tok::CloseParen, "')'");
        return n;
    }
    case Tok::OpenSquare: {
        NodePtr n = node(NodeKind::List);
        while (!is(Tok::CloseSquare)) {
            if (m_at >= m_t.size()) fail("a list '[' is not closed");
            n->items.push_back(expression());
            if (is(Tok::Comma)) ++m_at;
        }
        ++m_at;
        return n;
    }
    case Tok::OpenCurly: {
        NodePtr n = node(NodeKind::Dict);
        while (!is(Tok::CloseCurly)) {
            if (m_at >= m_t.size()) fail("a mapping '{' is not closed");
            n->items.push_back(expression());
            expect(Tok::Colon, "':' between a key and its value");
            n->alt.push_back(expression());
            if (is(Tok::Comma)) ++m_at;
        }
        ++m_at;
        return n;
    }
    default:
        fail(fmt::format("unexpected '{}'", t.value));
    }
}

} // namespace

Nodes parse(const std::vector<Token>& tokens, int max_depth) {
    return Parser(tokens, max_depth).run();
}

} // namespace moe::jinja
