#pragma once
// RoPE (normal: adjacent pairs; neox: halves) with the KV-cache append, and
// causal attention over the F32 KV cache with grouped-query heads.
// Positions come from the device (d_pos0) so a decode step can be replayed
// from a CUDA graph at any position. Host-callable launchers.
#include "common.cuh"

namespace moe::cuda {

// Rotates q (n, n_head*hd) and k (n, n_kv*hd) of token t at position *d_pos0 + t,
// then writes k and v (n, n_kv*hd) into the layer's caches (n_ctx, n_kv*hd) at that position.
void launch_rope_store(float* q, float* k, const float* v, float* k_cache, float* v_cache, const float* inv_freq,
    const int32_t* d_pos0, int n, int n_head, int n_kv, int hd, bool neox, cudaStream_t s);

// Largest n_ctx launch_attention takes (shared memory holds one score per position).
int attention_max_ctx();

// Once per backend, before any launch (and outside graph capture): allows the shared memory n_ctx needs.
void attention_prepare(int hd, int n_ctx);

// out (n, n_head*hd): token t, head h attends over cache positions [0, *d_pos0 + t]
// with key/value head h / (n_head / n_kv). One block per (head, token); no split-K yet.
void launch_attention(const float* q, const float* k_cache, const float* v_cache, float* out, const int32_t* d_pos0,
    int n, int n_head, int n_kv, int hd, int n_ctx, cudaStream_t s);

} // namespace moe::cuda
