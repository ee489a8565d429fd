#include "runtime/thread_pool.h"

#include <algorithm>

namespace moe {

ThreadPool::ThreadPool(int n_threads)
    : m_n_threads(std::max(1, n_threads)) {
    for (int i = 1; i < m_n_threads; ++i)
        m_threads.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto& t : m_threads)
        t.join();
}

int ThreadPool::default_threads() {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : int(n);
}

void ThreadPool::run_chunks(int index) {
    for (;;) {
        int64_t begin = m_next.fetch_add(m_chunk, std::memory_order_relaxed);
        if (begin >= m_n) break;
        (*m_task)(begin, std::min(begin + m_chunk, m_n), index);
    }
}

void ThreadPool::worker(int index) {
    uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop) return;
            seen = m_generation;
        }
        run_chunks(index);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (--m_active == 0) m_done.notify_one();
        }
    }
}

void ThreadPool::parallel_for(int64_t n, int64_t chunk, Task fn) {
    if (n <= 0) return;
    chunk = std::max<int64_t>(1, chunk);
    // Not worth waking anyone for one chunk.
    if (m_n_threads == 1 || n <= chunk) {
        fn(0, n, 0);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_task = &fn;
        m_n = n;
        m_chunk = chunk;
        m_next.store(0, std::memory_order_relaxed);
        m_active = m_n_threads - 1;
        ++m_generation;
    }
    m_wake.notify_all();
    run_chunks(0);
    std::unique_lock<std::mutex> lock(m_mutex);
    m_done.wait(lock, [&] { return m_active == 0; });
    m_task = nullptr;
}

} // namespace moe
