#pragma once
// The backend interface: one forward pass over a batch of tokens, appending
// to the backend's own KV cache, producing logits and the routing frame of
// every token. The CPU backend (engine/cpu) is the reference; the CUDA
// backend (kernels/) implements the same interface. The choice is made once
// when a session is created.
#include "model/model.h"
#include "runtime/routing_policy.h"

#include <cstdint>
#include <memory>
#include <string>

namespace moe {

struct BackendOptions {
    int n_ctx = 0; // KV cache positions (0: the model's, capped at 4096)
    int n_threads = 0; // CPU threads (0: all hardware threads)
    int max_batch = 64; // tokens per forward call
    int top_k = 0; // experts per token (0: the model's own)
    // CPU: float activations in every matrix product (the reference path the
    // reference tests run); false: activations quantized to 8 bits per token
    // and integer dot products where the weight type has one (cpu/int_ops.h)
    bool exact = false;
    RoutingPolicy routing; // how experts are chosen (runtime/routing_policy.h); the default: top_k as above
};

// The sizes every backend runs with, from its options and the model: the
// context asked for (else the trained one, capped at 4096), the batch (at
// least 1), experts per token (asked for, else the model's; more than the
// model has is refused with moe::Error) and the MoE layers (0 when dense).
struct BackendShape {
    int n_ctx = 0;
    int max_batch = 1;
    int top_k = 0; // routing entries per token: the most experts the policy gives a token
    int n_moe_layers = 0;
    RoutingPolicy routing; // resolved against the model
};
BackendShape backend_shape(const ModelConfig& c, const BackendOptions& opts);

class Backend {
public:
    virtual ~Backend() = default;

    virtual std::string name() const = 0;
    virtual int n_ctx() const = 0;
    virtual int max_batch() const = 0;
    virtual int top_k() const = 0; // routing entries per token: experts per token, the most under a policy
    virtual int n_moe_layers() const = 0; // layers that produce routing

    // Runs tokens[0..n) at positions pos0..pos0+n through the model
    // (n <= max_batch(), pos0 + n <= n_ctx()). KV entries at positions >= pos0
    // are overwritten, so rewinding is just calling with a smaller pos0.
    // all_logits: keep logits of every token, else only of the last.
    virtual void forward(const int32_t* tokens, int n, int pos0, bool all_logits) = 0;
    // The fewest positions a rewind may keep (besides 0): a backend whose
    // windowed blocks (gpt-oss) cache a ring of rows has overwritten the
    // older ones, so keeping fewer would need the whole context fed again.
    virtual int min_rewind() const { return 0; }

    // After forward: logits of token i of the batch (i = n-1 when !all_logits), n_vocab floats.
    virtual const float* logits(int i) const = 0;
    // After forward: for token i, MoE layer l: top_k() expert ids (descending gate) and gate weights.
    virtual const int32_t* routing_ids(int i, int l) const = 0;
    virtual const float* routing_weights(int i, int l) const = 0;
    // (Under a routing policy, entries a token does not use have id -1 and weight 0.)

    // Changes the routing policy (resolved, routing_policy.h) for the next
    // forward passes; top_k() follows it. Backends without policies (CUDA so
    // far) take only the plain top-k they run and throw moe::Error otherwise.
    virtual void set_routing(const RoutingPolicy& resolved);
};

enum class BackendKind { cpu, cuda, automatic };

// Creates the backend: `automatic` picks CUDA when built in and a GPU is
// usable, else the CPU (`reason` says why). Throws moe::Error.
std::unique_ptr<Backend> make_backend(
    BackendKind kind, std::shared_ptr<const Model> model, const BackendOptions& opts, std::string* reason = nullptr);

} // namespace moe
