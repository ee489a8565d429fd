#pragma once
// `moe-cli selftest [--backend cuda|cpu]`: the GPU-vs-CPU parity suite as one
// command. Per-op checks of the kernels on random data, then small synthetic
// models of every architecture and tensor type run on the CPU reference and
// on the backend under test with the same tokens: NLL within 1e-2, identical
// top-k expert sets except near-ties, identical greedy tokens for 64 steps
// on F32. Prints a table; exit 0 when everything passes, 1 on a failure, 77
// when the backend under test is not available (no GPU, no CUDA build).
// The parity functions are also used by tests/tst_gpu_parity.cpp.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

struct SelftestArgs {
    std::string backend = "cuda";  // the backend checked against the CPU reference
    std::vector<std::string> archs;  // empty: every architecture
    std::vector<std::string> types;  // empty: every tensor type
    int greedy_steps = 64;
    uint64_t seed = 1;
    bool json = false;
    bool skip_ops = false;
    CLI::App* cmd = nullptr;
};

CLI::App* add_selftest_command(CLI::App& app, SelftestArgs& a);
int run_selftest_command(const SelftestArgs& a);

namespace selftest {

struct ParityResult {
    std::string arch, type;
    double nll_ref = 0, nll_test = 0;
    int routing_frames = 0;     // (token, layer) frames compared
    int routing_mismatch = 0;   // differing top-k sets not explained by a near-tie
    int routing_near_ties = 0;  // differing sets whose gates were within 1e-3
    int greedy_steps = 0;       // 0: not checked (quantized types)
    int greedy_match = 0;       // steps identical before the first difference
    bool greedy_near_tie = false;
    bool ok = false;
    std::string error;          // set when the run itself failed
};

// Whether the backend under test can run here; `why` says why not.
bool backend_available(const std::string& backend, std::string* why);

// Every architecture and type the synthetic models come in.
std::vector<std::string> all_archs();
std::vector<std::string> all_types();

// One model: writes it to `dir`, runs both backends, compares.
ParityResult check_model(const std::string& backend, const std::string& arch, const std::string& type,
                         const std::string& dir, int greedy_steps, uint64_t seed);

} // namespace selftest
