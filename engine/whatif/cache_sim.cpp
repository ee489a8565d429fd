#include "whatif/cache_sim.h"

#include "telemetry/routing.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

namespace moe {

const char* cache_policy_name(CachePolicy p) {
    switch (p) {
    case CachePolicy::static_frequency:
        return "static";
    case CachePolicy::lru:
        return "lru";
    case CachePolicy::lfu:
        return "lfu";
    case CachePolicy::belady:
        return "belady";
    }
    return "?";
}

std::vector<int32_t> layer_requests(const RoutingTrace& trace, int layer) {
    std::vector<int32_t> r;
    r.reserve(trace.size() * size_t(trace.k()));
    for (size_t i = 0; i < trace.size(); ++i) {
        const int32_t* ids = trace.ids(i, layer);
        for (int j = 0; j < trace.k(); ++j)
            if (ids[j] >= 0) r.push_back(ids[j]);
    }
    return r;
}

namespace {

CacheStats simulate_static(const std::vector<int32_t>& req, int capacity) {
    std::unordered_map<int32_t, uint64_t> count;
    for (int32_t e : req)
        ++count[e];
    std::vector<std::pair<int32_t, uint64_t>> by(count.begin(), count.end());
    // most often first, the lower id on a tie
    std::sort(by.begin(), by.end(),
        [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    std::set<int32_t> kept;
    for (size_t i = 0; i < by.size() && int(i) < capacity; ++i)
        kept.insert(by[i].first);
    CacheStats s;
    for (int32_t e : req) {
        ++s.requests;
        s.hits += kept.count(e);
    }
    return s;
}

// The dynamic policies share one loop: each cached expert has a key, and the
// expert with the smallest key is evicted. LRU: time of last use; LFU:
// (uses so far, last use); Belady: minus the time of the next use.
CacheStats simulate_dynamic(const std::vector<int32_t>& req, int capacity, CachePolicy policy) {
    CacheStats s;
    if (capacity <= 0) {
        s.requests = req.size();
        return s;
    }
    const size_t n = req.size();
    std::vector<size_t> next_use;
    if (policy == CachePolicy::belady) {
        next_use.assign(n, std::numeric_limits<size_t>::max());
        std::unordered_map<int32_t, size_t> later;
        for (size_t i = n; i-- > 0;) {
            auto it = later.find(req[i]);
            if (it != later.end()) next_use[i] = it->second;
            later[req[i]] = i;
        }
    }
    using Key = std::pair<double, double>;
    std::set<std::pair<Key, int32_t>> order; // (key, expert): the first is evicted
    std::unordered_map<int32_t, Key> key_of; // cached experts
    std::unordered_map<int32_t, uint64_t> uses; // LFU: every request so far
    for (size_t t = 0; t < n; ++t) {
        const int32_t e = req[t];
        ++s.requests;
        const uint64_t u = ++uses[e];
        Key k;
        switch (policy) {
        case CachePolicy::lru:
            k = { double(t), 0 };
            break;
        case CachePolicy::lfu:
            k = { double(u), double(t) };
            break;
        default: // belady: the furthest next use is evicted first; never again is furthest of all
            k = { next_use[t] == std::numeric_limits<size_t>::max() ? -std::numeric_limits<double>::infinity()
                                                                    : -double(next_use[t]),
                0 };
            break;
        }
        auto it = key_of.find(e);
        if (it != key_of.end()) {
            ++s.hits;
            order.erase({ it->second, e });
        } else if (int(key_of.size()) >= capacity) {
            const auto victim = order.begin();
            key_of.erase(victim->second);
            order.erase(victim);
        }
        key_of[e] = k;
        order.insert({ k, e });
    }
    return s;
}

} // namespace

CacheStats simulate_cache(const std::vector<int32_t>& requests, int capacity, CachePolicy policy) {
    std::vector<int32_t> req;
    req.reserve(requests.size());
    for (int32_t e : requests)
        if (e >= 0) req.push_back(e);
    if (policy == CachePolicy::static_frequency) return simulate_static(req, capacity);
    return simulate_dynamic(req, capacity, policy);
}

} // namespace moe
