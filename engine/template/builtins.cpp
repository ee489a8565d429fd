#include "template/builtins.h"

#include "error.h"
#include "tokenizer/unicode.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>

namespace moe::jinja {

namespace {

using Method = Value (*)(const Value& self, Args& args, Interpreter& in);

const Value& want(const Value* v, const Value& fallback) {
    return v ? *v : fallback;
}

bool flag(const Value* v, const char* what) {
    if (!v) return false;
    if (v->kind != Kind::Bool) throw Error(fmt::format("{} must be true or false", what));
    return v->b;
}

Value bind(const Value& self, Method m) {
    return Value::function([self, m](Args& args, Interpreter& in, Scope&) { return m(self, args, in); });
}

Str text_of(const Value& v) {
    if (v.is_string()) return v.s;
    if (v.is_none() || v.is_undefined()) return {};
    return Str(scalar_text(v));
}

// JavaScript's parseInt(s, 10) / parseFloat(s): the longest leading number.
bool parse_leading(const std::string& s, bool integer, double& out) {
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        ++i;
    const char* begin = s.c_str() + i;
    char* end = nullptr;
    if (integer) {
        const long long v = std::strtoll(begin, &end, 10);
        out = double(v);
    } else {
        out = std::strtod(begin, &end);
    }
    return end != begin;
}

Str title_case(const Str& s) {
    Str out = s;
    auto word
        = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    for (size_t i = 0; i < out.text.size(); ++i) {
        if (word(out.text[i]) && (i == 0 || !word(out.text[i - 1])) && out.text[i] >= 'a' && out.text[i] <= 'z') {
            out.text[i] = char(out.text[i] - 'a' + 'A');
        }
    }
    return out;
}

Str upper(const Str& s) {
    Str out = s;
    out.text = ascii_upper(out.text);
    return out;
}

Str lower(const Str& s) {
    Str out = s;
    out.text = ascii_lower(out.text);
    return out;
}

Str capitalize(const Str& s) {
    Str out = s;
    if (!out.text.empty()) out.text[0] = ascii_upper(out.text.substr(0, 1))[0];
    return out;
}

Str indent(const Str& s, int64_t width, bool first, bool blank, Interpreter& in) {
    if (width < 0 || width > 4096) throw Error("indent width must be between 0 and 4096");
    const std::string pad(size_t(width), ' ');
    Str out;
    size_t start = 0;
    for (size_t line = 0;; ++line) {
        const size_t nl = s.text.find('\n', start);
        const size_t end = nl == std::string::npos ? s.text.size() : nl;
        if ((first || line > 0) && (blank || end > start)) out.append(pad);
        out.append(s.sub(start, end - start));
        in.check_size(out.text.size());
        if (nl == std::string::npos) break;
        out.append(s.sub(nl, 1));
        start = nl + 1;
    }
    return out;
}

Str replace(const Str& s, const Str& from, const Str& to, int64_t count, Interpreter& in) {
    if (count == 0) return s;
    int64_t left = count < 0 ? INT64_MAX : count;
    Str out;
    if (from.text.empty()) {
        // every character boundary, start and end included
        for (std::string_view cp : code_points(s.text)) {
            if (left > 0) {
                out.append(to);
                --left;
            }
            out.append(s.sub(size_t(cp.data() - s.text.data()), cp.size()));
            in.check_size(out.text.size());
        }
        if (left > 0) out.append(to);
        return out;
    }
    size_t at = 0;
    while (left > 0) {
        const size_t hit = s.text.find(from.text, at);
        if (hit == std::string::npos) break;
        out.append(s.sub(at, hit - at));
        out.append(to);
        in.check_size(out.text.size());
        at = hit + from.text.size();
        --left;
    }
    out.append(s.sub(at));
    return out;
}

Value split(const Value& self, Args& args, Interpreter& in) {
    const Value none = Value::none();
    const Value& sep = want(args.get(0, "sep"), none);
    const Value minus_one = Value::integer(-1);
    const Value& maxsplit = want(args.get(1, "maxsplit"), minus_one);
    if (!sep.is_string() && !sep.is_none()) throw Error("split's separator must be a string or none");
    if (!maxsplit.is_int()) throw Error("split's maxsplit must be an integer");
    const Str& s = self.s;
    Array out;
    if (sep.is_none()) {
        const Str t = trim(s, true, false);
        size_t i = 0;
        auto space = [&](size_t at) {
            const size_t n = utf8::valid_length(t.text, at);
            if (n == 0) return size_t(0);
            size_t j = at;
            return is_js_space(utf8::next(t.text, j)) ? n : size_t(0);
        };
        while (i < t.text.size()) {
            size_t e = i;
            while (e < t.text.size() && space(e) == 0)
                e += std::max<size_t>(1, utf8::valid_length(t.text, e));
            if (maxsplit.i != -1 && int64_t(out.size()) >= maxsplit.i) {
                out.push_back(Value::string(t.sub(i)));
                break;
            }
            out.push_back(Value::string(t.sub(i, e - i)));
            i = e;
            while (i < t.text.size() && space(i) > 0)
                i += space(i);
        }
    } else {
        if (sep.s.text.empty()) throw Error("split's separator is empty");
        size_t at = 0;
        while (true) {
            const size_t hit = s.text.find(sep.s.text, at);
            if (hit == std::string::npos || (maxsplit.i >= 0 && int64_t(out.size()) >= maxsplit.i)) break;
            out.push_back(Value::string(s.sub(at, hit - at)));
            at = hit + sep.s.text.size();
        }
        out.push_back(Value::string(s.sub(at)));
    }
    in.count(out.size());
    return Value::array(std::move(out));
}

Value starts_or_ends(const Value& self, Args& args, bool start) {
    const Value* p = args.get(0, "prefix");
    if (!p) throw Error(fmt::format("{}() needs an argument", start ? "startswith" : "endswith"));
    auto test = [&](const std::string& what) {
        const std::string& t = self.s.text;
        if (what.size() > t.size()) return false;
        return start ? t.compare(0, what.size(), what) == 0 : t.compare(t.size() - what.size(), what.size(), what) == 0;
    };
    if (p->is_string()) return Value::boolean(test(p->s.text));
    if (p->is_array()) {
        for (const Value& item : *p->arr) {
            if (!item.is_string()) throw Error("startswith/endswith take strings");
            if (test(item.s.text)) return Value::boolean(true);
        }
        return Value::boolean(false);
    }
    throw Error("startswith/endswith take a string or a tuple of strings");
}

Value strip(const Value& self, Args& args, bool left, bool right) {
    const Value* chars = args.get(0, "chars");
    if (chars && chars->is_string()) return Value::string(strip_chars(self.s, chars->s.text, left, right));
    return Value::string(trim(self.s, left, right));
}

Value string_method(const Value& self, const std::string& name) {
    if (name == "length") return Value::integer(int64_t(utf16_length(self.s.text)));
    static const std::vector<std::pair<std::string, Method>> methods = {
        { "upper", [](const Value& v, Args&, Interpreter&) { return Value::string(upper(v.s)); } },
        { "lower", [](const Value& v, Args&, Interpreter&) { return Value::string(lower(v.s)); } },
        { "strip", [](const Value& v, Args& a, Interpreter&) { return strip(v, a, true, true); } },
        { "lstrip", [](const Value& v, Args& a, Interpreter&) { return strip(v, a, true, false); } },
        { "rstrip", [](const Value& v, Args& a, Interpreter&) { return strip(v, a, false, true); } },
        { "title", [](const Value& v, Args&, Interpreter&) { return Value::string(title_case(v.s)); } },
        { "capitalize", [](const Value& v, Args&, Interpreter&) { return Value::string(capitalize(v.s)); } },
        { "startswith", [](const Value& v, Args& a, Interpreter&) { return starts_or_ends(v, a, true); } },
        { "endswith", [](const Value& v, Args& a, Interpreter&) { return starts_or_ends(v, a, false); } },
        { "split", split },
        { "replace",
            [](const Value& v, Args& a, Interpreter& in) {
                const Value* from = a.get(0, "old");
                const Value* to = a.get(1, "new");
                if (!from || !to) throw Error("replace() needs two arguments");
                if (!from->is_string() || !to->is_string()) throw Error("replace()'s arguments must be strings");
                const Value* count = a.get(2, "count");
                if (count && !count->is_int() && !count->is_none()) throw Error("replace()'s count must be an integer");
                return Value::string(replace(v.s, from->s, to->s, count && count->is_int() ? count->i : -1, in));
            } },
    };
    for (const auto& [n, m] : methods) {
        if (n == name) return bind(self, m);
    }
    return Value();
}

Value dictsort(const Value& self, Args& args, Interpreter&) {
    const bool case_sensitive = flag(args.get(0, "case_sensitive"), "case_sensitive");
    const Value key = Value::string("key");
    const Value& by = want(args.get(1, "by"), key);
    if (!by.is_string() || (by.s.text != "key" && by.s.text != "value"))
        throw Error("dictsort's by must be 'key' or 'value'");
    const bool reverse = flag(args.get(2, "reverse"), "reverse");
    Array items;
    for (const auto& [k, v] : self.obj->items)
        items.push_back(Value::array({ Value::string(k), v }));
    const size_t at = by.s.text == "key" ? 0 : 1;
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
        const int c = compare((*a.arr)[at], (*b.arr)[at], case_sensitive);
        return reverse ? c > 0 : c < 0;
    });
    return Value::array(std::move(items));
}

