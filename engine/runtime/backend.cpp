#include "runtime/backend.h"

#include "cpu/cpu_backend.h"
#include "cpu/op_checks.h"
#include "error.h"
#include "runtime/cuda_hook.h"
#include "runtime/thread_pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace moe {

BackendShape backend_shape(const ModelConfig& c, const BackendOptions& opts) {
    BackendShape s;
    if (opts.n_ctx > c.n_ctx_train) {
        throw Error(fmt::format("--ctx {} is more than the model's context of {} positions (its context_length); "
                                "positions past it were never trained",
            opts.n_ctx, c.n_ctx_train));
    }
    s.n_ctx = opts.n_ctx > 0 ? opts.n_ctx : std::min(c.n_ctx_train, 4096);
    // a batch never holds more tokens than the context, so a larger one only wastes memory
    s.max_batch = std::clamp(opts.max_batch, 1, s.n_ctx);
    s.top_k = opts.top_k > 0 ? opts.top_k : c.n_expert_used;
    if (s.top_k > c.n_expert) {
        throw Error(fmt::format("--top-k {} is more than the model's {} experts", s.top_k, c.n_expert));
    }
    s.n_moe_layers = c.is_moe ? c.n_moe_layer : 0; // leading dense blocks have no routing
    s.routing = resolve_routing_policy(opts.routing, c, opts.top_k);
    if (c.is_moe) s.top_k = routing_slots(s.routing, s.n_moe_layers);
    return s;
}

void Backend::set_routing(const RoutingPolicy& resolved) {
    if (!resolved.is_plain_top_k() || resolved.k != top_k()) {
        throw Error(fmt::format("the {} backend has no routing policies yet (asked for '{}'); use the CPU backend",
            name(), routing_policy_string(resolved)));
    }
}

namespace {

// MemAvailable from /proc/meminfo in bytes, 0 when unknown.
uint64_t available_memory() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    uint64_t kb = 0;
    std::string unit;
    while (in >> key >> kb >> unit) {
        if (key == "MemAvailable:") return kb * 1024;
    }
    return 0;
}

} // namespace

#ifndef MOE_HAVE_CUDA
// Stubs of runtime/cuda_hook.h for builds without the CUDA toolkit.
bool cuda_built() {
    return false;
}
std::optional<GpuInfo> cuda_device_info(std::string* why) {
    if (why) *why = "this build has no CUDA backend";
    return std::nullopt;
}
std::optional<double> cuda_copy_bandwidth(size_t, int) {
    return std::nullopt;
}
std::unique_ptr<Backend> make_cuda_backend(std::shared_ptr<const Model>, const BackendOptions&) {
    throw Error("this build has no CUDA backend (configure with the CUDA toolkit installed); use --backend cpu");
}
std::unique_ptr<OpDevice> cuda_op_device(std::string* why) {
    if (why) *why = "this build has no CUDA backend";
    return nullptr;
}
#endif

std::unique_ptr<Backend> make_backend(
    BackendKind kind, std::shared_ptr<const Model> model, const BackendOptions& opts, std::string* reason) {
    // The CUDA backend routes by the model's own top-k only; a policy runs on the CPU, saying so.
    const std::string policy = routing_policy_string(opts.routing);
    const bool plain = opts.routing.is_plain_top_k();
    if (kind == BackendKind::cuda && !plain) {
        throw Error(
            fmt::format("the CUDA backend has no routing policies yet (asked for '{}'); use --backend cpu", policy));
    }
    if (kind == BackendKind::cuda) return make_cuda_backend(model, opts); // throws with the reason
    if (kind == BackendKind::automatic) {
        if (!plain && cuda_built()) {
            if (reason)
                *reason
                    = fmt::format("the CUDA backend has no routing policies yet ('{}'); running on the CPU", policy);
        } else if (!cuda_built()) {
            if (reason) *reason = "this build has no CUDA backend; running on the CPU";
        } else {
            std::string why;
            if (cuda_device_info(&why)) {
                try {
                    return make_cuda_backend(model, opts);
                } catch (const Error& e) {
                    why = e.what(); // not enough GPU memory, ...: the CPU still runs it
                }
            }
            if (reason) *reason = fmt::format("{}; running on the CPU", why);
        }
    }

    // Say how much memory the KV cache and the per-batch and per-thread
    // buffers need before allocating them (a huge --ctx, --batch or
    // --threads must not end in std::bad_alloc).
    const ModelConfig& c = model->config();
    const BackendShape shape = backend_shape(c, opts);
    const int n_ctx = shape.n_ctx;
    const uint64_t threads = uint64_t(opts.n_threads > 0 ? opts.n_threads : ThreadPool::default_threads());
    const uint64_t B = uint64_t(shape.max_batch), slots = B * uint64_t(shape.top_k);
    const uint64_t scratch = sizeof(float)
        * (B
                * (4 * uint64_t(c.n_embd) + 2 * uint64_t(c.n_head) * uint64_t(c.head_dim)
                    + 2 * uint64_t(c.n_head_kv) * uint64_t(c.head_dim) + uint64_t(c.n_expert) + uint64_t(c.n_vocab)
                    + uint64_t(std::max(c.n_ff_shexp, 1)) + 1)
            + slots * (2 * uint64_t(c.n_embd) + uint64_t(c.n_ff_exp)) + threads * uint64_t(n_ctx));
    const uint64_t kv = model->kv_cache_bytes(n_ctx);
    const uint64_t need = kv + scratch;
    const uint64_t avail = available_memory();
    if (avail > 0 && need > avail) {
        throw Error(
            fmt::format("the KV cache for {} positions ({:.2f} GiB) and the buffers for a batch of {} tokens on "
                        "{} threads ({:.2f} GiB) need more than the {:.2f} GiB of memory available; use a "
                        "smaller --ctx, --batch or --threads",
                n_ctx, double(kv) / (1u << 30), B, threads, double(scratch) / (1u << 30), double(avail) / (1u << 30)));
    }
    // The weights are memory-mapped, so a model larger than memory still
    // loads, but every token then pages weights in from disk: say so.
    const uint64_t weights = model->stats().weight_bytes;
    if (avail > 0 && weights + need > avail && reason) {
        *reason += fmt::format("{}the weights ({:.2f} GiB) and KV cache ({:.2f} GiB) need more than the {:.2f} GiB of "
                               "memory available; expect the speed of the disk, not of memory",
            reason->empty() ? "" : "; ", double(weights) / (1u << 30), double(need) / (1u << 30),
            double(avail) / (1u << 30));
    }
    return make_cpu_backend(std::move(model), opts);
}

} // namespace moe
