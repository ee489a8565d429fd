#pragma once
// Printing what telemetry/routing_stats.h finds in a trace: load over a long
// document per window, and the tokens each expert takes most (moe-cli runs
// show --load-over-position / --experts-for, moe-cli experts).
#include "telemetry/routing_stats.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace moe {
class RoutingTrace;
}

// Token id -> printable text ("␠", "\n" spelled out); null: the id in brackets.
using TokenText = std::function<std::string(int32_t)>;

nlohmann::ordered_json load_over_position_json(const moe::RoutingTrace& t, int n_experts, size_t window);
void print_load_over_position(const moe::RoutingTrace& t, int n_experts, size_t window);

nlohmann::ordered_json expert_tokens_json(
    const moe::RoutingTrace& t, int n_experts, size_t top_n, int64_t min_seen, const TokenText& text);
void print_expert_tokens(
    const moe::RoutingTrace& t, int n_experts, size_t top_n, int64_t min_seen, const TokenText& text);

// A token's text made printable: spaces as ␠, control characters escaped.
std::string printable_token(const std::string& s);