Value object_items(const Value& self) {
    Array items;
    for (const auto& [k, v] : self.obj->items)
        items.push_back(Value::array({ Value::string(k), v }));
    return Value::array(std::move(items));
}

Value object_method(const Value& self, const std::string& name) {
    static const std::vector<std::pair<std::string, Method>> methods = {
        { "get",
            [](const Value& v, Args& a, Interpreter&) {
                const Value* key = a.get(0, "key");
                if (!key || !key->is_string()) throw Error("get()'s key must be a string");
                if (const Value* found = v.obj->find(key->s.text)) return *found;
                const Value* fallback = a.get(1, "default");
                return fallback ? *fallback : Value::none();
            } },
        { "items", [](const Value& v, Args&, Interpreter&) { return object_items(v); } },
        { "keys",
            [](const Value& v, Args&, Interpreter&) {
                Array keys;
                for (const auto& kv : v.obj->items)
                    keys.push_back(Value::string(kv.first));
                return Value::array(std::move(keys));
            } },
        { "values",
            [](const Value& v, Args&, Interpreter&) {
                Array values;
                for (const auto& kv : v.obj->items)
                    values.push_back(kv.second);
                return Value::array(std::move(values));
            } },
        { "dictsort", dictsort },
    };
    for (const auto& [n, m] : methods) {
        if (n == name) return bind(self, m);
    }
    return Value();
}

