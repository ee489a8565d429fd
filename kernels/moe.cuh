#pragma once
// Mixture-of-experts: the fused router (softmax or sigmoid, top-k, optional
// renormalisation, written straight into the routing frame), grouping of
// (token, slot) pairs by expert on the device, the expert FFN reading only
// the routed experts' weights (gate and up fused, each expert's rows decoded
// once for all its tokens), and the weighted combine with the shared expert
// and the residual add. No host synchronisation anywhere.
#include "matmul.cuh"

#include "cpu/moe_groups.h"

namespace moe::cuda {

// MoeGroups (engine/cpu/moe_groups.h): the pairs of one layer grouped by
// expert, the same layout the CPU twin fills.

// Router probabilities → top-k → renormalise, for tokens t < n: one warp per
// token, the E scores in registers, K rounds of warp argmax. logits (n, E)
// are overwritten by the probabilities; ids/weights of token t go to
// ids_out/w_out + t*stride (K each, descending gate; ties to the lower id).
// With `single` and n == 1 it also writes the grouping of the token's K pairs
// (what launch_group would), so a decode step needs no grouping pass.
// E <= route_max_experts(), K <= 32.
void launch_route(float* logits, int n, int E, int K, bool sigmoid, bool norm_topk, int32_t* ids_out, float* w_out,
    int stride, const MoeGroups* single, cudaStream_t s);
int route_max_experts();

// Groups the n*K pairs by expert (token order kept within an expert), in one
// block. ids/w of token t at + t*stride.
void launch_group(
    const int32_t* ids, const float* w, int stride, int n, int K, int E, const MoeGroups& g, cudaStream_t s);

// Expert weights of one layer: E matrices (rows, cols) stored back to back, `expert_stride` bytes apart.
struct DevExperts {
    const uint8_t* data = nullptr;
    uint32_t type = 0;
    int rows = 0, cols = 0;
    size_t row_bytes = 0;
    size_t expert_stride = 0;
};

// h (slots, F) = silu(gate_e · x) * (up_e · x) for every slot, x = xn[slot_token] (rows ldx apart).
// max_groups = min(n*K, E): the grid's bound on active experts. u_scratch (slots, F) is used
// only when gate and up have different types.
void launch_expert_gate_up(const DevExperts& gate, const DevExperts& up, const float* xn, int ldx, const MoeGroups& g,
    int max_groups, int n_pairs, float* h, float* u_scratch, cudaStream_t s);
// y (slots, D) = down_e · h[slot].
void launch_expert_down(
    const DevExperts& down, const float* h, const MoeGroups& g, int max_groups, int n_pairs, float* y, cudaStream_t s);

// x[t] += sum_j w(t,j) * y[pair_slot(t,j)] + g_t * sh_y[t] (sh_y null: no shared expert;
// g_t = sigmoid(sh_gate[t]) when gated, else 1).
void launch_combine(float* x, const float* y, const MoeGroups& g, int n, int K, int D, const float* sh_y,
    const float* sh_gate, bool gated, cudaStream_t s);

} // namespace moe::cuda
