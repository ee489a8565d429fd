#include "template/interpreter.h"

#include "error.h"
#include "template/builtins.h"

#include <fmt/format.h>

#include <cmath>
#include <functional>

namespace moe::jinja {

namespace {

bool mentions_any(const Nodes& nodes, std::string_view name);

bool mentions(const Node* n, std::string_view name) {
    if (!n) return false;
    if (n->kind == NodeKind::Identifier && n->name == name) return true;
    return mentions(n->x.get(), name) || mentions(n->y.get(), name) || mentions(n->z.get(), name)
        || mentions_any(n->body, name) || mentions_any(n->alt, name) || mentions_any(n->items, name)
        || mentions_any(n->params, name);
}

bool mentions_any(const Nodes& nodes, std::string_view name) {
    for (const NodePtr& n : nodes) {
        if (mentions(n.get(), name)) return true;
    }
    return false;
}

double as_number(const Value& v) {
    return v.kind == Kind::Int ? double(v.i) : v.kind == Kind::Float ? v.f : (v.b ? 1.0 : 0.0);
}

bool numeric_like(const Value& v) {
    return v.kind == Kind::Int || v.kind == Kind::Float || v.kind == Kind::Bool;
}

Str text_of(const Value& v) {
    return v.is_string() ? v.s : Str(scalar_text(v));
}

// Python-style slice bounds over n items.
std::vector<size_t> slice_indices(size_t n, const Value& start, const Value& stop, const Value& step) {
    const int64_t len = int64_t(n);
    const int64_t st = step.is_undefined() ? 1 : step.i;
    if (st == 0) throw Error("a slice step cannot be zero");
    std::vector<size_t> out;
    if (st > 0) {
        int64_t b = start.is_undefined() ? 0 : start.i;
        int64_t e = stop.is_undefined() ? len : stop.i;
        b = b < 0 ? std::max<int64_t>(len + b, 0) : std::min(b, len);
        e = e < 0 ? std::max<int64_t>(len + e, 0) : std::min(e, len);
        for (int64_t i = b; i < e; i += st)
            out.push_back(size_t(i));
    } else {
        int64_t b = start.is_undefined() ? len - 1 : start.i;
        int64_t e = stop.is_undefined() ? -1 : stop.i;
        b = b < 0 ? std::max<int64_t>(len + b, -1) : std::min(b, len - 1);
        e = e < -1 ? std::max<int64_t>(len + e, -1) : std::min(e, len - 1);
        for (int64_t i = b; i > e; i += st)
            out.push_back(size_t(i));
    }
    return out;
}

} // namespace

bool mentions(const Nodes& nodes, std::string_view name) {
    return mentions_any(nodes, name);
}

Value Scope::lookup(std::string_view name) const {
    for (const Scope* s = this; s; s = s->parent) {
        for (const auto& [k, v] : s->vars) {
            if (k == name) return v;
        }
    }
    return Value();
}

void Scope::set(const std::string& name, Value v) {
    for (auto& [k, old] : vars) {
        if (k == name) {
            old = std::move(v);
            return;
        }
    }
    vars.emplace_back(name, std::move(v));
}

Interpreter::Depth::Depth(Interpreter& i)
    : in(i) {
    if (++in.m_depth > in.m_limits.max_depth) {
        --in.m_depth;
        throw Error(fmt::format("blocks and macro calls nest deeper than {} levels", in.m_limits.max_depth));
    }
}

void Interpreter::count(uint64_t iterations) {
    m_iterations += iterations;
    if (m_iterations > m_limits.max_iterations) {
        throw Error(fmt::format("more than {} loop iterations and list items", m_limits.max_iterations));
    }
}

void Interpreter::check_size(size_t bytes) const {
    if (bytes > m_limits.max_output) {
        throw Error(fmt::format("a string grows past {} bytes", m_limits.max_output));
    }
}

void Interpreter::check_items(size_t items) const {
    if (items > m_limits.max_iterations) {
        throw Error(fmt::format("a list grows past {} items", m_limits.max_iterations));
    }
}

Str Interpreter::render(const Nodes& program, Scope& globals) {
    try {
        return block(program, globals);
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.rfind("template", 0) == 0) throw;
        throw Error(fmt::format("template line {}: {}", m_line, what));
    }
}