Value array_method(const Value& self, const std::string& name) {
    if (name == "length") return Value::integer(int64_t(self.arr->size()));
    if (name == "append") {
        return bind(self, [](const Value& v, Args& a, Interpreter& in) {
            if (a.pos.size() != 1) throw Error("append() takes one argument");
            if (holds(a.pos[0], v.arr.get())) throw Error("a list cannot hold itself");
            in.check_items(v.arr->size() + 1);
            in.count(1);
            v.arr->push_back(a.pos[0]);
            return Value::none();
        });
    }
    if (name == "pop") {
        return bind(self, [](const Value& v, Args& a, Interpreter&) {
            if (v.arr->empty()) throw Error("pop() from an empty list");
            int64_t i = a.pos.empty()
                ? -1
                : (a.pos[0].is_int() ? a.pos[0].i : throw Error("pop()'s index must be an integer"));
            const int64_t len = int64_t(v.arr->size());
            if (i < 0) i += len;
            if (i < 0 || i >= len) throw Error("pop() index out of range");
            Value out = (*v.arr)[size_t(i)];
            v.arr->erase(v.arr->begin() + i);
            return out;
        });
    }
    return Value();
}

// The attribute path of sort(attribute=) and map(attribute=): "a.b.0".
Value attribute(const Value& item, const std::string& path) {
    Value v = item;
    size_t start = 0;
    while (true) {
        const size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (v.is_attribute_container()) {
            const Value* found = v.obj->find(part);
            v = found ? *found : Value();
        } else if (v.is_array()) {
            char* end = nullptr;
            const long idx = std::strtol(part.c_str(), &end, 10);
            if (end == part.c_str() || idx < 0 || size_t(idx) >= v.arr->size()) return Value();
            v = (*v.arr)[size_t(idx)];
        } else {
            return Value();
        }
        if (dot == std::string::npos) return v;
        start = dot + 1;
    }
}

