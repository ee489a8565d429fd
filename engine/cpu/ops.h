#pragma once
// The CPU ops of the forward pass, written once: CpuBackend runs the model
// with them, and the GPU op checks (engine/cpu/op_checks.h) compare every
// CUDA kernel against them. Each op has the signature of its launcher in
// kernels/ (same arguments, same order, same shapes), with host pointers, an
// int position instead of the device-side one, and an optional thread pool.
// Shapes are (rows, cols), one row per token; "ld" is a row stride in floats.
#include "cpu/moe_groups.h"
#include "model/model.h"

#include <cstdint>
#include <span>

namespace moe {

class ThreadPool;

namespace cpu {

struct ExpertGlu; // cpu/attention_sinks.h

// out[r, :] = x[r, :] / sqrt(mean(x[r, :]²) + eps) * w for r < rows (sum of
// squares in double). In place (out == x) is fine.                      (norm.cuh)
void rmsnorm(const float* x, int ld_in, const float* w, float* out, int ld_out, int rows, int width, float eps);
// y[r, i] += b[i], r < rows, i < width.
void add_bias(float* y, int ld, const float* b, int rows, int width);
// x[i] += y[i], i < n.
void add(float* x, const float* y, size_t n);
// a[i] = silu(a[i]) * b[i], i < n.
void silu_mul(float* a, const float* b, size_t n);

// RoPE of q (n, n_head*hd) and k (n, n_kv*hd) at positions pos0 + t (normal:
// pairs (2i, 2i+1); neox: (i, i + hd/2)), then k and v (n, n_kv*hd) appended
// to the layer's caches (n_ctx, n_kv*hd) at those positions.        (attention.cuh)
void rope_store(float* q, float* k, const float* v, float* k_cache, float* v_cache, const float* inv_freq, int pos0,
    int n, int n_head, int n_kv, int hd, bool neox);
// out (n, n_head*hd): token t, head h attends causally over cache positions
// [0, pos0 + t] with key/value head h / (n_head / n_kv). scores: one row of
// at least pos0 + n floats per pool thread, rows ld_scores apart.
void attention(const float* q, const float* k_cache, const float* v_cache, float* out, int pos0, int n, int n_head,
    int n_kv, int hd, float* scores, size_t ld_scores, ThreadPool* pool);

// Y (n, w.rows) = X (n, w.cols) · Wᵀ, any block format.                 (matmul.cuh)
void matvec(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy, ThreadPool* pool);
// out (nrows, w.cols) = rows [row0, row0 + nrows) of W, dequantized.
void dequant_rows(const Matrix& w, int row0, int nrows, float* out);
// out (n, w.cols) = rows tokens[0..n) of W (ids already range-checked).
void embed(const Matrix& w, const int32_t* tokens, int n, float* out);

// Router probabilities (softmax, or sigmoid per expert) → top-k (descending,
// ties to the lower id) → optional renormalisation to sum 1. logits (n, E)
// are overwritten by the probabilities; ids/weights of token t go to
// ids_out/w_out + t*stride, K each. With `single` and n == 1 it also writes
// the grouping of the token's K pairs, as group() would.                 (moe.cuh)
void route(float* logits, int n, int E, int K, bool sigmoid, bool norm_topk, int32_t* ids_out, float* w_out, int stride,
    const MoeGroups* single);
// Groups the n*K pairs (ids/w of token t at + t*stride) by expert into g;
// a pair with id -1 (an entry a routing policy left unused) gets no slot.
void group(const int32_t* ids, const float* w, int stride, int n, int K, int E, const MoeGroups& g);
// h (slots, F) = silu(gate_e · x) * (up_e · x) for every slot of every active
// expert e, x = xn[slot_token] (rows ldx apart); experts[e] is expert e's matrix.
// glu (not null): biases and gpt-oss's clamped SwiGLU instead (cpu::expert_glu).
void expert_gate_up(std::span<const Matrix> gate, std::span<const Matrix> up, const float* xn, int ldx,
    const MoeGroups& g, float* h, ThreadPool* pool, const ExpertGlu* glu = nullptr);
// y (slots, D) = down_e · h[slot].
void expert_down(std::span<const Matrix> down, const float* h, const MoeGroups& g, float* y, ThreadPool* pool);
// x[t] += sum_j w(t, j) * y[pair_slot(t, j)] + g_t * sh_y[t] (sh_y null: no
// shared expert; g_t = sigmoid(sh_gate[t]) when gated, else 1).
void combine(float* x, const float* y, const MoeGroups& g, int n, int K, int D, const float* sh_y, const float* sh_gate,
    bool gated);

// RoPE inverse frequencies (head_dim/2): base^(-2i/head_dim), in double, as both backends use them.
void rope_inv_freq(float* out, int head_dim, float base);

} // namespace cpu
} // namespace moe
