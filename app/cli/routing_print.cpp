#include "routing_print.h"

#include "store/run.h"

#include <fmt/format.h>

nlohmann::ordered_json routing_json(const moe::RoutingTrace& t) {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (size_t i = 0; i < t.size(); ++i) {
        nlohmann::ordered_json layers = nlohmann::ordered_json::array();
        for (int l = 0; l < t.n_layers(); ++l) {
            // the experts the token used: entries a routing policy left unused (-1) are not listed
            std::vector<int32_t> ids;
            std::vector<float> w;
            for (int j = 0; j < t.k(); ++j) {
                if (t.ids(i, l)[j] < 0) continue;
                ids.push_back(t.ids(i, l)[j]);
                w.push_back(t.weights(i, l)[j]);
            }
            layers.push_back({ { "layer", l }, { "experts", ids }, { "weights", w } });
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
                if (t.ids(i, l)[j] >= 0) line += fmt::format("{}:{:.2f} ", t.ids(i, l)[j], t.weights(i, l)[j]);
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