JsonOptions json_options(const Args& a) {
    JsonOptions o;
    if (const Value* indent = a.keyword("indent"); indent && !indent->is_none()) {
        if (!indent->is_int() || indent->i < 0 || indent->i > 64)
            throw Error("tojson's indent must be an integer 0-64");
        o.indent = int(indent->i);
    }
    o.ensure_ascii = flag(a.keyword("ensure_ascii"), "ensure_ascii");
    o.sort_keys = flag(a.keyword("sort_keys"), "sort_keys");
    if (const Value* sep = a.keyword("separators"); sep && !sep->is_none()) {
        if (!sep->is_array() || sep->arr->size() != 2 || !(*sep->arr)[0].is_string() || !(*sep->arr)[1].is_string()) {
            throw Error("tojson's separators must be two strings");
        }
        o.item_sep = (*sep->arr)[0].s.text;
        o.key_sep = (*sep->arr)[1].s.text;
    }
    return o;
}

Value json(const Value& v, JsonOptions o, Interpreter& in, bool undefined_as_null = true) {
    o.max_size = in.limits().max_output;
    Str out = to_json(v, o, undefined_as_null);
    in.check_size(out.text.size());
    return Value::string(std::move(out));
}

Value join(const Value& operand, const Str& sep, Interpreter& in) {
    Str out;
    if (operand.is_string()) {
        bool first = true;
        for (std::string_view cp : code_points(operand.s.text)) {
            if (!first) out.append(sep);
            first = false;
            out.append(operand.s.sub(size_t(cp.data() - operand.s.text.data()), cp.size()));
            in.check_size(out.text.size());
        }
        return Value::string(std::move(out));
    }
    for (size_t i = 0; i < operand.arr->size(); ++i) {
        if (i) out.append(sep);
        out.append(text_of((*operand.arr)[i]));
        in.check_size(out.text.size());
    }
    return Value::string(std::move(out));
}

Value sorted(const Value& operand, bool reverse, bool case_sensitive, const Value* attr) {
    Array items = *operand.arr;
    auto key = [&](const Value& v) {
        if (!attr || attr->is_none()) return v;
        return attribute(v, attr->is_int() ? std::to_string(attr->i) : attr->s.text);
    };
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
        const int c = compare(key(a), key(b), case_sensitive);
        return reverse ? c > 0 : c < 0;
    });
    return Value::array(std::move(items));
}

