#include "telemetry/hardware.h"

#include "runtime/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

namespace moe {

HostInfo host_info() {
    HostInfo h;
    std::ifstream cpu("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpu, line)) {
        if (h.cpu_model.empty() && line.rfind("model name", 0) == 0) {
            auto colon = line.find(':');
            if (colon != std::string::npos) h.cpu_model = line.substr(colon + 2);
        }
    }
    h.threads = ThreadPool::default_threads();
    std::ifstream mem("/proc/meminfo");
    std::string key, unit;
    uint64_t kb = 0;
    while (mem >> key >> kb >> unit) {
        if (key == "MemTotal:") h.ram_bytes = kb * 1024;
        if (key == "MemAvailable:") h.available_bytes = kb * 1024;
    }
#if defined(__x86_64__)
    h.avx2 = __builtin_cpu_supports("avx2");
#endif
    return h;
}

std::vector<double> measure_read_bandwidth_samples(int threads, size_t bytes, int reps) {
    const size_t n = bytes / sizeof(uint64_t);
    std::unique_ptr<uint64_t[]> buf(new uint64_t[n]);
    ThreadPool pool(threads);
    // touch every page from the pool's threads first (first-touch placement)
    pool.parallel_for(int64_t(n), int64_t(1) << 20, [&](int64_t a, int64_t b, int) {
        for (int64_t i = a; i < b; ++i)
            buf[size_t(i)] = uint64_t(i);
    });
    std::vector<uint64_t> sink(size_t(pool.size()) * 8);
    std::vector<double> samples;
    for (int r = 0; r < reps; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        pool.parallel_for(int64_t(n), int64_t(1) << 20, [&](int64_t a, int64_t b, int th) {
            // four independent sums so the loop is bound by loads, not adds
            uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int64_t i = a;
            for (; i + 4 <= b; i += 4) {
                s0 += buf[size_t(i)];
                s1 += buf[size_t(i) + 1];
                s2 += buf[size_t(i) + 2];
                s3 += buf[size_t(i) + 3];
            }
            for (; i < b; ++i)
                s0 += buf[size_t(i)];
            sink[size_t(th) * 8] += s0 + s1 + s2 + s3;
        });
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        samples.push_back(double(n * sizeof(uint64_t)) / s);
    }
    volatile uint64_t keep = 0;
    for (uint64_t v : sink)
        keep = keep + v;
    (void)keep;
    return samples;
}

double measure_read_bandwidth(int threads, size_t bytes, int reps) {
    const std::vector<double> s = measure_read_bandwidth_samples(threads, bytes, reps);
    return s.empty() ? 0.0 : *std::max_element(s.begin(), s.end());
}

} // namespace moe
