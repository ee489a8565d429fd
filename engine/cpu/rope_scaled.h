#pragma once
// RoPE as the newer families ask for it: over the first n_rot dimensions of a
// head only (partial rotary, GLM-4.5; the decoupled rope part of MLA), with
// YaRN-blended frequencies (DeepSeek V2/V3). The older families keep
// cpu::rope_store, which rotates whole heads at plain frequencies.
#include "model/model.h"

#include <cstddef>

namespace moe::cpu {

// out (n_rot/2): base^(-2i/n_rot), in double; under YaRN (factor s > 1) each
// blended between extrapolation (high frequencies) and interpolation by s
// (low ones) with YaRN's linear ramp between the correction dimensions.
void rope_freqs(const ModelConfig& c, float* out);

// Rotates dims [0, n_rot) of n_heads heads (head_stride floats apart) in each
// of n rows (ld floats apart) at positions pos0 + t: neox pairs (i, i + n_rot/2),
// else (2i, 2i+1).
void rope_rows(
    float* x, int n, size_t ld, int n_heads, size_t head_stride, int n_rot, const float* inv_freq, int pos0, bool neox);

} // namespace moe::cpu
