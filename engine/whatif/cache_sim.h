#pragma once
// An expert cache on the GPU, simulated over a run's routing trace: each MoE
// layer has room for `capacity` of its experts, every token asks for its k,
// and a request is a hit when the expert is already there. Four policies:
//   static   the `capacity` experts the whole trace chose most often, fixed
//            (an in-sample optimum for a fixed placement: it has seen the trace)
//   lru      on a miss the expert comes in, evicting the least recently used
//   lfu      ... evicting the one asked for least often so far (ties: least recent)
//   belady   ... evicting the one asked for again furthest in the future: the
//            offline optimum no online policy can beat (Belady, 1966)
// Requests are taken in trace order, a token's k one after another.
#include <cstdint>
#include <string>
#include <vector>

namespace moe {

class RoutingTrace;

enum class CachePolicy { static_frequency, lru, lfu, belady };
const char* cache_policy_name(CachePolicy p);
constexpr CachePolicy k_cache_policies[]
    = { CachePolicy::static_frequency, CachePolicy::lru, CachePolicy::lfu, CachePolicy::belady };

struct CacheStats {
    uint64_t requests = 0;
    uint64_t hits = 0;
    double hit_rate() const { return requests ? double(hits) / double(requests) : 0.0; }
};

// One layer's request stream (expert ids; negative ids are skipped) through
// a cache of `capacity` experts.
CacheStats simulate_cache(const std::vector<int32_t>& requests, int capacity, CachePolicy policy);

// The stream of MoE layer `layer` in a trace: token by token, its k ids.
std::vector<int32_t> layer_requests(const RoutingTrace& trace, int layer);

} // namespace moe
