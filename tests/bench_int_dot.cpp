// Benchmark (not a test) of one matrix-vector product per weight type: the
// exact path (vec_dot, float activations) against the fast path (activations
// quantized once, int_dot), on a rows × cols matrix that fits in cache or not.
// Prints ns per row and the weight bytes per second for both, so a kernel
// change can be measured in isolation; under `valgrind --tool=callgrind
// bench_int_dot TYPE 1` the instruction counts of the two loops are
// repeatable on a loaded machine.
//
//   bench_int_dot [TYPE|all] [repetitions] [rows] [cols]
#include "quant/int_dot.h"
#include "quant/quant.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace moe;

namespace {

std::vector<float> noise(size_t n, uint32_t seed) {
    std::vector<float> v(n);
    uint32_t s = seed * 2654435761u + 1;
    for (auto& x : v) {
        s = s * 1664525u + 1013904223u;
        x = (float(s >> 8) / float(1u << 24) - 0.5f) * 2.0f;
    }
    return v;
}

double now_ns() {
    return double(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

} // namespace

int main(int argc, char** argv) {
    const std::string which = argc > 1 ? argv[1] : "all";
    const int reps = argc > 2 ? std::atoi(argv[2]) : 20;
    const int64_t rows = argc > 3 ? std::atoll(argv[3]) : 1024;
    const int64_t cols = argc > 4 ? std::atoll(argv[4]) : 2048;
    const uint32_t types[] = { GGML_TYPE_Q8_0, GGML_TYPE_Q4_0, GGML_TYPE_Q5_0, GGML_TYPE_IQ4_NL, GGML_TYPE_MXFP4,
        GGML_TYPE_Q4_K, GGML_TYPE_Q5_K, GGML_TYPE_Q6_K, GGML_TYPE_IQ4_XS };
    std::printf(
        "%-8s %12s %12s %12s %12s %8s\n", "type", "exact ns/row", "fast ns/row", "exact GB/s", "fast GB/s", "speedup");
    for (uint32_t type : types) {
        if (which != "all" && which != type_name(type)) continue;
        const size_t rb = row_size(type, cols);
        std::vector<uint8_t> w(rb * size_t(rows));
        const std::vector<float> wf = noise(size_t(cols), 1);
        for (int64_t r = 0; r < rows; ++r)
            quantize_row(type, wf.data(), w.data() + rb * size_t(r), cols);
        const std::vector<float> x = noise(size_t(cols), 2);
        const ActFormat f = act_format(type);
        std::vector<uint8_t> qx(act_row_bytes(f, cols));
        std::vector<float> y(static_cast<size_t>(rows));
        volatile float sink = 0;

        double t0 = now_ns();
        for (int rep = 0; rep < reps; ++rep) {
            for (int64_t r = 0; r < rows; ++r)
                y[size_t(r)] = vec_dot(type, w.data() + rb * size_t(r), x.data(), cols);
            sink = sink + y[0];
        }
        const double exact = (now_ns() - t0) / double(reps) / double(rows);
        const IntDotRow k = int_dot_kernel(type);
        t0 = now_ns();
        for (int rep = 0; rep < reps; ++rep) {
            quantize_act(f, x.data(), qx.data(), cols);
            for (int64_t r = 0; r < rows; ++r)
                y[size_t(r)] = k(w.data() + rb * size_t(r), qx.data(), cols);
            sink = sink + y[0];
        }
        const double fast = (now_ns() - t0) / double(reps) / double(rows);
        std::printf("%-8s %12.1f %12.1f %12.2f %12.2f %8.2f\n", type_name(type), exact, fast, double(rb) / exact,
            double(rb) / fast, exact / fast);
    }
    return 0;
}
