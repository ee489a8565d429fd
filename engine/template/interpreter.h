#pragma once
// Runs a parsed template: scopes, statements, expressions and the limits a
// hostile template runs into (nesting, loop iterations, output size).
#include "template/ast.h"
#include "template/value.h"

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moe::jinja {

struct Limits {
    int max_depth = 200; // nested blocks and macro calls
    uint64_t max_iterations = 1'000'000; // loop turns, range() and list items, in all
    size_t max_output = size_t(16) << 20; // bytes of any one string, the result included
    std::optional<std::time_t> now; // strftime_now's clock (tests fix it); empty: the system's
};

// Whether any node reads the name (macros that take varargs/kwargs; the
// variables a template understands).
bool mentions(const Nodes& nodes, std::string_view name);

// Variables of one block level; a lookup walks out through the parents.
struct Scope {
    Scope* parent = nullptr;
    std::vector<std::pair<std::string, Value>> vars;

    explicit Scope(Scope* p = nullptr)
        : parent(p) { }
    Value lookup(std::string_view name) const;
    void set(const std::string& name, Value v);
};

class Interpreter {
public:
    explicit Interpreter(const Limits& limits)
        : m_limits(limits) { }

    // The template's text; errors are moe::Error naming the line.
    Str render(const Nodes& program, Scope& globals);

    Value eval(const Node& n, Scope& s);
    Str block(const Nodes& body, Scope& s);
    Value call(const Value& fn, Args& args, Scope& s);
    Args arguments(const Nodes& args, Scope& s);

    const Limits& limits() const { return m_limits; }
    void count(uint64_t iterations); // throws past the limit
    void check_size(size_t bytes) const; // throws past the limit
    void check_items(size_t items) const;

private:
    Limits m_limits;
    uint64_t m_iterations = 0;
    int m_depth = 0;
    int m_line = 0;
    enum class Flow { Normal, Break, Continue } m_flow = Flow::Normal;

    struct Depth {
        Interpreter& in;
        explicit Depth(Interpreter& i);
        ~Depth() { --in.m_depth; }
        Depth(const Depth&) = delete;
        Depth& operator=(const Depth&) = delete;
    };

    Value binary(const Node& n, Scope& s);
    Value unary(const Node& n, Scope& s);
    Value member(const Node& n, Scope& s);
    Value slice(const Value& object, const Node& n, Scope& s);
    Value call_expression(const Node& n, Scope& s);
    Value for_loop(const Node& n, Scope& s);
    void set(const Node& n, Scope& s);
    Value macro(const Node& n, Scope& s);
    Value call_block(const Node& n, Scope& s);
    void bind(
        const std::string& who, const Nodes& params, bool uses_varargs, bool uses_kwargs, Args& args, Scope& scope);
};

} // namespace moe::jinja