Value filter_by_name(Interpreter& in, const Value& v, const std::string& name) {
    if (name == "safe") return v;
    if (name == "tojson") return json(v, {}, in);
    if (v.is_array()) {
        if (name == "list") return v;
        if (name == "first") return v.arr->empty() ? Value() : v.arr->front();
        if (name == "last") return v.arr->empty() ? Value() : v.arr->back();
        if (name == "length" || name == "count") return Value::integer(int64_t(v.arr->size()));
        if (name == "reverse") return Value::array(Array(v.arr->rbegin(), v.arr->rend()));
        if (name == "sort") return sorted(v, false, false, nullptr);
        if (name == "join") return join(v, Str(), in);
        if (name == "string") return json(v, {}, in, false);
        if (name == "unique") {
            Array out;
            for (const Value& item : *v.arr) {
                const bool seen
                    = std::any_of(out.begin(), out.end(), [&](const Value& o) { return strict_equal(o, item); });
                if (!seen) out.push_back(item);
            }
            return Value::array(std::move(out));
        }
    } else if (v.is_string()) {
        if (name == "length" || name == "count") return Value::integer(int64_t(utf16_length(v.s.text)));
        if (name == "upper") return Value::string(upper(v.s));
        if (name == "lower") return Value::string(lower(v.s));
        if (name == "title") return Value::string(title_case(v.s));
        if (name == "capitalize") return Value::string(capitalize(v.s));
        if (name == "trim") return Value::string(trim(v.s, true, true));
        if (name == "indent") return Value::string(indent(v.s, 4, false, false, in));
        if (name == "join" || name == "string") return v;
        if (name == "int" || name == "float") {
            double d = 0;
            const bool ok = parse_leading(v.s.text, name == "int", d);
            if (name == "int") return Value::integer(ok ? int64_t(d) : 0);
            return Value::real(ok ? d : 0);
        }
    } else if (v.is_number()) {
        if (name == "abs") return v.is_int() ? Value::integer(v.i < 0 ? -v.i : v.i) : Value::real(std::fabs(v.f));
        if (name == "int") return v.is_int() ? v : Value::integer(int64_t(std::floor(v.f)));
        if (name == "float") return Value::real(v.is_int() ? double(v.i) : v.f);
        if (name == "string") return Value::string(to_output(v, in.limits().max_output));
    } else if (v.is_object()) {
        if (name == "items") return object_items(v);
        if (name == "length" || name == "count") return Value::integer(int64_t(v.obj->items.size()));
        const Value m = object_method(v, name);
        if (m.kind == Kind::Function) {
            Args none;
            Scope unused;
            return (*m.fn)(none, in, unused);
        }
    } else if (v.kind == Kind::Bool) {
        if (name == "bool") return v;
        if (name == "int") return Value::integer(v.b ? 1 : 0);
        if (name == "float") return Value::real(v.b ? 1 : 0);
        if (name == "string") return Value::string(v.b ? "true" : "false");
    }
    throw Error(fmt::format("filter '{}' does not apply to {}", name, v.type_name()));
}

Value filter_with_args(Interpreter& in, const Value& v, const std::string& name, const Node& call, Scope& s) {
    if (name == "tojson") return json(v, json_options(in.arguments(call.items, s)), in);
    if (name == "join") {
        if (!v.is_string() && !v.is_array())
            throw Error(fmt::format("filter 'join' does not apply to {}", v.type_name()));
        const Args a = in.arguments(call.items, s);
        const Value empty = Value::string("");
        const Value& sep = want(a.get(0, "separator") ? a.get(0, "separator") : a.keyword("d"), empty);
        if (!sep.is_string()) throw Error("join's separator must be a string");
        return join(v, sep.s, in);
    }
    if (name == "int" || name == "float") {
        const Args a = in.arguments(call.items, s);
        const Value zero = name == "int" ? Value::integer(0) : Value::real(0);
        const Value& fallback = want(a.get(0, "default"), zero);
        if (v.is_string()) {
            double d = 0;
            if (!parse_leading(v.s.text, name == "int", d)) return fallback;
            return name == "int" ? Value::integer(int64_t(d)) : Value::real(d);
        }
        if (v.is_number()) return v;
        if (v.kind == Kind::Bool) return name == "int" ? Value::integer(v.b) : Value::real(v.b);
        throw Error(fmt::format("filter '{}' does not apply to {}", name, v.type_name()));
    }
    if (name == "default" || name == "d") {
        const Args a = in.arguments(call.items, s);
        const Value empty = Value::string("");
        const Value& fallback = want(a.get(0, "default_value"), empty);
        const bool boolean = flag(a.get(1, "boolean"), "default's boolean");
        if (v.is_undefined() || (boolean && !v.truthy())) return fallback;
        return v;
    }
    if (v.is_array()) {
        if (name == "sort") {
            const Args a = in.arguments(call.items, s);
            const Value* attr = a.get(2, "attribute");
            if (attr && !attr->is_string() && !attr->is_int() && !attr->is_none()) {
                throw Error("sort's attribute must be a string or an integer");
            }
            return sorted(
                v, flag(a.get(0, "reverse"), "reverse"), flag(a.get(1, "case_sensitive"), "case_sensitive"), attr);
        }
        if (name == "selectattr" || name == "rejectattr") {
            const bool select = name == "selectattr";
            for (const Value& item : *v.arr) {
                if (!item.is_attribute_container()) throw Error(fmt::format("{} needs a list of mappings", name));
            }
            const Args a = in.arguments(call.items, s);
            if (a.pos.empty() || !a.pos[0].is_string()) throw Error(fmt::format("{} needs an attribute name", name));
            if (a.pos.size() > 1 && !a.pos[1].is_string()) throw Error(fmt::format("{}'s test must be a name", name));
            const Value* arg = a.pos.size() > 2 ? &a.pos[2] : nullptr;
            Array out;
            for (const Value& item : *v.arr) {
                const Value* attr = item.obj->find(a.pos[0].s.text);
                bool r = false;
                if (attr) r = a.pos.size() > 1 ? apply_test(a.pos[1].s.text, *attr, arg) : attr->truthy();
                if (r == select) out.push_back(item);
            }
            return Value::array(std::move(out));
        }
        if (name == "map") {
            const Args a = in.arguments(call.items, s);
            const Value* attr = a.keyword("attribute");
            if (!attr) throw Error("map needs attribute=");
            if (!attr->is_string()) throw Error("map's attribute must be a string");
            const Value* fallback = a.keyword("default");
            Array out;
            for (const Value& item : *v.arr) {
                if (!item.is_attribute_container()) throw Error("map(attribute=) needs a list of mappings");
                Value x = attribute(item, attr->s.text);
                out.push_back(x.is_undefined() && fallback ? *fallback : x);
            }
            return Value::array(std::move(out));
        }
    } else if (v.is_string()) {
        if (name == "indent") {
            const Args a = in.arguments(call.items, s);
            const Value four = Value::integer(4);
            const Value& width = want(a.get(0, "width"), four);
            if (!width.is_int()) throw Error("indent's width must be an integer");
            const Value* first = a.get(1, "first");
            const Value* blank = a.get(2, "blank");
            return Value::string(indent(v.s, width.i, first && first->truthy(), blank && blank->truthy(), in));
        }
        if (name == "replace") {
            Args a = in.arguments(call.items, s);
            return string_method(v, "replace").fn->operator()(a, in, s);
        }
    } else if (v.is_object()) {
        const Value m = object_method(v, name);
        if (m.kind == Kind::Function) {
            Args a = in.arguments(call.items, s);
            return (*m.fn)(a, in, s);
        }
    }
    throw Error(fmt::format("filter '{}' does not apply to {}", name, v.type_name()));
}

