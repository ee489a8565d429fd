#pragma once
// Values of the Jinja renderer (engine/template): the kinds a chat template
// handles (undefined, none, booleans, integers, floats, strings, lists,
// mappings, namespaces, callables), with the semantics of @huggingface/jinja,
// the implementation HF's chat templates are checked against.
//
// Every string carries, per byte, whether it came from the template or from
// the caller's data (a message's text). The rendered prompt keeps that mark
// so that special tokens count only where the template wrote them: a user
// typing "<|im_end|>" cannot close their own turn.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moe::jinja {

// Text plus one mark per byte: 0 written by the template, 1 from data.
struct Str {
    std::string text;
    std::string data; // same length as text

    Str() = default;
    explicit Str(std::string t, bool from_data = false)
        : text(std::move(t))
        , data(text.size(), from_data ? '\1' : '\0') { }
    void append(const Str& o) {
        text += o.text;
        data += o.data;
    }
    void append(std::string_view t) {
        text += t;
        data.append(t.size(), '\0');
    }
    Str sub(size_t at, size_t n = std::string::npos) const;
    bool any_data() const { return data.find('\1') != std::string::npos; }
};

struct Value;
struct Args;
class Interpreter;
struct Scope;

using Array = std::vector<Value>;
// Insertion-ordered mapping (messages hold a few keys; a linear search is fastest).
struct Object {
    std::vector<std::pair<std::string, Value>> items;
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    void set(std::string key, Value v);
};
using Function = std::function<Value(Args&, Interpreter&, Scope&)>;

enum class Kind { Undefined, None, Bool, Int, Float, String, Array, Tuple, Object, Kwargs, Namespace, Function };

struct Value {
    Kind kind = Kind::Undefined;
    bool b = false;
    int64_t i = 0;
    double f = 0;
    Str s;
    std::shared_ptr<Array> arr; // Array, Tuple
    std::shared_ptr<Object> obj; // Object, Kwargs, Namespace
    std::shared_ptr<Function> fn;

    static Value none() { return make(Kind::None); }
    static Value boolean(bool v);
    static Value integer(int64_t v);
    static Value real(double v);
    static Value string(Str v);
    static Value string(std::string v) { return string(Str(std::move(v))); }
    static Value array(Array v = {}, Kind k = Kind::Array);
    static Value object(Object v = {}, Kind k = Kind::Object);
    static Value function(Function f);
    static Value make(Kind k) {
        Value v;
        v.kind = k;
        return v;
    }

    bool is_undefined() const { return kind == Kind::Undefined; }
    bool is_none() const { return kind == Kind::None; }
    bool is_string() const { return kind == Kind::String; }
    bool is_array() const { return kind == Kind::Array || kind == Kind::Tuple; }
    bool is_object() const { return kind == Kind::Object || kind == Kind::Kwargs; } // a mapping
    bool is_attribute_container() const { return is_object() || kind == Kind::Namespace; }
    bool is_int() const { return kind == Kind::Int; }
    bool is_number() const { return kind == Kind::Int || kind == Kind::Float; }
    bool truthy() const;
    const char* type_name() const;
};

// Arguments of a call: positional first, then keywords.
struct Args {
    std::vector<Value> pos;
    std::vector<std::pair<std::string, Value>> kw;
    const Value* keyword(std::string_view name) const;
    // Positional i, else keyword name, else nullptr.
    const Value* get(size_t i, std::string_view name) const;
};

// Printing as @huggingface/jinja does: booleans "true"/"false", floats with a
// ".0" when whole, lists and mappings as JSON.
Str to_output(const Value& v, size_t max_size = size_t(16) << 20);
// The raw text of a scalar ("~" and string "+" use it: 1.0 prints "1").
std::string scalar_text(const Value& v);
std::string number_text(double d); // JavaScript's Number#toString

struct JsonOptions {
    int indent = -1; // -1: none
    bool ensure_ascii = false;
    bool sort_keys = false;
    std::string item_sep, key_sep; // empty: the defaults
    size_t max_size = size_t(16) << 20; // longer JSON is refused (a list holding itself)
};
// JSON text; strings from data stay marked as data.
Str to_json(const Value& v, const JsonOptions& o, bool undefined_as_null = true);

// Whether v holds (at any depth) the list or mapping at target: storing it
// there would make a cycle, which templates never need and which would leak.
bool holds(const Value& v, const void* target);

// Loose equality of "==" (JavaScript's == on the underlying values).
bool loose_equal(const Value& a, const Value& b);
// Strict equality of "in" and "equalto" (JavaScript's ===).
bool strict_equal(const Value& a, const Value& b);
// Ordering of sort and dictsort; throws for values that do not compare.
int compare(const Value& a, const Value& b, bool case_sensitive);

// UTF-8 helpers with JavaScript's notion of characters and whitespace.
std::vector<std::string_view> code_points(std::string_view s); // invalid bytes count as one each
size_t utf16_length(std::string_view s);
bool is_js_space(uint32_t cp);
Str trim(const Str& s, bool left, bool right);
Str strip_chars(const Str& s, std::string_view chars, bool left, bool right);
std::string ascii_lower(std::string s);
std::string ascii_upper(std::string s);

} // namespace moe::jinja
