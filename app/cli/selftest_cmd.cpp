#include "selftest_cmd.h"

#include "child_process.h"

#include "cpu/op_checks.h"
#include "error.h"
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "runtime/cuda_hook.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <random>

#include <unistd.h>

using json = nlohmann::ordered_json;

namespace selftest {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::unique_ptr<moe::OpDevice> op_device(const std::string& backend, std::string* why) {
    if (backend == "cpu") return moe::cpu_op_device();
    return moe::cuda_op_device(why);
}

json op_check(const std::string& family, const SelftestArgs& a) {
    json j;
    std::string why;
    auto dev = op_device(a.backend, &why);
    if (!dev) throw moe::Error(why);
    json ops = json::array();
    bool ok = true;
    for (const moe::OpCheck& c : moe::run_op_checks(*dev, family, a.seed)) {
        ok = ok && c.ok;
        ops.push_back({ { "op", c.op }, { "error", std::isfinite(c.max_err) ? json(c.max_err) : json("inf") },
            { "tol", c.tol }, { "ok", c.ok }, { "note", c.ok ? "" : c.note } });
    }
    j["ok"] = ok && !ops.empty();
    j["ops"] = ops;
    return j;
}

json time_check(const std::string& family, const SelftestArgs& a) {
    std::string why;
    auto dev = op_device(a.backend, &why);
    if (!dev) throw moe::Error(why);
    json rows = json::array();
    for (const moe::OpTiming& t : moe::run_op_timings(*dev, family, a.reps, a.seed)) {
        rows.push_back(
            { { "op", t.op }, { "ms", t.ms }, { "gb_per_s", t.bytes > 0 && t.ms > 0 ? t.bytes / t.ms / 1e6 : 0.0 } });
    }
    return { { "ok", !rows.empty() }, { "timings", rows } };
}

json model_check(const std::string& arch, const std::string& type, const SelftestArgs& a) {
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("moe-selftest-{}", getpid());
    std::filesystem::create_directories(dir);
    const ParityResult r = check_model(a.backend, arch, type, dir.string(), a.greedy_steps, a.seed);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (!r.error.empty()) throw moe::Error(r.error);
    return { { "ok", r.ok }, { "nll_cpu", r.nll_ref }, { "nll_test", r.nll_test },
        { "routing_frames", r.routing_frames }, { "routing_mismatch", r.routing_mismatch },
        { "routing_near_ties", r.routing_near_ties }, { "greedy_steps", r.greedy_steps },
        { "greedy_match", r.greedy_match }, { "greedy_near_tie", r.greedy_near_tie } };
}

// The check's JSON line from a child, or a failed one saying how the child ended.
json child_check(const std::string& id, const SelftestArgs& a) {
    std::vector<std::string> args = { "selftest", "--check", id, "--backend", a.backend, "--seed",
        std::to_string(a.seed), "--greedy-steps", std::to_string(a.greedy_steps), "--reps", std::to_string(a.reps) };
    const auto t0 = std::chrono::steady_clock::now();
    const ChildResult r = run_child(args, a.timeout_s);
    // the JSON line is the last line of stdout
    std::string last;
    size_t end = r.out.find_last_not_of('\n');
    if (end != std::string::npos) {
        const size_t begin = r.out.rfind('\n', end);
        last = r.out.substr(
            begin == std::string::npos ? 0 : begin + 1, end - (begin == std::string::npos ? 0 : begin + 1) + 1);
    }
    json j = json::parse(last, nullptr, false);
    if (!j.is_discarded() && j.is_object() && !r.timed_out) return j;
    std::string how;
    if (r.timed_out) {
        how = fmt::format("timed out after {} s", a.timeout_s);
    } else if (WIFSIGNALED(r.status)) {
        how = fmt::format("crashed ({})", strsignal(WTERMSIG(r.status)));
    } else {
        how = fmt::format("exited with status {} and no result", WEXITSTATUS(r.status));
    }
    std::string tail = r.err.size() > 400 ? r.err.substr(r.err.size() - 400) : r.err;
    std::replace(tail.begin(), tail.end(), '\n', ' ');
    return { { "check", id }, { "backend", a.backend }, { "ok", false }, { "seconds", seconds_since(t0) },
        { "error", tail.empty() ? how : how + ": " + tail } };
}

} // namespace

std::vector<std::string> all_archs() {
    return { "qwen3moe", "qwen2moe", "llama", "olmoe", "qwen3" };
}
std::vector<std::string> all_types() {
    return { "F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K" };
}

bool backend_available(const std::string& backend, std::string* why) {
    if (backend == "cpu") return true;
    return moe::cuda_device_info(why).has_value();
}

