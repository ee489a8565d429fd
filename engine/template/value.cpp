#include "template/value.h"

#include "error.h"
#include "tokenizer/unicode.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace moe::jinja {

Str Str::sub(size_t at, size_t n) const {
    Str out;
    out.text = text.substr(at, n);
    out.data = data.substr(at, n);
    return out;
}

const Value* Object::find(std::string_view key) const {
    for (const auto& [k, v] : items) {
        if (k == key) return &v;
    }
    return nullptr;
}

Value* Object::find(std::string_view key) {
    for (auto& [k, v] : items) {
        if (k == key) return &v;
    }
    return nullptr;
}

void Object::set(std::string key, Value v) {
    if (Value* at = find(key)) {
        *at = std::move(v);
    } else {
        items.emplace_back(std::move(key), std::move(v));
    }
}

Value Value::boolean(bool v) {
    Value out = make(Kind::Bool);
    out.b = v;
    return out;
}

Value Value::integer(int64_t v) {
    Value out = make(Kind::Int);
    out.i = v;
    return out;
}

Value Value::real(double v) {
    Value out = make(Kind::Float);
    out.f = v;
    return out;
}

Value Value::string(Str v) {
    Value out = make(Kind::String);
    out.s = std::move(v);
    return out;
}

Value Value::array(Array v, Kind k) {
    Value out = make(k);
    out.arr = std::make_shared<Array>(std::move(v));
    return out;
}

Value Value::object(Object v, Kind k) {
    Value out = make(k);
    out.obj = std::make_shared<Object>(std::move(v));
    return out;
}

Value Value::function(Function f) {
    Value out = make(Kind::Function);
    out.fn = std::make_shared<Function>(std::move(f));
    return out;
}

bool Value::truthy() const {
    switch (kind) {
    case Kind::Undefined:
    case Kind::None:
        return false;
    case Kind::Bool:
        return b;
    case Kind::Int:
        return i != 0;
    case Kind::Float:
        return f != 0 && !std::isnan(f);
    case Kind::String:
        return !s.text.empty();
    case Kind::Array:
    case Kind::Tuple:
        return !arr->empty();
    case Kind::Object:
    case Kind::Kwargs:
        return !obj->items.empty();
    case Kind::Namespace:
    case Kind::Function:
        return true;
    }
    return false;
}

const char* Value::type_name() const {
    switch (kind) {
    case Kind::Undefined:
        return "undefined";
    case Kind::None:
        return "none";
    case Kind::Bool:
        return "boolean";
    case Kind::Int:
        return "integer";
    case Kind::Float:
        return "float";
    case Kind::String:
        return "string";
    case Kind::Array:
        return "list";
    case Kind::Tuple:
        return "tuple";
    case Kind::Object:
        return "mapping";
    case Kind::Kwargs:
        return "keyword arguments";
    case Kind::Namespace:
        return "namespace";
    case Kind::Function:
        return "function";
    }
    return "?";
}

const Value* Args::keyword(std::string_view name) const {
    for (const auto& [k, v] : kw) {
        if (k == name) return &v;
    }
    return nullptr;
}

const Value* Args::get(size_t i, std::string_view name) const {
    if (i < pos.size()) return &pos[i];
    return keyword(name);
}

std::string number_text(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
    if (d == 0) return "0";
    // Shortest round-trip digits, laid out as JavaScript does: plain
    // notation for exponents in [-7, 21), else d.ddde+x.
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, r.ptr);
    const size_t e = sci.find('e');
    std::string mant = sci.substr(0, e);
    const int exp = std::stoi(sci.substr(e + 1));
    const bool neg = mant[0] == '-';
    if (neg) mant.erase(0, 1);
    std::string digits;
    for (char c : mant) {
        if (c != '.') digits += c;
    }
    std::string out;
    if (exp >= 21 || exp < -7) {
        out = digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        out += fmt::format("e{}{}", exp < 0 ? "-" : "+", std::abs(exp));
    } else if (exp >= 0) {
        if (int(digits.size()) <= exp + 1) {
            out = digits + std::string(size_t(exp + 1) - digits.size(), '0');
        } else {
            out = digits.substr(0, size_t(exp + 1)) + "." + digits.substr(size_t(exp + 1));
        }
    } else {
        out = "0." + std::string(size_t(-exp - 1), '0') + digits;
    }
    return neg ? "-" + out : out;
}

