#pragma once
// The grouping of one layer's (token, slot) pairs by expert: the layout both
// backends use (engine/cpu/ops and kernels/moe.cu), so the CPU twin and the
// GPU kernels fill and read the same fields. Plain data in one buffer of
// 4-byte words; no engine or CUDA header needed (kernels/ includes it).
#include <cstddef>
#include <cstdint>

namespace moe {

// n*K pairs of a batch of n tokens with K experts each, grouped by expert:
// active expert i (ascending ids) owns slots [act_start[i], act_start[i+1]),
// in token order within the expert.
struct MoeGroups {
    int32_t* n_active = nullptr; // (1) experts with at least one pair
    int32_t* act = nullptr; // (E) their ids, ascending
    int32_t* act_start = nullptr; // (E+1) first slot of each active expert, then the total
    int32_t* slot_token = nullptr; // (B*K) token of each slot
    float* slot_weight = nullptr; // (B*K) gate weight of each slot
    int32_t* pair_slot = nullptr; // (B*K) slot of pair (t, j) at t*K + j

    // 4-byte words for E experts, B tokens, K slots.
    static size_t words(int E, int B, int K) { return 1 + size_t(E) + size_t(E) + 1 + 3 * size_t(B) * size_t(K); }

    // The fields laid out in `base` (words(E, B, K) words).
    static MoeGroups layout(void* base, int E, int B, int K) {
        auto* p = static_cast<int32_t*>(base);
        MoeGroups g;
        g.n_active = p;
        p += 1;
        g.act = p;
        p += E;
        g.act_start = p;
        p += E + 1;
        g.slot_token = p;
        p += size_t(B) * size_t(K);
        g.slot_weight = reinterpret_cast<float*>(p);
        p += size_t(B) * size_t(K);
        g.pair_slot = p;
        return g;
    }
};

} // namespace moe