Str Interpreter::block(const Nodes& body, Scope& s) {
    Depth d(*this);
    Str out;
    for (const NodePtr& n : body) {
        m_line = n->line;
        switch (n->kind) {
        case NodeKind::Text:
            out.append(n->name);
            break;
        case NodeKind::Comment:
        case NodeKind::Macro:
            eval(*n, s);
            break;
        case NodeKind::Set:
            set(*n, s);
            break;
        case NodeKind::Break:
            m_flow = Flow::Break;
            return out;
        case NodeKind::Continue:
            m_flow = Flow::Continue;
            return out;
        default: {
            const Value v = eval(*n, s);
            if (!v.is_none() && !v.is_undefined()) out.append(to_output(v, m_limits.max_output));
        }
        }
        check_size(out.text.size());
        if (m_flow != Flow::Normal) return out;
    }
    return out;
}

Value Interpreter::eval(const Node& n, Scope& s) {
    switch (n.kind) {
    case NodeKind::Text:
    case NodeKind::String:
        return Value::string(n.name);
    case NodeKind::Int:
        return Value::integer(n.ival);
    case NodeKind::Float:
        return Value::real(n.fval);
    case NodeKind::Comment:
        return Value::none();
    case NodeKind::Output:
        return eval(*n.x, s);
    case NodeKind::If:
        return Value::string(block(eval(*n.x, s).truthy() ? n.body : n.alt, s));
    case NodeKind::For:
        return for_loop(n, s);
    case NodeKind::Set:
        set(n, s);
        return Value::none();
    case NodeKind::Macro:
        return macro(n, s);
    case NodeKind::CallBlock:
        return call_block(n, s);
    case NodeKind::FilterBlock:
        return apply_filter(*this, Value::string(block(n.body, s)), *n.x, s);
    case NodeKind::Break:
    case NodeKind::Continue:
        throw Error("break and continue belong in a for loop");
    case NodeKind::List:
    case NodeKind::Tuple: {
        Array a;
        a.reserve(n.items.size());
        for (const NodePtr& item : n.items)
            a.push_back(eval(*item, s));
        return Value::array(std::move(a), n.kind == NodeKind::Tuple ? Kind::Tuple : Kind::Array);
    }
    case NodeKind::Dict: {
        Object o;
        for (size_t i = 0; i < n.items.size(); ++i) {
            const Value k = eval(*n.items[i], s);
            if (!k.is_string()) throw Error(fmt::format("a mapping's keys must be strings, not {}", k.type_name()));
            o.set(k.s.text, eval(*n.alt[i], s));
        }
        return Value::object(std::move(o));
    }
    case NodeKind::Identifier:
        return s.lookup(n.name);
    case NodeKind::Member:
        return member(n, s);
    case NodeKind::Call:
        return call_expression(n, s);
    case NodeKind::Unary:
        return unary(n, s);
    case NodeKind::Binary:
        return binary(n, s);
    case NodeKind::Filter:
        return apply_filter(*this, eval(*n.x, s), *n.y, s);
    case NodeKind::Test: {
        const bool r = apply_test(n.name, eval(*n.x, s), nullptr);
        return Value::boolean(n.negate ? !r : r);
    }
    case NodeKind::Select: {
        if (!eval(*n.y, s).truthy()) return Value();
        return eval(*n.x, s);
    }
    case NodeKind::Ternary:
        return eval(*n.x, s).truthy() ? eval(*n.y, s) : eval(*n.z, s);
    case NodeKind::Slice:
    case NodeKind::Keyword:
    case NodeKind::Spread:
    case NodeKind::KeywordSpread:
        throw Error("a slice or keyword argument is used outside [] or ()");
    }
    return Value();
}

Value Interpreter::unary(const Node& n, Scope& s) {
    const Value v = eval(*n.x, s);
    if (n.name == "not") return Value::boolean(!v.truthy());
    const double sign = n.name == "-" ? -1.0 : 1.0;
    if (v.kind == Kind::Float) return Value::real(sign * v.f);
    if (v.kind == Kind::Int || v.kind == Kind::Bool) {
        const int64_t x = v.kind == Kind::Int ? v.i : int64_t(v.b);
        return Value::integer(sign < 0 ? int64_t(0 - uint64_t(x)) : x);
    }
    throw Error(fmt::format("unary '{}' needs a number, not {}", n.name, v.type_name()));
}

