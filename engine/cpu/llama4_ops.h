#pragma once
// The ops only Llama 4 has, as llama.cpp's src/models/llama4.cpp and
// build_moe_ffn run them: q/k of a block with RoPE (then an L2 norm) or
// without it (then the attention temperature), attention within chunks, and
// expert inputs scaled by their router weight. Shapes as in ops.h.
#include "cpu/moe_groups.h"
#include "model/model.h"

#include <cstddef>

namespace moe {

class ThreadPool;

namespace cpu {

// The factor on q of a block without RoPE at position pos:
// 1 + scale·ln(floor((pos + offset) / length) + 1); 1 below the first length.
float attn_temperature(const ModelConfig& c, int pos);

// q (n, n_head*hd), k and v (n, n_kv*hd) of block l at positions pos0 + t:
// rotated (inv_freq: hd/2 frequencies) and L2-normalised per head where the
// model asks, or q scaled by the temperature in a block without RoPE; then k
// and v appended to the block's caches (n_ctx, n_kv*hd).
void llama4_qkv(const ModelConfig& c, const LayerWeights& l, float* q, float* k, const float* v, float* k_cache,
    float* v_cache, const float* inv_freq, int pos0, int n);

// cpu::attention within chunks: token t at position p = pos0 + t attends to
// cache positions [floor(p / chunk)·chunk, p].
void chunked_attention(const float* q, const float* k_cache, const float* v_cache, float* out, int pos0, int n,
    int n_head, int n_kv, int hd, int chunk, float* scores, size_t ld_scores, ThreadPool* pool);

// Llama 4's routing (llama.cpp's build_moe_ffn for llama4, HF's Llama4TextMoe):
// the top-k of the router logits (n, E) themselves (ties to the lower id), not
// of their sigmoids, which round together near 1; each weight is the sigmoid
// of its logit, not renormalised. ids/w of token t at + t*stride.
void route_by_logit(const float* logits, int n, int E, int K, int32_t* ids_out, float* w_out, int stride);

// For weights applied before the experts: xe[s] = w(s)·xn[token(s)] for every
// slot s of g; then each slot reads its own row (slot_token[s] = s) with weight 1.
void weight_expert_inputs(const float* xn, int ldx, int D, const MoeGroups& g, float* xe);

} // namespace cpu
} // namespace moe
