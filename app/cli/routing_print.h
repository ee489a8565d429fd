#pragma once
// How generate and score show routing on the terminal and in --json.
#include "telemetry/routing.h"

#include <nlohmann/json.hpp>

// For every token processed, per MoE layer: {"layer", "experts", "weights"}.
nlohmann::ordered_json routing_json(const moe::RoutingTrace& t);
// One line per token: "pos 3 token 17 | L0 3:0.61 5:0.39 | L1 ...".
void print_routing(const moe::RoutingTrace& t);
// The load-balance metrics of every MoE layer, one line each.
void print_balance(const moe::RoutingTrace& t, int n_experts);
