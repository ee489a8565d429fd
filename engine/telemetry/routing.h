#pragma once
// Routing telemetry: which experts every token was sent to, per MoE layer,
// with the gate weights applied. The session reports each token's frame to
// a RoutingObserver as soon as its forward pass is done; RoutingTrace is the
// observer that keeps them all (for --json, benchmarks and the run store).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace moe {

// One token's routing: n_layers × k expert ids (descending gate) and weights.
struct RoutingFrame {
    int32_t pos = 0;
    int32_t token = 0;
    int n_layers = 0;
    int k = 0;
    const int32_t* ids = nullptr; // (n_layers, k)
    const float* weights = nullptr; // (n_layers, k)
};

class RoutingObserver {
public:
    virtual ~RoutingObserver() = default;
    // Called on the engine thread for every token processed, in order. Must be cheap.
    virtual void on_routing(const RoutingFrame& frame) = 0;
};

class RoutingTrace final : public RoutingObserver {
public:
    void on_routing(const RoutingFrame& frame) override;
    void clear();
    // Room for n_tokens frames of this shape, so appending never reallocates.
    void reserve(size_t n_tokens, int n_layers, int k);

    size_t size() const { return m_tokens.size(); }
    int n_layers() const { return m_n_layers; }
    int k() const { return m_k; }
    int32_t token(size_t i) const { return m_tokens[i]; }
    int32_t pos(size_t i) const { return m_pos[i]; }
    const int32_t* ids(size_t i, int layer) const {
        return m_ids.data() + (i * size_t(m_n_layers) + size_t(layer)) * size_t(m_k);
    }
    const float* weights(size_t i, int layer) const {
        return m_weights.data() + (i * size_t(m_n_layers) + size_t(layer)) * size_t(m_k);
    }

private:
    int m_n_layers = 0;
    int m_k = 0;
    std::vector<int32_t> m_tokens;
    std::vector<int32_t> m_pos;
    std::vector<int32_t> m_ids;
    std::vector<float> m_weights;
};

} // namespace moe