std::string scalar_text(const Value& v) {
    switch (v.kind) {
    case Kind::Bool:
        return v.b ? "true" : "false";
    case Kind::Int:
        return std::to_string(v.i);
    case Kind::Float:
        return number_text(v.f);
    case Kind::String:
        return v.s.text;
    case Kind::None:
        return "null";
    case Kind::Undefined:
        return "undefined";
    default:
        return to_json(v, {}, false).text;
    }
}

Str to_output(const Value& v, size_t max_size) {
    switch (v.kind) {
    case Kind::String:
        return v.s;
    case Kind::Float:
        if (v.f == 0 && std::signbit(v.f)) return Str("-0.0");
        if (std::isfinite(v.f) && v.f == std::floor(v.f) && std::fabs(v.f) < 1e21) {
            return Str(number_text(v.f) + ".0");
        }
        return Str(number_text(v.f));
    case Kind::Array:
    case Kind::Tuple:
    case Kind::Object:
    case Kind::Kwargs:
    case Kind::Namespace:
        return to_json(v, {}, false);
    case Kind::Function:
        return Str("[function]");
    default:
        return Str(scalar_text(v));
    }
}

namespace {

void json_string(Str& out, const Str& s, bool ensure_ascii) {
    const bool data = s.any_data();
    std::string t = "\"";
    size_t i = 0;
    while (i < s.text.size()) {
        const unsigned char c = static_cast<unsigned char>(s.text[i]);
        switch (c) {
        case '"':
            t += "\\\"";
            break;
        case '\\':
            t += "\\\\";
            break;
        case '\n':
            t += "\\n";
            break;
        case '\r':
            t += "\\r";
            break;
        case '\t':
            t += "\\t";
            break;
        case '\b':
            t += "\\b";
            break;
        case '\f':
            t += "\\f";
            break;
        default:
            if (c < 0x20) {
                t += fmt::format("\\u{:04x}", c);
            } else if (c >= 0x7f && ensure_ascii) {
                const size_t n = utf8::valid_length(s.text, i);
                if (n == 0) {
                    t += "\\ufffd";
                    break;
                }
                size_t j = i;
                const uint32_t cp = utf8::next(s.text, j);
                if (cp >= 0x10000) {
                    const uint32_t u = cp - 0x10000;
                    t += fmt::format("\\u{:04x}\\u{:04x}", 0xD800 + (u >> 10), 0xDC00 + (u & 0x3FF));
                } else {
                    t += fmt::format("\\u{:04x}", cp);
                }
                i += n;
                continue;
            } else {
                t += char(c);
            }
        }
        ++i;
    }
    t += '"';
    out.append(Str(std::move(t), data));
}

void json_value(Str& out, const Value& v, const JsonOptions& o, int depth, bool undefined_as_null) {
    if (depth > 512) throw Error("template: tojson nests deeper than 512 levels");
    if (out.text.size() > o.max_size) throw Error(fmt::format("template: JSON text grows past {} bytes", o.max_size));
    const std::string item_sep = !o.item_sep.empty() ? o.item_sep : (o.indent > 0 ? "," : ", ");
    const std::string key_sep = !o.key_sep.empty() ? o.key_sep : ": ";
    switch (v.kind) {
    case Kind::None:
        out.append("null");
        return;
    case Kind::Undefined:
        out.append(undefined_as_null ? "null" : "undefined");
        return;
    case Kind::Bool:
    case Kind::Int:
        out.append(scalar_text(v));
        return;
    case Kind::Float:
        out.append(std::isfinite(v.f) ? number_text(v.f) : "null");
        return;
    case Kind::String:
        json_string(out, v.s, o.ensure_ascii);
        return;
    case Kind::Array:
    case Kind::Tuple:
    case Kind::Object:
    case Kind::Kwargs:
    case Kind::Namespace:
        break;
    case Kind::Function:
        throw Error("template: cannot convert a function to JSON");
    }
    const std::string indent = o.indent > 0 ? std::string(size_t(o.indent), ' ') : std::string();
    std::string base = "\n";
    for (int d = 0; d < depth; ++d)
        base += indent;
    const std::string child = base + indent;
    const bool pretty = o.indent > 0;
    if (v.is_array()) {
        out.append("[");
        for (size_t k = 0; k < v.arr->size(); ++k) {
            if (k) out.append(item_sep);
            if (pretty) out.append(child);
            json_value(out, (*v.arr)[k], o, depth + 1, undefined_as_null);
        }
        if (pretty && !v.arr->empty()) out.append(base);
        out.append("]");
        return;
    }
    std::vector<const std::pair<std::string, Value>*> items;
    for (const auto& kv : v.obj->items)
        items.push_back(&kv);
    if (o.sort_keys) {
        std::stable_sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->first < b->first; });
    }
    out.append("{");
    for (size_t k = 0; k < items.size(); ++k) {
        if (k) out.append(item_sep);
        if (pretty) out.append(child);
        json_string(out, Str(items[k]->first), o.ensure_ascii);
        out.append(key_sep);
        json_value(out, items[k]->second, o, depth + 1, undefined_as_null);
    }
    if (pretty && !items.empty()) out.append(base);
    out.append("}");
}

