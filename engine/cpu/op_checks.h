#pragma once
// Per-op checks and per-op timings of a backend's kernels against the CPU
// ops (engine/cpu/ops.h), one kernel family at a time. The kernels are
// reached through an OpDevice: device memory plus the ops with the
// launchers' signatures. kernels/ supplies the CUDA one (cuda_op_device in
// runtime/cuda_hook.h); cpu_op_device() runs the CPU ops themselves through
// the same harness, so the harness (buffer sizes, argument order, reading
// results back, poisoned outputs) is exercised on machines without a GPU.
#include "cpu/moe_groups.h"
#include "model/model.h"
#include "runtime/cuda_hook.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace moe {

// E expert matrices of one type and shape, `expert_stride` bytes apart, in device memory.
struct ExpertsView {
    const uint8_t* data = nullptr;
    uint32_t type = 0;
    int rows = 0, cols = 0;
    size_t row_bytes = 0;
    size_t expert_stride = 0;
    int n_experts = 0;
};

class OpDevice {
public:
    virtual ~OpDevice() = default;
    virtual std::string name() const = 0;

    // Device memory, freed by release() or with the device.
    virtual void* alloc(size_t bytes) = 0;
    virtual void release(void* p) = 0;
    virtual void upload(void* dst, const void* src, size_t bytes) = 0;
    virtual void download(void* dst, const void* src, size_t bytes) = 0;
    // Milliseconds per call of f: one warm-up, then the mean of `reps` calls (CUDA events on the GPU).
    virtual double time_ms(const std::function<void()>& f, int reps) = 0;

    // The ops, as the launchers take them (positions in device memory; Matrix data in device memory).
    virtual void rmsnorm(
        const float* x, int ld_in, const float* w, float* out, int ld_out, int rows, int width, float eps)
        = 0;
    virtual void add_bias(float* y, int ld, const float* b, int rows, int width) = 0;
    virtual void add(float* x, const float* y, size_t n) = 0;
    virtual void silu_mul(float* a, const float* b, size_t n) = 0;
    virtual void rope_store(float* q, float* k, const float* v, float* k_cache, float* v_cache, const float* inv_freq,
        const int32_t* d_pos0, int n, int n_head, int n_kv, int hd, bool neox)
        = 0;
    virtual void attention(const float* q, const float* k_cache, const float* v_cache, float* out,
        const int32_t* d_pos0, int n, int n_head, int n_kv, int hd, int n_ctx)
        = 0;
    virtual void matvec(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy) = 0;
    // matvec for prefill batches (the GPU: dequantized slabs through cuBLAS; the CPU: matvec)
    virtual void gemm(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy) = 0;
    virtual void dequant_rows(const Matrix& w, int row0, int nrows, float* out) = 0;
    virtual void embed(const Matrix& w, const int32_t* tokens, int n, float* out) = 0;
    virtual void route(float* logits, int n, int E, int K, bool sigmoid, bool norm_topk, int32_t* ids_out, float* w_out,
        int stride, const MoeGroups* single)
        = 0;
    virtual void group(const int32_t* ids, const float* w, int stride, int n, int K, int E, const MoeGroups& g) = 0;
    virtual void expert_gate_up(const ExpertsView& gate, const ExpertsView& up, const float* xn, int ldx,
        const MoeGroups& g, int max_groups, int n_pairs, float* h, float* u_scratch)
        = 0;
    virtual void expert_down(
        const ExpertsView& down, const float* h, const MoeGroups& g, int max_groups, int n_pairs, float* y)
        = 0;
    virtual void combine(float* x, const float* y, const MoeGroups& g, int n, int K, int D, const float* sh_y,
        const float* sh_gate, bool gated)
        = 0;
};

// The CPU ops behind the OpDevice interface (host memory).
std::unique_ptr<OpDevice> cpu_op_device();

// The kernel families, each checked (and timed) on its own.
std::vector<std::string> op_families();
// Checks one family on the device against the CPU ops on random data; throws moe::Error for an unknown family.
std::vector<OpCheck> run_op_checks(OpDevice& dev, const std::string& family, uint64_t seed);

// One timing of a kernel family at a real model's shape.
struct OpTiming {
    std::string op; // "matvec Q4_K 4096x2048 n=1", ...
    double ms = 0.0; // per call
    double bytes = 0.0; // weight / cache bytes one call reads (0: not bandwidth-bound)
};
// The families timed: matvec, route, group, expert, attention.
std::vector<std::string> timing_families();
// Times one family at Qwen3-30B-A3B's shapes (n_embd 2048, 128 experts, top-8, expert FFN 768,
// 32 query / 4 KV heads of 128). reps: calls averaged.
std::vector<OpTiming> run_op_timings(OpDevice& dev, const std::string& family, int reps, uint64_t seed);

} // namespace moe
