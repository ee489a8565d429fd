// Benchmark (not a test): what the routing telemetry costs the forward pass.
// Generates the same greedy tokens from a synthetic model with a RoutingTrace
// attached and without one, alternating, and prints the time of each. On a
// shared machine compare instruction counts instead, which do not depend on
// the load:
//
//   valgrind --tool=callgrind bench_routing_overhead on  PRESET
//   valgrind --tool=callgrind bench_routing_overhead off PRESET
//
//   bench_routing_overhead [on|off|both] [preset: small] [tokens: 64]
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "runtime/session.h"
#include "telemetry/routing.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace moe;

namespace {

double run(const std::shared_ptr<Model>& m, bool observe, int n) {
    BackendOptions bo;
    bo.n_threads = 2;
    Session s(m, make_backend(BackendKind::cpu, m, bo));
    RoutingTrace trace;
    trace.reserve(size_t(n) + 8, std::max(1, s.backend().n_moe_layers()), s.backend().top_k());
    if (observe) s.set_routing_observer(&trace);
    GenerateOptions go;
    go.n_predict = n;
    go.sampler.temperature = 0.0f;
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<int32_t> prompt = { 1, 2, 3, 4, 5, 6, 7, 8 };
    s.generate(prompt, go);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "both";
    SynthOptions o;
    o.arch = "olmoe";
    o.preset = argc > 2 ? argv[2] : "small";
    o.quant = GGML_TYPE_Q8_0;
    const int n = argc > 3 ? std::atoi(argv[3]) : 64;
    const std::string path = (std::filesystem::temp_directory_path() / "bench_routing_overhead.gguf").string();
    write_synthetic_model(o, path);
    auto m = Model::load(path);
    if (mode == "on" || mode == "off") {
        std::printf("%s: %.1f ms\n", mode.c_str(), run(m, mode == "on", n));
        return 0;
    }
    for (int rep = 0; rep < 5; ++rep) {
        const double on = run(m, true, n), off = run(m, false, n);
        std::printf("telemetry on %.1f ms, off %.1f ms (%+.1f %%)\n", on, off, 100.0 * (on - off) / off);
    }
    return 0;
}