bool numeric_like(const Value& v) {
    return v.kind == Kind::Int || v.kind == Kind::Float || v.kind == Kind::Bool;
}

double numeric(const Value& v) {
    return v.kind == Kind::Int ? double(v.i) : v.kind == Kind::Float ? v.f : (v.b ? 1.0 : 0.0);
}

} // namespace

Str to_json(const Value& v, const JsonOptions& o, bool undefined_as_null) {
    Str out;
    json_value(out, v, o, 0, undefined_as_null);
    return out;
}

bool holds(const Value& v, const void* target) {
    std::vector<const Value*> todo { &v };
    std::vector<const void*> seen;
    while (!todo.empty()) {
        const Value* x = todo.back();
        todo.pop_back();
        const void* p = x->arr ? static_cast<const void*>(x->arr.get()) : static_cast<const void*>(x->obj.get());
        if (!p) continue;
        if (p == target) return true;
        if (std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
        seen.push_back(p);
        if (x->arr) {
            for (const Value& e : *x->arr)
                todo.push_back(&e);
        } else {
            for (const auto& kv : x->obj->items)
                todo.push_back(&kv.second);
        }
    }
    return false;
}

bool strict_equal(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) return numeric(a) == numeric(b);
    if (a.kind != b.kind) {
        const bool seq_a = a.is_array(), seq_b = b.is_array();
        const bool map_a = a.obj != nullptr, map_b = b.obj != nullptr;
        if (seq_a && seq_b) return a.arr == b.arr;
        if (map_a && map_b) return a.obj == b.obj;
        return false;
    }
    switch (a.kind) {
    case Kind::Undefined:
    case Kind::None:
        return true;
    case Kind::Bool:
        return a.b == b.b;
    case Kind::String:
        return a.s.text == b.s.text;
    case Kind::Array:
    case Kind::Tuple:
        return a.arr == b.arr;
    case Kind::Object:
    case Kind::Kwargs:
    case Kind::Namespace:
        return a.obj == b.obj;
    case Kind::Function:
        return a.fn == b.fn;
    default:
        return false;
    }
}

