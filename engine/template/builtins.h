#pragma once
// The filters, tests, methods and global functions chat templates call, as
// @huggingface/jinja provides them (plus list.append/pop and str.strip(chars)
// from Python, which templates written for HF's Python renderer use).
#include "template/interpreter.h"

namespace moe::jinja {

// operand | filter, the filter an Identifier or a Call node.
Value apply_filter(Interpreter& in, const Value& operand, const Node& filter, Scope& s);
// operand is [not] test; arg for selectattr's "equalto".
bool apply_test(const std::string& name, const Value& operand, const Value* arg);
// object.name: a bound method or property of a string, list or mapping;
// undefined when there is none.
Value method(const Value& object, const std::string& name);
// namespace, range, raise_exception, strftime_now, true/false/none.
void install_globals(Scope& globals, const Limits& limits);

} // namespace moe::jinja