Value range(Args& args, Interpreter& in) {
    std::vector<int64_t> n;
    for (const Value& v : args.pos) {
        if (!v.is_int()) throw Error("range() takes integers");
        n.push_back(v.i);
    }
    if (n.empty() || n.size() > 3) throw Error("range() takes one to three integers");
    const int64_t start = n.size() == 1 ? 0 : n[0];
    const int64_t stop = n.size() == 1 ? n[0] : n[1];
    const int64_t step = n.size() == 3 ? n[2] : 1;
    if (step == 0) throw Error("range() step must not be zero");
    const double span = (double(stop) - double(start)) / double(step);
    const uint64_t count = span > 0 ? uint64_t(std::ceil(span)) : 0;
    in.count(count);
    Array out;
    out.reserve(size_t(count));
    for (uint64_t i = 0; i < count; ++i)
        out.push_back(Value::integer(start + int64_t(i) * step));
    return Value::array(std::move(out));
}

std::string strftime_js(std::time_t t, const std::string& f) {
    std::tm tm {};
    localtime_r(&t, &tm);
    static const char* months[] = { "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December" };
    std::string out;
    for (size_t i = 0; i < f.size(); ++i) {
        if (f[i] != '%' || i + 1 >= f.size()) {
            out += f[i];
            continue;
        }
        const char c = f[i + 1];
        switch (c) {
        case 'Y':
            out += std::to_string(tm.tm_year + 1900);
            break;
        case 'm':
            out += fmt::format("{:02}", tm.tm_mon + 1);
            break;
        case 'd':
            out += fmt::format("{:02}", tm.tm_mday);
            break;
        case 'b':
            out += std::string(months[tm.tm_mon]).substr(0, 3);
            break;
        case 'B':
            out += months[tm.tm_mon];
            break;
        case 'H':
            out += fmt::format("{:02}", tm.tm_hour);
            break;
        case 'M':
            out += fmt::format("{:02}", tm.tm_min);
            break;
        case '%':
            out += '%';
            break;
        default:
            out += f.substr(i, 2);
        }
        ++i;
    }
    return out;
}

} // namespace

