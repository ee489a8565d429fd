#pragma once
// What the CPU ops (ops.cpp, int_ops.cpp) share: running a range of rows on
// the thread pool or on this thread, and SiLU.
#include "runtime/thread_pool.h"

#include <cmath>
#include <cstdint>

namespace moe::cpu {

inline float silu(float x) {
    return x / (1.0f + std::exp(-x));
}

// Runs fn(begin, end, thread) over [0, n) on the pool, or on this thread.
template <class F> void each(ThreadPool* pool, int64_t n, int64_t chunk, const F& fn) {
    if (n <= 0) return;
    if (pool) {
        pool->parallel_for(n, chunk, fn);
    } else {
        fn(int64_t(0), n, 0);
    }
}

inline int pool_size(ThreadPool* pool) {
    return pool ? pool->size() : 1;
}

} // namespace moe::cpu