Value Interpreter::binary(const Node& n, Scope& s) {
    const std::string& op = n.name;
    Value l = eval(*n.x, s);
    if (op == "and") return l.truthy() ? eval(*n.y, s) : l;
    if (op == "or") return l.truthy() ? l : eval(*n.y, s);
    Value r = eval(*n.y, s);
    if (op == "==") return Value::boolean(loose_equal(l, r));
    if (op == "!=") return Value::boolean(!loose_equal(l, r));
    const bool membership = op == "in" || op == "not in";
    if (l.is_undefined() || r.is_undefined()) {
        if (r.is_undefined() && membership) return Value::boolean(op == "not in");
        throw Error(fmt::format("'{}' with an undefined value", op));
    }
    if (l.is_none() || r.is_none()) throw Error(fmt::format("'{}' with none", op));
    if (op == "~") {
        Str out = text_of(l);
        out.append(text_of(r));
        check_size(out.text.size());
        return Value::string(std::move(out));
    }
    if (op == "**" && numeric_like(l) && numeric_like(r)) {
        const double a = as_number(l), b = as_number(r);
        if (a == 0 && b < 0) throw Error("0 cannot be raised to a negative power");
        const double p = std::pow(a, b);
        if (!std::isfinite(p)) throw Error("a power is not a finite number");
        if (l.kind == Kind::Float || r.kind == Kind::Float || b < 0 || std::fabs(p) >= 9.0e15) return Value::real(p);
        return Value::integer(int64_t(p));
    }
    if (l.is_number() && r.is_number()) {
        const bool fl = l.kind == Kind::Float || r.kind == Kind::Float;
        const double a = as_number(l), b = as_number(r);
        if (op == "<") return Value::boolean(a < b);
        if (op == ">") return Value::boolean(a > b);
        if (op == "<=") return Value::boolean(a <= b);
        if (op == ">=") return Value::boolean(a >= b);
        if (op == "/") {
            if (b == 0) throw Error("division by zero");
            return Value::real(a / b);
        }
        if (!fl) {
            const int64_t x = l.i, y = r.i;
            if ((op == "//" || op == "%") && y == 0) throw Error("division by zero");
            if (op == "+") return Value::integer(int64_t(uint64_t(x) + uint64_t(y)));
            if (op == "-") return Value::integer(int64_t(uint64_t(x) - uint64_t(y)));
            if (op == "*") return Value::integer(int64_t(uint64_t(x) * uint64_t(y)));
            if (op == "//") return Value::integer(int64_t(std::floor(double(x) / double(y))));
            if (op == "%") return Value::integer(y == -1 ? 0 : x % y);
        } else {
            if (op == "+") return Value::real(a + b);
            if (op == "-") return Value::real(a - b);
            if (op == "*") return Value::real(a * b);
            if ((op == "//" || op == "%") && b == 0) throw Error("division by zero");
            if (op == "//") return Value::real(std::floor(a / b));
            if (op == "%") return Value::real(std::fmod(a, b));
        }
    } else if (l.is_array() && r.is_array()) {
        if (op == "+") {
            check_items(l.arr->size() + r.arr->size());
            Array a = *l.arr;
            a.insert(a.end(), r.arr->begin(), r.arr->end());
            return Value::array(std::move(a));
        }
    } else if (r.is_array()) {
        if (membership) {
            bool found = false;
            for (const Value& item : *r.arr)
                found = found || strict_equal(item, l);
            return Value::boolean(found == (op == "in"));
        }
    }
    if ((l.is_string() || r.is_string()) && op == "+") {
        Str out = text_of(l);
        out.append(text_of(r));
        check_size(out.text.size());
        return Value::string(std::move(out));
    }
    if (l.is_string() && r.is_string() && membership) {
        return Value::boolean((r.s.text.find(l.s.text) != std::string::npos) == (op == "in"));
    }
    if (l.is_string() && r.is_object() && membership) {
        return Value::boolean((r.obj->find(l.s.text) != nullptr) == (op == "in"));
    }
    throw Error(fmt::format("operator '{}' does not apply to {} and {}", op, l.type_name(), r.type_name()));
}

