#include "routing_print.h"

#include "store/run.h"

#include <fmt/format.h>

nlohmann::ordered_json routing_json(const moe::RoutingTrace& t) {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (size_t i = 0; i < t.size(); ++i) {
        nlohmann::ordered_json layers = nlohmann::ordered_json::array();
        for (int l = 0; l < t.n_layers(); ++l) {
            layers.push_back({ { "layer", l }, { "experts", std::vector<int32_t>(t.ids(i, l), t.ids(i, l) + t.k()) },
                { "weights", std::vector<float>(t.weights(i, l), t.weights(i, l) + t.k()) } });
        }
        all.push_back(std::move(layers));
    }
    return all;
}

void print_routing(const moe::RoutingTrace& t) {
    for (size_t i = 0; i < t.size(); ++i) {
        std::string line = fmt::format("pos {:>4} token {:>6} ", t.pos(i), t.token(i));
        for (int l = 0; l < t.n_layers(); ++l) {
            line += fmt::format("| L{} ", l);
            for (int j = 0; j < t.k(); ++j)
                line += fmt::format("{}:{:.2f} ", t.ids(i, l)[j], t.weights(i, l)[j]);
        }
        fmt::print("{}\n", line);
    }
}

void print_balance(const moe::RoutingTrace& t, int n_experts) {
    fmt::print("layer  imbalance  efficiency     cv  entropy  coverage  stability\n");
    const std::vector<moe::LayerBalance> bal = moe::routing_balance(t, n_experts);
    for (size_t l = 0; l < bal.size(); ++l) {
        const moe::LayerBalance& b = bal[l];
        fmt::print("{:>5}  {:>9.2f}  {:>10.2f}  {:>5.2f}  {:>7.2f}  {:>8.2f}  {:>9.2f}\n", l, b.imbalance, b.efficiency,
            b.cv, b.entropy, b.coverage, b.stability);
    }
}
