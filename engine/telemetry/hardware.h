#pragma once
// What machine a run happened on, and how fast its memory is: decode is
// bound by memory bandwidth, so achieved GB/s is reported against this.
#include <cstdint>
#include <string>
#include <vector>

namespace moe {

struct HostInfo {
    std::string cpu_model;
    int threads = 0;
    uint64_t ram_bytes = 0;
    uint64_t available_bytes = 0;
    bool avx2 = false;
};

HostInfo host_info();

// Read bandwidth of main memory in bytes/s: `threads` threads each summing
// their part of a buffer of `bytes` (much larger than the caches), best of `reps`.
double measure_read_bandwidth(int threads, size_t bytes = size_t(1) << 30, int reps = 5);
// The same, every repetition's bytes/s in order.
std::vector<double> measure_read_bandwidth_samples(int threads, size_t bytes, int reps);

} // namespace moe
