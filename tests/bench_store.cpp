// Run store benchmark: write a 100,000-token run with 48 MoE layers x top-8
// routing over 128 experts (skewed expert popularity, token-to-token
// stability, softmax gate weights: tests/store_child/synthetic_run.h), read
// it back, and report the time of each and the bytes per token on disk.
//   bench_store [--tokens N] [--layers L] [--k K] [--experts E] [--stability S]
//               [--reps R] [--zstd LEVEL] [--db PATH]
#include "store/codec.h"
#include "store/store.h"
#include "store_child/synthetic_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU time of the whole process: on a shared machine wall time also counts
// other people's work, so both are reported.
double cpu_s() {
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

uint64_t file_size(const std::string& p) {
    std::error_code ec;
    const uint64_t n = std::filesystem::file_size(p, ec);
    return ec ? 0 : n;
}

} // namespace

int main(int argc, char** argv) {
    moe_test::SyntheticRouting o;
    o.n_tokens = 100000;
    o.n_layers = 48;
    o.k = 8;
    o.n_experts = 128;
    o.stability = 0.5;
    int reps = 3;
    int level = 3;
    std::string db = (std::filesystem::temp_directory_path() / "moe-bench-store.sqlite").string();
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const char* v = argv[i + 1];
        if (k == "--tokens")
            o.n_tokens = std::atoi(v);
        else if (k == "--layers")
            o.n_layers = std::atoi(v);
        else if (k == "--k")
            o.k = std::atoi(v);
        else if (k == "--experts")
            o.n_experts = std::atoi(v);
        else if (k == "--stability")
            o.stability = std::atof(v);
        else if (k == "--reps")
            reps = std::max(1, std::atoi(v));
        else if (k == "--zstd")
            level = std::atoi(v);
        else if (k == "--db")
            db = v;
        else {
            fmt::print(stderr, "unknown option {}\n", k);
            return 2;
        }
    }
    fmt::print("making a {}-token run: {} layers x top-{} of {} experts, stability {:.2f}\n", o.n_tokens, o.n_layers,
        o.k, o.n_experts, o.stability);
    const moe::RunRecord rec = moe_test::synthetic_run(o, 512);

    double best_write = 1e30, best_read = 1e30, best_write_cpu = 1e30, best_read_cpu = 1e30;
    uint64_t file_bytes = 0;
    size_t trace_bytes = 0;
    moe::TraceCodecStats st;
    for (int r = 0; r < reps; ++r) {
        for (const char* suffix : { "", "-wal", "-shm" })
            std::filesystem::remove(db + suffix);
        moe::RunStoreOptions so;
        so.zstd_level = level;
        int64_t id = 0;
        {
            moe::RunStore store(db, so); // created outside the timing
            const double t0 = now_s(), c0 = cpu_s();
            id = store.save(rec);
            const double t1 = now_s(), c1 = cpu_s();
            best_write = std::min(best_write, t1 - t0);
            best_write_cpu = std::min(best_write_cpu, c1 - c0);
        }
        file_bytes = file_size(db); // the last connection closed: WAL checkpointed into the file
        {
            moe::RunStore store(db, so);
            const double t0 = now_s(), c0 = cpu_s();
            const moe::RunRecord back = store.load(id);
            const double t1 = now_s(), c1 = cpu_s();
            best_read = std::min(best_read, t1 - t0);
            best_read_cpu = std::min(best_read_cpu, c1 - c0);
            if (back.routing.size() != rec.routing.size()) {
                fmt::print(stderr, "read back {} tokens, wrote {}\n", back.routing.size(), rec.routing.size());
                return 1;
            }
        }
    }
    // where the time goes: the CPU-heavy steps of a save and a load on their own
    double t0 = now_s();
    const std::vector<uint8_t> blob = moe::encode_routing(rec.routing, level, &st);
    const double encode_s = now_s() - t0;
    trace_bytes = blob.size();
    t0 = now_s();
    const size_t n_bal = moe::routing_balance(rec.routing, o.n_experts).size();
    const double balance_s = now_s() - t0;
    t0 = now_s();
    const size_t n_decoded = moe::decode_routing(blob.data(), blob.size()).size();
    const double decode_s = now_s() - t0;
    for (const char* suffix : { "", "-wal", "-shm" })
        std::filesystem::remove(db + suffix);

    const double T = double(rec.routing.size());
    const double raw_trace = T * double(o.n_layers) * double(o.k) * 8.0; // int32 id + float weight
    // ids alone and weights alone, to show where the bytes go
    moe::RoutingTrace ids_only;
    {
        std::vector<float> flat(size_t(o.n_layers) * size_t(o.k), 1.0f);
        for (size_t i = 0; i < rec.routing.size(); ++i) {
            moe::RoutingFrame f { rec.routing.pos(i), rec.routing.token(i), o.n_layers, o.k, rec.routing.ids(i, 0),
                flat.data() };
            ids_only.on_routing(f);
        }
    }
    const size_t ids_bytes = moe::encode_routing(ids_only, level).size();

    fmt::print("best of {} (wall / CPU):\n", reps);
    fmt::print("  write            {:.3f} s / {:.3f} s  (one transaction: pack, compress, metrics, insert, commit)\n",
        best_write, best_write_cpu);
    fmt::print(
        "  read             {:.3f} s / {:.3f} s  (load: every field and the whole trace)\n", best_read, best_read_cpu);
    fmt::print("    of the write:  {:.3f} s packing + zstd, {:.3f} s load-balance metrics of {} layers\n", encode_s,
        balance_s, n_bal);
    fmt::print("    of the read:   {:.3f} s unpacking the trace ({} tokens)\n", decode_s, n_decoded);
    fmt::print(
        "  trace            {:.1f} bytes/token ({:.1f} MB; raw int32+float {:.0f} bytes/token, {:.1f}x smaller)\n",
        double(trace_bytes) / T, double(trace_bytes) / 1e6, raw_trace / T, raw_trace / double(trace_bytes));
    fmt::print("    of which ids   {:.1f} bytes/token (trace with constant weights)\n", double(ids_bytes) / T);
    fmt::print("    weights        {:.1f} bytes/token (8-bit, the rest)\n", double(trace_bytes - ids_bytes) / T);
    fmt::print("  file             {:.1f} bytes/token ({:.1f} MB, with timings, token ids, metrics)\n",
        double(file_bytes) / T, double(file_bytes) / 1e6);
    fmt::print("  packed payload   {:.1f} MB before zstd level {}\n", double(st.raw_bytes) / 1e6, level);
    return 0;
}
