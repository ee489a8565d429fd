#pragma once
// A small persistent thread pool for the CPU backend's forward pass. The
// calling thread takes part in the work, so a pool of N threads starts N-1
// workers. parallel_for hands out chunks dynamically (an atomic cursor), so
// uneven rows (expert matrices of different types) still balance.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace moe {

class ThreadPool {
public:
    // fn(begin, end, thread_index): thread_index is in [0, size()). A
    // non-owning reference to the caller's lambda: std::function could
    // allocate for larger captures, and the forward pass must not allocate.
    class Task {
    public:
        template <class F>
        Task(const F& f) // NOLINT: implicit on purpose, call sites pass lambdas
            : m_obj(&f)
            , m_call([](const void* o, int64_t a, int64_t b, int t) { (*static_cast<const F*>(o))(a, b, t); }) { }
        void operator()(int64_t a, int64_t b, int t) const { m_call(m_obj, a, b, t); }

    private:
        const void* m_obj;
        void (*m_call)(const void*, int64_t, int64_t, int);
    };

    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return m_n_threads; }
    // Runs fn over [0, n) in chunks of at most `chunk`; returns when all are done.
    void parallel_for(int64_t n, int64_t chunk, Task fn);

    // Hardware threads, at least 1.
    static int default_threads();

private:
    void worker(int index);
    void run_chunks(int index);

    int m_n_threads;
    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    uint64_t m_generation = 0;
    bool m_stop = false;
    int m_active = 0;
    const Task* m_task = nullptr;
    int64_t m_n = 0;
    int64_t m_chunk = 1;
    std::atomic<int64_t> m_next { 0 };
};

} // namespace moe
