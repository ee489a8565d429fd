#include "telemetry/routing.h"

#include "error.h"

#include <algorithm>

namespace moe {

void RoutingTrace::on_routing(const RoutingFrame& f) {
    if (m_tokens.empty()) {
        m_n_layers = f.n_layers;
        m_k = f.k;
    } else if (f.n_layers != m_n_layers || f.k != m_k) {
        throw Error("routing frames of different shapes in one trace");
    }
    m_tokens.push_back(f.token);
    m_pos.push_back(f.pos);
    const size_t n = size_t(f.n_layers) * size_t(f.k);
    m_ids.insert(m_ids.end(), f.ids, f.ids + n);
    m_weights.insert(m_weights.end(), f.weights, f.weights + n);
}

void RoutingTrace::reserve(size_t n_tokens, int n_layers, int k) {
    const size_t n = n_tokens * size_t(std::max(n_layers, 0)) * size_t(std::max(k, 0));
    m_tokens.reserve(n_tokens);
    m_pos.reserve(n_tokens);
    m_ids.reserve(n);
    m_weights.reserve(n);
}

void RoutingTrace::clear() {
    m_tokens.clear();
    m_pos.clear();
    m_ids.clear();
    m_weights.clear();
    m_n_layers = 0;
    m_k = 0;
}

} // namespace moe