Value Interpreter::member(const Node& n, Scope& s) {
    const Value object = eval(*n.x, s);
    Value property;
    if (n.computed) {
        if (n.y->kind == NodeKind::Slice) return slice(object, *n.y, s);
        property = eval(*n.y, s);
    } else if (n.y->kind == NodeKind::Int) {
        property = Value::integer(n.y->ival);
    } else {
        property = Value::string(n.y->name);
    }
    if (object.is_attribute_container()) {
        if (!property.is_string())
            throw Error(fmt::format("a mapping's key must be a string, not {}", property.type_name()));
        if (const Value* v = object.obj->find(property.s.text)) return *v;
        return object.kind == Kind::Namespace ? Value() : method(object, property.s.text);
    }
    if (object.is_array() || object.is_string()) {
        if (property.is_int()) {
            if (object.is_array()) {
                const int64_t len = int64_t(object.arr->size());
                const int64_t i = property.i < 0 ? property.i + len : property.i;
                return i >= 0 && i < len ? (*object.arr)[size_t(i)] : Value();
            }
            const auto cps = code_points(object.s.text);
            const int64_t len = int64_t(cps.size());
            const int64_t i = property.i < 0 ? property.i + len : property.i;
            if (i < 0 || i >= len) return Value();
            return Value::string(
                object.s.sub(size_t(cps[size_t(i)].data() - object.s.text.data()), cps[size_t(i)].size()));
        }
        if (property.is_string()) return method(object, property.s.text);
        throw Error(fmt::format("a list or string is indexed by an integer, not {}", property.type_name()));
    }
    if (!property.is_string()) return Value();
    return method(object, property.s.text);
}

Value Interpreter::slice(const Value& object, const Node& n, Scope& s) {
    if (!object.is_array() && !object.is_string()) throw Error(fmt::format("cannot slice {}", object.type_name()));
    const Value start = n.x ? eval(*n.x, s) : Value();
    const Value stop = n.y ? eval(*n.y, s) : Value();
    const Value step = n.z ? eval(*n.z, s) : Value();
    for (const Value* v : { &start, &stop, &step }) {
        if (!v->is_int() && !v->is_undefined()) throw Error("slice bounds must be integers");
    }
    if (object.is_array()) {
        Array out;
        for (size_t i : slice_indices(object.arr->size(), start, stop, step))
            out.push_back((*object.arr)[i]);
        return Value::array(std::move(out));
    }
    const auto cps = code_points(object.s.text);
    Str out;
    for (size_t i : slice_indices(cps.size(), start, stop, step))
        out.append(object.s.sub(size_t(cps[i].data() - object.s.text.data()), cps[i].size()));
    return Value::string(std::move(out));
}

Args Interpreter::arguments(const Nodes& args, Scope& s) {
    Args out;
    for (const NodePtr& a : args) {
        if (a->kind == NodeKind::Spread) {
            const Value v = eval(*a->x, s);
            if (!v.is_array()) throw Error(fmt::format("cannot unpack {} with '*'", v.type_name()));
            out.pos.insert(out.pos.end(), v.arr->begin(), v.arr->end());
        } else if (a->kind != NodeKind::Keyword && a->kind != NodeKind::KeywordSpread) {
            out.pos.push_back(eval(*a, s));
        }
    }
    auto add = [&](const std::string& k, Value v) {
        if (out.keyword(k)) throw Error(fmt::format("keyword argument '{}' is given twice", k));
        out.kw.emplace_back(k, std::move(v));
    };
    for (const NodePtr& a : args) {
        if (a->kind == NodeKind::Keyword) {
            add(a->name, eval(*a->x, s));
        } else if (a->kind == NodeKind::KeywordSpread) {
            const Value v = eval(*a->x, s);
            if (!v.is_object()) throw Error(fmt::format("'**' needs a mapping, not {}", v.type_name()));
            for (const auto& [k, item] : v.obj->items)
                add(k, item);
        }
    }
    return out;
}

