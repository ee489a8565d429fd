#pragma once
// The parsed template: one node type whose fields each kind uses as listed.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace moe::jinja {

enum class NodeKind {
    // statements
    Text, // name: the text
    If, // x: test, body, alt: else branch (an elif is one If in alt)
    For, // x: loop target, y: iterable (a Select filters), body, alt: else
    Break,
    Continue,
    Set, // x: target, y: value or null, body: {% set %}…{% endset %}
    Macro, // name, params, body
    CallBlock, // x: the Call, params: caller's, body
    FilterBlock, // x: filter (Identifier or Call), body
    Comment,
    Output, // x: {{ expression }}
    // expressions
    Int, // ival
    Float, // fval
    String, // name: the text
    List, // items
    Tuple, // items
    Dict, // items: keys, alt: values (in order)
    Identifier, // name
    Member, // x: object, y: property, computed
    Slice, // x, y, z: start, stop, step (each may be null)
    Call, // x: callee, items: arguments
    Unary, // name: "not", "-", "+"; x
    Binary, // name: operator; x, y
    Filter, // x: operand, y: filter (Identifier or Call)
    Test, // x: operand, name: test, negate
    Select, // x: value, y: condition ("a if b" without else)
    Ternary, // x: condition, y: if true, z: if false
    Keyword, // name: key, x: value
    Spread, // x (*args)
    KeywordSpread, // x (**kwargs)
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using Nodes = std::vector<NodePtr>;

struct Node {
    NodeKind kind;
    int line = 0;
    std::string name;
    int64_t ival = 0;
    double fval = 0;
    bool computed = false; // Member: a[b] rather than a.b
    bool negate = false; // Test: "is not"
    NodePtr x, y, z;
    Nodes body, alt, items, params;
};

} // namespace moe::jinja
