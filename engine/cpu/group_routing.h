#pragma once
// Routing as DeepSeek-V3 and GLM-4.5 do it (DeepSeek-V3 report, section 2.1.2):
// scores s = sigmoid(logits) (or softmax, V2); the experts are chosen by
// s + b, a learned bias that balances load and is used for the choice only;
// with expert groups, only the n_group_used groups whose two best biased
// scores sum highest may supply experts; the weights are the unbiased s of
// the chosen experts, renormalised to sum 1 where the model asks, times
// routed_scaling_factor.
#include "model/model.h"

#include <cstdint>

namespace moe::cpu {

// Whether a model routes this way (a bias, groups or a weight scale), rather
// than by plain top-k of its gate (cpu::route).
bool uses_group_routing(const ModelConfig& c);

// logits (n, E) are overwritten by the scores; bias (E) or null; ids and
// weights of token t go to ids_out/w_out + t*stride, K each, in descending
// biased score (ties to the lower id).
void route_grouped(
    const ModelConfig& c, float* logits, int n, int K, const float* bias, int32_t* ids_out, float* w_out, int stride);

} // namespace moe::cpu