Value method(const Value& object, const std::string& name) {
    if (object.is_string()) return string_method(object, name);
    if (object.is_object()) return object_method(object, name);
    if (object.is_array()) return array_method(object, name);
    return Value();
}

Value apply_filter(Interpreter& in, const Value& operand, const Node& filter, Scope& s) {
    if (filter.kind == NodeKind::Identifier) return filter_by_name(in, operand, filter.name);
    if (filter.kind == NodeKind::Call && filter.x->kind == NodeKind::Identifier) {
        return filter_with_args(in, operand, filter.x->name, filter, s);
    }
    throw Error("a filter must be a name or a call");
}

bool apply_test(const std::string& name, const Value& v, const Value* arg) {
    if (name == "defined") return !v.is_undefined();
    if (name == "undefined") return v.is_undefined();
    if (name == "none") return v.is_none();
    if (name == "string") return v.is_string();
    if (name == "number") return v.is_number();
    if (name == "integer") return v.is_int();
    if (name == "float") return v.kind == Kind::Float;
    if (name == "boolean") return v.kind == Kind::Bool;
    if (name == "true") return v.kind == Kind::Bool && v.b;
    if (name == "false") return v.kind == Kind::Bool && !v.b;
    if (name == "mapping") return v.is_object();
    if (name == "iterable") return v.is_array() || v.is_string();
    if (name == "sequence") return v.is_array() || v.is_object() || v.is_string();
    if (name == "callable") return v.kind == Kind::Function;
    if (name == "lower") return v.is_string() && ascii_lower(v.s.text) == v.s.text;
    if (name == "upper") return v.is_string() && ascii_upper(v.s.text) == v.s.text;
    if (name == "odd" || name == "even") {
        if (!v.is_int()) throw Error(fmt::format("test '{}' needs an integer, not {}", name, v.type_name()));
        return (v.i % 2 != 0) == (name == "odd");
    }
    if (name == "equalto" || name == "eq" || name == "sameas") return arg ? strict_equal(v, *arg) : v.is_undefined();
    throw Error(fmt::format("unknown test '{}'", name));
}

void install_globals(Scope& g, const Limits& limits) {
    g.set("true", Value::boolean(true));
    g.set("false", Value::boolean(false));
    g.set("none", Value::none());
    g.set("True", Value::boolean(true));
    g.set("False", Value::boolean(false));
    g.set("None", Value::none());
    g.set("raise_exception", Value::function([](Args& args, Interpreter&, Scope&) -> Value {
        const std::string msg = args.pos.empty() ? std::string() : text_of(args.pos[0]).text;
        throw Error(fmt::format("the template raised an error: {}", msg));
    }));
    g.set("range", Value::function([](Args& args, Interpreter& in, Scope&) { return range(args, in); }));
    const std::optional<std::time_t> now = limits.now;
    g.set("strftime_now", Value::function([now](Args& args, Interpreter&, Scope&) {
        if (args.pos.empty() || !args.pos[0].is_string()) throw Error("strftime_now() takes a format string");
        const std::time_t t = now ? *now : std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        return Value::string(strftime_js(t, args.pos[0].s.text));
    }));
    g.set("namespace", Value::function([](Args& args, Interpreter&, Scope&) {
        if (args.pos.size() > 1) throw Error("namespace() takes at most one positional argument");
        Object o;
        if (!args.pos.empty()) {
            const Value& src = args.pos[0];
            if (src.is_object()) {
                o = *src.obj;
            } else if (src.is_array()) {
                for (const Value& pair : *src.arr) {
                    if (!pair.is_array() || pair.arr->size() != 2 || !(*pair.arr)[0].is_string()) {
                        throw Error("namespace() takes a mapping or a list of [key, value] pairs");
                    }
                    o.set((*pair.arr)[0].s.text, (*pair.arr)[1]);
                }
            } else {
                throw Error(fmt::format("namespace() cannot read {}", src.type_name()));
            }
        }
        for (const auto& [k, v] : args.kw)
            o.set(k, v);
        return Value::object(std::move(o), Kind::Namespace);
    }));
}

} // namespace moe::jinja
