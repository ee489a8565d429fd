// Benchmark (not a test) of one matrix-vector product per weight type: the
// exact path (vec_dot, float activations) against the fast path (activations
// quantized once, int_dot), on a rows × cols matrix that fits in cache or not.
// Prints ns per row and the weight bytes per second for both, so a kernel
// change can be measured in isolation; under `valgrind --tool=callgrind
// bench_int_dot TYPE 1` the instruction counts of the two loops are
// repeatable on a loaded machine.
//
// With a token count above 1 it measures a prompt's product instead: rows ×
// tokens dot products over quantized activations, one kernel call per (row,
// token) as the fast path made them before tiling, against int_dot_tile;
// ns per (row, token) pair for both.
//
//   bench_int_dot [TYPE|all] [repetitions] [rows] [cols] [tokens] [row|tile]
//
// (the last argument runs one of the two alone, for `perf stat` cycle counts)
#include "quant/int_dot.h"
#include "quant/quant.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <time.h>
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

// A weight row: the noise quantized, or for the formats we cannot quantize
// (the lattice i-quants want an importance matrix) random bytes with the
// super-block scale d set to 1/64 (IQ1_M spreads it over four nibbles).
void weight_row(uint32_t type, const std::vector<float>& wf, uint8_t* dst, int64_t cols, uint32_t seed) {
    if (type_traits(type)->can_quantize) {
        quantize_row(type, wf.data(), dst, cols);
        return;
    }
    const std::vector<float> bytes = noise(row_size(type, cols), seed);
    for (size_t i = 0; i < bytes.size(); ++i)
        dst[i] = uint8_t(int((bytes[i] + 1.0f) * 127.5f));
    const TypeTraits* t = type_traits(type);
    const uint16_t d = 0x2400; // 2^-6 in fp16
    for (int64_t b = 0; b < cols / t->block_size; ++b) {
        uint8_t* p = dst + size_t(b) * t->type_size;
        if (type == GGML_TYPE_IQ1_M) {
            for (int i = 0; i < 4; ++i)
                p[49 + 2 * i] = uint8_t((p[49 + 2 * i] & 0x0F) | (((d >> (4 * i)) & 0x0F) << 4));
        } else {
            std::memcpy(p, &d, 2);
        }
    }
}

// This thread's CPU time: on a machine shared with other jobs it counts only
// the time the benchmark ran, not the time it waited for a core.
double now_ns() {
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

// rows × tokens: the per-(row, token) loop against the tiled product.
void bench_tile(uint32_t type, int reps, int64_t rows, int64_t cols, int tokens, const std::string& only) {
    const size_t rb = row_size(type, cols);
    std::vector<uint8_t> w(rb * size_t(rows));
    for (int64_t r = 0; r < rows; ++r) {
        const std::vector<float> wf = noise(size_t(cols), uint32_t(r + 1));
        weight_row(type, wf, w.data() + rb * size_t(r), cols, uint32_t(r + 1));
    }
    const ActFormat f = act_format(type);
    const size_t ab = act_row_bytes(f, cols);
    std::vector<uint8_t> qx(ab * size_t(tokens));
    for (int t = 0; t < tokens; ++t)
        quantize_act(f, noise(size_t(cols), uint32_t(1000 + t)).data(), qx.data() + ab * size_t(t), cols);
    std::vector<float> y(size_t(rows) * size_t(tokens)), z(y.size());
    const IntDotRow k = int_dot_kernel(type);
    const IntDotTile tile = int_dot_tile_kernel(type);
    const double pairs = double(rows) * double(tokens);
    double t0 = now_ns();
    for (int rep = 0; rep < (only == "tile" ? 0 : reps); ++rep) {
        for (int64_t r = 0; r < rows; ++r)
            for (int t = 0; t < tokens; ++t)
                y[size_t(t) * size_t(rows) + size_t(r)]
                    = k(w.data() + rb * size_t(r), qx.data() + ab * size_t(t), cols);
    }
    const double per_row = (now_ns() - t0) / double(reps) / pairs;
    t0 = now_ns();
    for (int rep = 0; rep < (only == "row" ? 0 : reps); ++rep)
        tile(w.data(), rb, int(rows), qx.data(), ab, nullptr, tokens, cols, z.data(), size_t(rows));
    const double tiled = (now_ns() - t0) / double(reps) / pairs;
    const bool same = !only.empty() || y == z;
    std::printf("%-8s %14.2f %14.2f %8.2f%s\n", type_name(type), per_row, tiled, per_row / tiled,
        same ? "" : "   RESULTS DIFFER");
}

} // namespace

int main(int argc, char** argv) {
    const std::string which = argc > 1 ? argv[1] : "all";
    const int reps = argc > 2 ? std::atoi(argv[2]) : 20;
    const int64_t rows = argc > 3 ? std::atoll(argv[3]) : 1024;
    const int64_t cols = argc > 4 ? std::atoll(argv[4]) : 2048;
    const int tokens = argc > 5 ? std::atoi(argv[5]) : 1;
    const std::string only = argc > 6 ? argv[6] : "";
    const uint32_t types[] = { GGML_TYPE_Q8_0, GGML_TYPE_Q4_0, GGML_TYPE_Q5_0, GGML_TYPE_IQ4_NL, GGML_TYPE_MXFP4,
        GGML_TYPE_Q4_1, GGML_TYPE_Q5_1, GGML_TYPE_Q2_K, GGML_TYPE_Q3_K, GGML_TYPE_Q4_K, GGML_TYPE_Q5_K, GGML_TYPE_Q6_K,
        GGML_TYPE_IQ4_XS, GGML_TYPE_IQ2_XXS, GGML_TYPE_IQ2_XS, GGML_TYPE_IQ2_S, GGML_TYPE_IQ3_XXS, GGML_TYPE_IQ3_S,
        GGML_TYPE_IQ1_S, GGML_TYPE_IQ1_M };
    if (tokens > 1 || !only.empty()) {
        std::printf("%-8s %14s %14s %8s   (%lld rows x %d tokens x %lld cols)\n", "type", "row ns/pair", "tile ns/pair",
            "speedup", (long long)rows, tokens, (long long)cols);
    } else {
        std::printf("%-8s %12s %12s %12s %12s %8s\n", "type", "exact ns/row", "fast ns/row", "exact GB/s", "fast GB/s",
            "speedup");
    }
    for (uint32_t type : types) {
        if (which != "all" && which != type_name(type)) continue;
        if (tokens > 1 || !only.empty()) {
            bench_tile(type, reps, rows, cols, tokens, only);
            continue;
        }
        const size_t rb = row_size(type, cols);
        std::vector<uint8_t> w(rb * size_t(rows));
        const std::vector<float> wf = noise(size_t(cols), 1);
        for (int64_t r = 0; r < rows; ++r)
            weight_row(type, wf, w.data() + rb * size_t(r), cols, uint32_t(r + 1));
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