std::vector<std::string> check_ids(
    const std::vector<std::string>& archs, const std::vector<std::string>& types, bool ops, bool timings) {
    std::vector<std::string> ids;
    if (ops)
        for (const auto& f : moe::op_families())
            ids.push_back("op:" + f);
    for (const auto& arch : archs.empty() ? all_archs() : archs)
        for (const auto& type : types.empty() ? all_types() : types)
            ids.push_back(fmt::format("model:{}:{}", arch, type));
    if (timings)
        for (const auto& f : moe::timing_families())
            ids.push_back("time:" + f);
    return ids;
}

std::string run_check(const std::string& id, const SelftestArgs& a) {
    const auto t0 = std::chrono::steady_clock::now();
    json j = { { "check", id }, { "backend", a.backend } };
    try {
        json body;
        if (id.rfind("op:", 0) == 0) {
            body = op_check(id.substr(3), a);
        } else if (id.rfind("time:", 0) == 0) {
            body = time_check(id.substr(5), a);
        } else if (id.rfind("model:", 0) == 0 && id.find(':', 6) != std::string::npos) {
            const std::string rest = id.substr(6);
            body = model_check(rest.substr(0, rest.find(':')), rest.substr(rest.find(':') + 1), a);
        } else {
            throw moe::Error(fmt::format("unknown check '{}' (see selftest --list)", id));
        }
        for (auto& [k, v] : body.items())
            j[k] = v;
        j["error"] = "";
    } catch (const std::exception& e) {
        j["ok"] = false;
        j["error"] = e.what();
    }
    j["seconds"] = seconds_since(t0);
    return j.dump();
}

} // namespace selftest

CLI::App* add_selftest_command(CLI::App& app, SelftestArgs& a) {
    a.cmd = app.add_subcommand(
        "selftest", "GPU-vs-CPU parity: per-op checks and tiny models of every architecture and type");
    a.cmd->add_option("--backend", a.backend, "backend checked against the CPU reference")
        ->check(CLI::IsMember({ "cuda", "cpu" }));
    a.cmd->add_option("--arch", a.archs, "only these architectures");
    a.cmd->add_option("--type", a.types, "only these tensor types");
    a.cmd->add_option("--greedy-steps", a.greedy_steps, "greedy tokens compared on F32 models");
    a.cmd->add_option("--seed", a.seed, "random seed");
    a.cmd->add_flag("--skip-ops", a.skip_ops, "skip the per-op kernel checks");
    a.cmd->add_flag("--json", a.json, "print one JSON object");
    a.cmd->add_flag("--list", a.list, "print the check ids (op:*, model:*, time:*), one a line");
    a.cmd->add_option("--check", a.check, "run this one check here and print its JSON line");
    a.cmd->add_option("--timeout", a.timeout_s, "seconds each check may run in its own process")
        ->check(CLI::PositiveNumber);
    a.cmd->add_option("--reps", a.reps, "calls averaged per kernel timing (time:* checks)")->check(CLI::PositiveNumber);
    return a.cmd;
}

int run_selftest_command(const SelftestArgs& a) {
    if (a.list) {
        for (const auto& id : selftest::check_ids(a.archs, a.types, !a.skip_ops, true))
            fmt::print("{}\n", id);
        return 0;
    }
    std::string why;
    if (!selftest::backend_available(a.backend, &why)) {
        fmt::print(stderr, "selftest skipped: the {} backend is not available here: {}\n", a.backend, why);
        return 77;
    }
    if (!a.check.empty()) {
        const std::string line = selftest::run_check(a.check, a);
        std::cout << line << std::endl;
        const json j = json::parse(line);
        return j.value("ok", false) ? 0 : 1;
    }

    json head = { { "backend", a.backend } };
    if (a.backend == "cuda") {
        if (auto g = moe::cuda_device_info()) {
            head["gpu"] = { { "name", g->name }, { "sm_count", g->sm_count },
                { "cc", fmt::format("{}.{}", g->cc_major, g->cc_minor) }, { "driver", g->driver_name },
                { "cuda_runtime", g->runtime_version } };
            if (!a.json)
                fmt::print("GPU: {} ({} SMs, cc {}.{}, driver {})\n", g->name, g->sm_count, g->cc_major, g->cc_minor,
                    g->driver_name);
        }
    }
    // every check in its own process: a kernel fault ends only its own CUDA context, and whatever
    // happens to one check (exception, crash, hang) is one failed row, not the end of the table
    std::vector<json> results;
    bool all_ok = true;
    for (const auto& id : selftest::check_ids(a.archs, a.types, !a.skip_ops, false)) {
        results.push_back(selftest::child_check(id, a));
        all_ok = all_ok && results.back().value("ok", false);
        if (!a.json) fmt::print(stderr, "{}: {}\n", id, results.back().value("ok", false) ? "ok" : "FAIL");
    }
    if (a.json) {
        head["checks"] = results;
        head["ok"] = all_ok;
        std::cout << head.dump(2) << "\n";
    } else {
        selftest::print_table(results, a.backend);
        fmt::print("\nselftest: {}\n", all_ok ? "all checks passed" : "FAILED");
    }
    return all_ok ? 0 : 1;
}
