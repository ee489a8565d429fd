#pragma once
// Multi-head latent attention (DeepSeek-V2, arXiv:2405.04434, section 2.1):
// keys and values of every head are decompressed from one shared latent
// c = rmsnorm(W_DKV x) (kv_lora_rank floats) plus one shared RoPE key k_pe
// (n_rot floats); the cache holds just these, kv_lora_rank + n_rot floats
// per token and block. The key decompression is absorbed into the query
// (q_nope · W_UK c = (W_UKᵀ q_nope) · c) and the value decompression applied
// after the softmax (Σ a_p W_UV c_p = W_UV Σ a_p c_p), so attention runs over
// the latent directly.
#include "model/model.h"

#include <functional>
#include <vector>

namespace moe {

class ThreadPool;

namespace cpu {

// Y (n, w.rows) = X (n, w.cols) · Wᵀ with rows ldx / ldy apart: the backend's matrix product.
using MatMul = std::function<void(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy)>;

class MlaAttention {
public:
    MlaAttention(const ModelConfig& c, int n_ctx, int max_batch, int n_threads);

    // att (n, n_head*head_dim_v): block il's attention for tokens at pos0 + t,
    // xn (n, n_embd) the normed input; appends the tokens' latents to the cache.
    void forward(const LayerWeights& l, int il, const float* xn, int n, int pos0, float* att, const MatMul& mm,
        ThreadPool* pool);

    // Floats the cache holds per token and block, and one token's entry.
    int floats_per_token() const { return m_row; }
    const float* cached(int il, int pos) const;

private:
    ModelConfig m_c;
    int m_ctx, m_row; // m_row = kv_lora_rank + n_rot
    std::vector<float> m_cache; // (n_layer, n_ctx, kv_lora_rank + n_rot): latent, then rope key
    std::vector<float> m_qa; // (B, q_lora_rank)
    std::vector<float> m_q; // (B, n_head*head_dim): nope part, then rope part, per head
    std::vector<float> m_kv; // (B, kv_lora_rank + n_rot)
    std::vector<float> m_q_lat; // (B, n_head*kv_lora_rank): q_nope taken into latent space
    std::vector<float> m_o_lat; // (B, n_head*kv_lora_rank): attention-weighted latents
    std::vector<float> m_inv_freq; // (n_rot/2)
    std::vector<float> m_scores; // (n_threads, n_ctx)
};

} // namespace cpu
} // namespace moe