Value Interpreter::call(const Value& fn, Args& args, Scope& s) {
    if (fn.kind != Kind::Function)
        throw Error(fmt::format("cannot call {}", fn.is_undefined() ? "an undefined name" : fn.type_name()));
    return (*fn.fn)(args, *this, s);
}

Value Interpreter::call_expression(const Node& n, Scope& s) {
    Args args = arguments(n.items, s);
    const Value fn = eval(*n.x, s);
    if (fn.kind != Kind::Function) {
        const std::string what = n.x->kind == NodeKind::Identifier ? fmt::format("'{}'", n.x->name)
            : n.x->kind == NodeKind::Member && !n.x->computed      ? fmt::format("method '{}'", n.x->y->name)
                                                                   : std::string("the expression");
        throw Error(fmt::format("cannot call {}: it is {}", what, fn.is_undefined() ? "undefined" : fn.type_name()));
    }
    return (*fn.fn)(args, *this, s);
}

Value Interpreter::for_loop(const Node& n, Scope& s) {
    Scope scope(&s);
    const Node* iterable = n.y.get();
    const Node* condition = nullptr;
    if (iterable->kind == NodeKind::Select) {
        condition = iterable->y.get();
        iterable = iterable->x.get();
    }
    Value seq = eval(*iterable, scope);
    Array all;
    if (seq.is_array()) {
        all = *seq.arr;
    } else if (seq.is_object()) {
        for (const auto& kv : seq.obj->items)
            all.push_back(Value::string(kv.first));
    } else if (seq.is_string()) {
        for (std::string_view cp : code_points(seq.s.text))
            all.push_back(Value::string(seq.s.sub(size_t(cp.data() - seq.s.text.data()), cp.size())));
    } else {
        throw Error(fmt::format("a for loop needs a list or mapping, not {}", seq.type_name()));
    }
    auto bind_target = [&](Scope& into, const Value& item) {
        if (n.x->kind == NodeKind::Identifier) {
            into.set(n.x->name, item);
            return;
        }
        if (!item.is_array())
            throw Error(fmt::format("cannot unpack {} into {} names", item.type_name(), n.x->items.size()));
        if (item.arr->size() != n.x->items.size()) {
            throw Error(fmt::format("cannot unpack {} items into {} names", item.arr->size(), n.x->items.size()));
        }
        for (size_t j = 0; j < n.x->items.size(); ++j) {
            if (n.x->items[j]->kind != NodeKind::Identifier) throw Error("a loop target must be names");
            into.set(n.x->items[j]->name, (*item.arr)[j]);
        }
    };
    Array items;
    if (condition) {
        for (const Value& item : all) {
            count(1);
            Scope test(&scope);
            bind_target(test, item);
            if (eval(*condition, test).truthy()) items.push_back(item);
        }
    } else {
        items = std::move(all);
    }
    Str out;
    for (size_t i = 0; i < items.size(); ++i) {
        count(1);
        const int64_t len = int64_t(items.size()), k = int64_t(i);
        Object loop;
        loop.items.reserve(9);
        loop.items.emplace_back("index", Value::integer(k + 1));
        loop.items.emplace_back("index0", Value::integer(k));
        loop.items.emplace_back("revindex", Value::integer(len - k));
        loop.items.emplace_back("revindex0", Value::integer(len - k - 1));
        loop.items.emplace_back("first", Value::boolean(i == 0));
        loop.items.emplace_back("last", Value::boolean(i + 1 == items.size()));
        loop.items.emplace_back("length", Value::integer(len));
        loop.items.emplace_back("previtem", i > 0 ? items[i - 1] : Value());
        loop.items.emplace_back("nextitem", i + 1 < items.size() ? items[i + 1] : Value());
        scope.set("loop", Value::object(std::move(loop)));
        bind_target(scope, items[i]);
        out.append(block(n.body, scope));
        check_size(out.text.size());
        const Flow f = m_flow;
        m_flow = Flow::Normal;
        if (f == Flow::Break) break;
    }
    if (items.empty()) out.append(block(n.alt, scope));
    return Value::string(std::move(out));
}

