#pragma once
// `moe-cli selftest [--backend cuda|cpu]`: the GPU-vs-CPU parity suite.
// Checks have ids: op:FAMILY (a kernel family against the CPU ops on random
// data, engine/cpu/op_checks.h), model:ARCH:TYPE (a small synthetic model
// run on the CPU reference and on the backend under test with the same
// tokens: NLL within 1e-2, identical top-k expert sets except near-ties,
// identical greedy tokens for 64 steps on F32) and time:FAMILY (kernel
// timings at Qwen3-30B-A3B's shapes; never part of the default run).
//
//   selftest --list            the ids, one a line
//   selftest --check ID        runs one check here, prints one JSON line
//   selftest                   every op and model check, each in its own
//                              process (a kernel fault poisons only its own
//                              CUDA context) under --timeout, then the table
//
// Exit 0 when everything passes, 1 on a failure, 77 when the backend under
// test is not available (no GPU, no CUDA build). With --backend cpu the CPU
// is checked against itself: the harness's own check, on any machine.
// The parity functions are also used by tests/tst_gpu_parity.cpp.
#include "runtime/backend.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

struct SelftestArgs {
    std::string backend = "cuda"; // the backend checked against the CPU reference
    std::vector<std::string> archs; // empty: every architecture
    std::vector<std::string> types; // empty: every tensor type
    int greedy_steps = 64;
    uint64_t seed = 1;
    bool json = false;
    bool skip_ops = false;
    bool list = false;
    std::string check; // run this one check in this process
    int timeout_s = 120; // per check, when each runs in its own process
    int reps = 20; // calls averaged per timing
    CLI::App* cmd = nullptr;
};

CLI::App* add_selftest_command(CLI::App& app, SelftestArgs& a);
int run_selftest_command(const SelftestArgs& a);

namespace selftest {

struct ParityResult {
    std::string arch, type;
    double nll_ref = 0, nll_test = 0;
    int routing_frames = 0; // (token, layer) frames compared
    int routing_mismatch = 0; // differing top-k sets not explained by a near-tie
    int routing_near_ties = 0; // differing sets whose gates were within 1e-3
    int greedy_steps = 0; // 0: not checked (quantized types)
    int greedy_match = 0; // steps identical before the first difference
    bool greedy_near_tie = false;
    bool ok = false;
    std::string error; // set when the run itself failed
};

// Whether the backend under test can run here; `why` says why not.
bool backend_available(const std::string& backend, std::string* why);

// Every architecture and type the synthetic models come in.
std::vector<std::string> all_archs();
std::vector<std::string> all_types();

// Check ids for these architectures and types (empty: all), ops first; time:* ids when `timings`.
std::vector<std::string> check_ids(
    const std::vector<std::string>& archs, const std::vector<std::string>& types, bool ops, bool timings);

// One model: writes it to `dir`, runs both backends, compares.
ParityResult check_model(const std::string& backend, const std::string& arch, const std::string& type,
    const std::string& dir, int greedy_steps, uint64_t seed);

// Greedy decoding from `prompt` (one prefill without all logits, then one
// token at a time): the first `steps` argmax tokens. gaps (optional): the
// margin of each pick over the runner-up.
std::vector<int32_t> greedy_tokens(
    moe::Backend& b, int n_vocab, const std::vector<int32_t>& prompt, int steps, std::vector<float>* gaps = nullptr);

// Runs one check in this process: its JSON line (never throws: errors are in "error").
std::string run_check(const std::string& id, const SelftestArgs& a);

// Prints the results of the checks (JSON objects, one per check) as tables.
void print_table(const std::vector<nlohmann::ordered_json>& results, const std::string& backend);

} // namespace selftest