bool loose_equal(const Value& a, const Value& b) {
    const bool nullish_a = a.is_none() || a.is_undefined(), nullish_b = b.is_none() || b.is_undefined();
    if (nullish_a || nullish_b) return nullish_a && nullish_b;
    if (numeric_like(a) && numeric_like(b)) return numeric(a) == numeric(b);
    if ((a.is_string() && numeric_like(b)) || (numeric_like(a) && b.is_string())) {
        const std::string& t = a.is_string() ? a.s.text : b.s.text;
        const double n = a.is_string() ? numeric(b) : numeric(a);
        // JavaScript converts the string to a number; blank text is 0
        const size_t first = t.find_first_not_of(" \t\n\r\v\f");
        if (first == std::string::npos) return n == 0;
        const size_t last = t.find_last_not_of(" \t\n\r\v\f");
        double parsed = 0;
        const char* begin = t.data() + first;
        const char* end = t.data() + last + 1;
        auto r = std::from_chars(begin, end, parsed);
        return r.ec == std::errc() && r.ptr == end && parsed == n;
    }
    return strict_equal(a, b);
}

int compare(const Value& a, const Value& b, bool case_sensitive) {
    const bool nullish_a = a.is_none() || a.is_undefined(), nullish_b = b.is_none() || b.is_undefined();
    if (nullish_a && nullish_b && a.kind == b.kind) return 0;
    if (nullish_a || nullish_b)
        throw Error(fmt::format("template: cannot compare {} with {}", a.type_name(), b.type_name()));
    if (numeric_like(a) && numeric_like(b)) {
        const double x = numeric(a), y = numeric(b);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.is_string() && b.is_string()) {
        std::string x = a.s.text, y = b.s.text;
        if (!case_sensitive) {
            x = ascii_lower(x);
            y = ascii_lower(y);
        }
        return x < y ? -1 : x > y ? 1 : 0;
    }
    throw Error(fmt::format("template: cannot compare {} with {}", a.type_name(), b.type_name()));
}

std::vector<std::string_view> code_points(std::string_view s) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < s.size();) {
        const size_t n = std::max<size_t>(1, utf8::valid_length(s, i));
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

size_t utf16_length(std::string_view s) {
    size_t n = 0;
    for (size_t i = 0; i < s.size();) {
        const size_t len = std::max<size_t>(1, utf8::valid_length(s, i));
        n += len == 4 ? 2 : 1;
        i += len;
    }
    return n;
}

bool is_js_space(uint32_t cp) {
    switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

namespace {

// Byte length of the whitespace character at s[i], 0 when there is none.
size_t space_at(std::string_view s, size_t i) {
    const size_t n = utf8::valid_length(s, i);
    if (n == 0) return 0;
    size_t j = i;
    return is_js_space(utf8::next(s, j)) ? n : 0;
}

// Byte length of the whitespace character ending at s[end), 0 when none.
size_t space_before(std::string_view s, size_t end) {
    for (size_t n = 1; n <= 3 && n <= end; ++n) {
        if (utf8::valid_length(s, end - n) == n) return space_at(s, end - n) == n ? n : 0;
    }
    return 0;
}

} // namespace

Str trim(const Str& s, bool left, bool right) {
    size_t b = 0, e = s.text.size();
    if (left) {
        while (b < e) {
            const size_t n = space_at(s.text, b);
            if (n == 0) break;
            b += n;
        }
    }
    if (right) {
        while (e > b) {
            const size_t n = space_before(s.text, e);
            if (n == 0) break;
            e -= n;
        }
    }
    return s.sub(b, e - b);
}

Str strip_chars(const Str& s, std::string_view chars, bool left, bool right) {
    const std::vector<std::string_view> set = code_points(chars);
    auto in_set = [&](std::string_view c) { return std::find(set.begin(), set.end(), c) != set.end(); };
    const std::vector<std::string_view> cps = code_points(s.text);
    size_t b = 0, e = cps.size();
    while (left && b < e && in_set(cps[b]))
        ++b;
    while (right && e > b && in_set(cps[e - 1]))
        --e;
    if (b == e) return {};
    const size_t from = size_t(cps[b].data() - s.text.data());
    const size_t to = size_t(cps[e - 1].data() - s.text.data()) + cps[e - 1].size();
    return s.sub(from, to - from);
}

std::string ascii_lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    }
    return s;
}

std::string ascii_upper(std::string s) {
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    }
    return s;
}

} // namespace moe::jinja