void Interpreter::set(const Node& n, Scope& s) {
    Value v = n.y ? eval(*n.y, s) : Value::string(block(n.body, s));
    const Node& target = *n.x;
    if (target.kind == NodeKind::Identifier) {
        s.set(target.name, std::move(v));
    } else if (target.kind == NodeKind::Tuple) {
        if (!v.is_array()) throw Error(fmt::format("cannot unpack {} in a set", v.type_name()));
        if (v.arr->size() != target.items.size()) {
            throw Error(fmt::format("cannot unpack {} items into {} names", v.arr->size(), target.items.size()));
        }
        for (size_t i = 0; i < target.items.size(); ++i) {
            if (target.items[i]->kind != NodeKind::Identifier) throw Error("a set's targets must be names");
            s.set(target.items[i]->name, (*v.arr)[i]);
        }
    } else if (target.kind == NodeKind::Member) {
        const Value object = eval(*target.x, s);
        if (object.kind != Kind::Namespace) throw Error("only a namespace's attributes can be set");
        if (target.computed || target.y->kind != NodeKind::Identifier)
            throw Error("a namespace attribute is set by name");
        if (holds(v, object.obj.get())) throw Error("a namespace cannot hold itself");
        object.obj->set(target.y->name, std::move(v));
    } else {
        throw Error("a set's target must be a name, names or a namespace attribute");
    }
}

void Interpreter::bind(
    const std::string& who, const Nodes& params, bool uses_varargs, bool uses_kwargs, Args& args, Scope& scope) {
    std::vector<std::pair<std::string, Value>> kw = args.kw;
    std::vector<const Node*> defaults;
    for (size_t i = 0; i < params.size(); ++i) {
        const Node& p = *params[i];
        Value v;
        bool given = i < args.pos.size();
        if (given) {
            v = args.pos[i];
        } else {
            for (auto it = kw.begin(); it != kw.end(); ++it) {
                if (it->first == p.name) {
                    v = std::move(it->second);
                    kw.erase(it);
                    given = true;
                    break;
                }
            }
        }
        if (!given && p.kind == NodeKind::Keyword) defaults.push_back(&p);
        scope.set(p.name, std::move(v));
    }
    if (uses_kwargs) {
        Object o;
        for (auto& [k, v] : kw)
            o.set(k, std::move(v));
        scope.set("kwargs", Value::object(std::move(o)));
    } else if (!kw.empty()) {
        throw Error(fmt::format("{} takes no keyword argument '{}'", who, kw.front().first));
    }
    if (uses_varargs) {
        Array rest;
        for (size_t i = params.size(); i < args.pos.size(); ++i)
            rest.push_back(args.pos[i]);
        scope.set("varargs", Value::array(std::move(rest)));
    } else if (args.pos.size() > params.size()) {
        throw Error(fmt::format("{} takes at most {} arguments", who, params.size()));
    }
    for (const Node* p : defaults)
        scope.set(p->name, eval(*p->x, scope));
}

Value Interpreter::macro(const Node& n, Scope& s) {
    const bool varargs = mentions(n.body, "varargs") || mentions(n.params, "varargs");
    const bool kwargs = mentions(n.body, "kwargs") || mentions(n.params, "kwargs");
    const Node* def = &n;
    s.set(n.name, Value::function([def, varargs, kwargs](Args& args, Interpreter& in, Scope& caller) {
        Scope scope(&caller);
        in.bind(fmt::format("macro '{}'", def->name), def->params, varargs, kwargs, args, scope);
        return Value::string(in.block(def->body, scope));
    }));
    return Value::none();
}

Value Interpreter::call_block(const Node& n, Scope& s) {
    const bool varargs = mentions(n.body, "varargs");
    const bool kwargs = mentions(n.body, "kwargs");
    const Node* def = &n;
    Scope* outer = &s;
    Value caller = Value::function([def, outer, varargs, kwargs](Args& args, Interpreter& in, Scope&) {
        Scope scope(outer);
        in.bind("caller", def->params, varargs, kwargs, args, scope);
        return Value::string(in.block(def->body, scope));
    });
    Args args = arguments(n.x->items, s);
    const Value fn = eval(*n.x->x, s);
    Scope with_caller(&s);
    with_caller.set("caller", std::move(caller));
    return call(fn, args, with_caller);
}

} // namespace moe::jinja
