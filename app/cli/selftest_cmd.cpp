#include "selftest_cmd.h"

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

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using json = nlohmann::ordered_json;

namespace selftest {

namespace {

constexpr double kNllTol = 1e-2;
constexpr float kGateTie = 1e-3f;
constexpr float kLogitTie = 1e-4f;

std::unique_ptr<moe::Backend> make(const std::string& backend, std::shared_ptr<moe::Model> m, int n_ctx, int batch) {
    moe::BackendOptions o;
    o.n_ctx = n_ctx;
    o.max_batch = batch;
    if (backend == "cuda") return moe::make_cuda_backend(std::move(m), o);
    return moe::make_backend(moe::BackendKind::cpu, std::move(m), o);
}

// -log softmax(logits)[target]
double nll_of(const float* logits, int n_vocab, int target) {
    double mx = -INFINITY;
    for (int i = 0; i < n_vocab; ++i) mx = std::max(mx, double(logits[i]));
    double s = 0.0;
    for (int i = 0; i < n_vocab; ++i) s += std::exp(double(logits[i]) - mx);
    return -(double(logits[target]) - mx - std::log(s));
}

int argmax(const float* v, int n, float* gap) {
    int best = 0, second = -1;
    for (int i = 1; i < n; ++i) {
        if (v[i] > v[best]) {
            second = best;
            best = i;
        } else if (second < 0 || v[i] > v[second]) {
            second = i;
        }
    }
    if (gap) *gap = second < 0 ? INFINITY : v[best] - v[second];
    return best;
}

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
        ops.push_back({{"op", c.op}, {"error", std::isfinite(c.max_err) ? json(c.max_err) : json("inf")}, {"tol", c.tol},
                       {"ok", c.ok}, {"note", c.ok ? "" : c.note}});
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
        rows.push_back({{"op", t.op}, {"ms", t.ms}, {"gb_per_s", t.bytes > 0 && t.ms > 0 ? t.bytes / t.ms / 1e6 : 0.0}});
    }
    return {{"ok", !rows.empty()}, {"timings", rows}};
}

json model_check(const std::string& arch, const std::string& type, const SelftestArgs& a) {
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("moe-selftest-{}", getpid());
    std::filesystem::create_directories(dir);
    const ParityResult r = check_model(a.backend, arch, type, dir.string(), a.greedy_steps, a.seed);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (!r.error.empty()) throw moe::Error(r.error);
    return {{"ok", r.ok},
            {"nll_cpu", r.nll_ref},
            {"nll_test", r.nll_test},
            {"routing_frames", r.routing_frames},
            {"routing_mismatch", r.routing_mismatch},
            {"routing_near_ties", r.routing_near_ties},
            {"greedy_steps", r.greedy_steps},
            {"greedy_match", r.greedy_match},
            {"greedy_near_tie", r.greedy_near_tie}};
}

// ---- one check per child process ---------------------------------------------------------

struct ChildResult {
    std::string out, err;
    int status = 0;
    bool timed_out = false;
};

// Runs this executable with `args`, collecting stdout and stderr; killed after timeout_s.
ChildResult run_child(const std::vector<std::string>& args, int timeout_s) {
    ChildResult r;
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw moe::Error("selftest: cannot create a pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
    posix_spawn_file_actions_addclose(&fa, err_pipe[0]);
    std::vector<char*> argv;
    std::string self = "/proc/self/exe";
    argv.push_back(self.data());
    std::vector<std::string> copy = args;
    for (auto& s : copy) argv.push_back(s.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        throw moe::Error(fmt::format("selftest: cannot start a child process ({})", strerror(rc)));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&r.out, &r.err};
    int open_fds = 2;
    while (open_fds > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill(pid, SIGKILL);
            r.timed_out = true;
            break;
        }
        if (poll(fds, 2, int(std::min<int64_t>(left.count(), 1000))) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            const ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, size_t(n));
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    waitpid(pid, &r.status, 0);
    return r;
}

// The check's JSON line from a child, or a failed one saying how the child ended.
json child_check(const std::string& id, const SelftestArgs& a) {
    std::vector<std::string> args = {"selftest", "--check", id, "--backend", a.backend, "--seed", std::to_string(a.seed),
                                     "--greedy-steps", std::to_string(a.greedy_steps), "--reps", std::to_string(a.reps)};
    const auto t0 = std::chrono::steady_clock::now();
    const ChildResult r = run_child(args, a.timeout_s);
    // the JSON line is the last line of stdout
    std::string last;
    size_t end = r.out.find_last_not_of('\n');
    if (end != std::string::npos) {
        const size_t begin = r.out.rfind('\n', end);
        last = r.out.substr(begin == std::string::npos ? 0 : begin + 1, end - (begin == std::string::npos ? 0 : begin + 1) + 1);
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
    return {{"check", id}, {"backend", a.backend}, {"ok", false}, {"seconds", seconds_since(t0)},
            {"error", tail.empty() ? how : how + ": " + tail}};
}

// ---- the table ---------------------------------------------------------------------------

std::string fmt_err(const json& e) { return e.is_number() ? fmt::format("{:.3g}", e.get<double>()) : e.dump(); }

void print_table(const std::vector<json>& results, const std::string& backend) {
    bool op_header = false, model_header = false;
    for (const json& r : results) {
        const std::string id = r.value("check", "");
        const std::string error = r.value("error", "");
        if (id.rfind("op:", 0) == 0) {
            if (!op_header) {
                fmt::print("\n| op | error | tolerance | result |\n|---|---|---|---|\n");
                op_header = true;
            }
            if (!error.empty()) {
                fmt::print("| {} | error: {} | | FAIL |\n", id.substr(3), error);
                continue;
            }
            for (const json& c : r["ops"]) {
                const bool ok = c.value("ok", false);
                const std::string note = c.value("note", "");
                fmt::print("| {} | {} | {:.3g} | {}{} |\n", c.value("op", ""), fmt_err(c["error"]), c.value("tol", 0.0),
                           ok ? "ok" : "FAIL", ok || note.empty() ? "" : " (" + note + ")");
            }
        } else if (id.rfind("model:", 0) == 0) {
            if (!model_header) {
                fmt::print("\n| arch | type | NLL cpu | NLL {} | abs diff | top-k sets differing (near-ties) | greedy | "
                           "result |\n|---|---|---|---|---|---|---|---|\n",
                           backend);
                model_header = true;
            }
            const std::string rest = id.substr(6);
            const std::string arch = rest.substr(0, rest.find(':')), type = rest.substr(rest.find(':') + 1);
            if (!error.empty()) {
                fmt::print("| {} | {} | error: {} | | | | | FAIL |\n", arch, type, error);
                continue;
            }
            const int gs = r.value("greedy_steps", 0);
            const std::string greedy = gs == 0 ? "-"
                                               : fmt::format("{}/{}{}", r.value("greedy_match", 0), gs,
                                                             r.value("greedy_near_tie", false) ? " (near-tie)" : "");
            const double a = r.value("nll_cpu", 0.0), b = r.value("nll_test", 0.0);
            fmt::print("| {} | {} | {:.5f} | {:.5f} | {:.2e} | {} of {} ({}) | {} | {} |\n", arch, type, a, b,
                       std::fabs(a - b), r.value("routing_mismatch", 0), r.value("routing_frames", 0),
                       r.value("routing_near_ties", 0), greedy, r.value("ok", false) ? "ok" : "FAIL");
        } else {
            for (const json& t : r.value("timings", json::array())) {
                fmt::print("| {} | {:.4f} ms | {:.1f} GB/s |\n", t.value("op", ""), t.value("ms", 0.0),
                           t.value("gb_per_s", 0.0));
            }
            if (!error.empty()) fmt::print("| {} | error: {} | |\n", id, error);
        }
    }
}

} // namespace

std::vector<std::string> all_archs() { return {"qwen3moe", "qwen2moe", "llama", "olmoe", "qwen3"}; }
std::vector<std::string> all_types() { return {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"}; }

bool backend_available(const std::string& backend, std::string* why) {
    if (backend == "cpu") return true;
    return moe::cuda_device_info(why).has_value();
}

std::vector<std::string> check_ids(const std::vector<std::string>& archs, const std::vector<std::string>& types,
                                   bool ops, bool timings) {
    std::vector<std::string> ids;
    if (ops)
        for (const auto& f : moe::op_families()) ids.push_back("op:" + f);
    for (const auto& arch : archs.empty() ? all_archs() : archs)
        for (const auto& type : types.empty() ? all_types() : types) ids.push_back(fmt::format("model:{}:{}", arch, type));
    if (timings)
        for (const auto& f : moe::timing_families()) ids.push_back("time:" + f);
    return ids;
}

std::vector<int32_t> greedy_tokens(moe::Backend& b, int n_vocab, const std::vector<int32_t>& prompt, int steps,
                                   std::vector<float>* gaps) {
    std::vector<int32_t> out;
    const int n = int(prompt.size());
    b.forward(prompt.data(), n, 0, false);
    int row = n - 1;  // without all_logits only the last token's row is valid
    for (int s = 0; s < steps; ++s) {
        float gap = 0.0f;
        const int32_t tok = argmax(b.logits(row), n_vocab, &gap);
        out.push_back(tok);
        if (gaps) gaps->push_back(gap);
        if (s + 1 == steps || n + s >= b.n_ctx()) break;
        b.forward(&tok, 1, n + s, false);
        row = 0;
    }
    return out;
}

ParityResult check_model(const std::string& backend, const std::string& arch, const std::string& type,
                         const std::string& dir, int greedy_steps, uint64_t seed) {
    ParityResult r;
    r.arch = arch;
    r.type = type;
    try {
        moe::SynthOptions so;
        so.arch = arch;
        so.preset = "small";  // rows of 256: every block format holds every tensor
        so.seed = seed;
        if (!moe::type_from_name(type.c_str(), &so.quant)) throw moe::Error(fmt::format("unknown type {}", type));
        const std::string path = fmt::format("{}/{}-{}.gguf", dir, arch, type);
        moe::write_synthetic_model(so, path);
        auto model = std::shared_ptr<moe::Model>(moe::Model::load(path));
        const int V = model->config().n_vocab;
        const int n_ctx = 256, batch = 32;
        auto ref = make("cpu", model, n_ctx, batch);
        auto test = make(backend, model, n_ctx, batch);

        // a 48-token sequence: the first 32 as one prefill batch, the rest one by one (decode path)
        std::mt19937_64 rng(seed * 7919 + std::hash<std::string>{}(arch + type));
        std::vector<int32_t> toks(48);
        for (auto& t : toks) t = int32_t(rng() % uint64_t(V));
        const int n_pre = 32;
        double nll_a = 0, nll_b = 0;
        int n_nll = 0;
        const int L = ref->n_moe_layers(), K = ref->top_k();
        auto compare_routing = [&](int i) {
            for (int l = 0; l < L; ++l) {
                ++r.routing_frames;
                const int32_t* ia = ref->routing_ids(i, l);
                const int32_t* ib = test->routing_ids(i, l);
                const float* wa = ref->routing_weights(i, l);
                const float* wb = test->routing_weights(i, l);
                std::vector<int32_t> sa(ia, ia + K), sb(ib, ib + K);
                std::sort(sa.begin(), sa.end());
                std::sort(sb.begin(), sb.end());
                if (sa == sb) continue;
                // near-tie: the weakest expert of the reference set and the expert that replaced it had gates within 1e-3
                const float weakest_a = *std::min_element(wa, wa + K);
                bool tie = true;
                for (int j = 0; j < K; ++j) {
                    if (!std::binary_search(sa.begin(), sa.end(), ib[j]) && std::fabs(wb[j] - weakest_a) > kGateTie) {
                        tie = false;
                    }
                }
                (tie ? r.routing_near_ties : r.routing_mismatch) += 1;
            }
        };
        ref->forward(toks.data(), n_pre, 0, true);
        test->forward(toks.data(), n_pre, 0, true);
        for (int i = 0; i < n_pre; ++i) {
            nll_a += nll_of(ref->logits(i), V, toks[size_t(i) + 1]);
            nll_b += nll_of(test->logits(i), V, toks[size_t(i) + 1]);
            ++n_nll;
            compare_routing(i);
        }
        for (int p = n_pre; p + 1 < int(toks.size()); ++p) {
            ref->forward(&toks[size_t(p)], 1, p, false);
            test->forward(&toks[size_t(p)], 1, p, false);
            nll_a += nll_of(ref->logits(0), V, toks[size_t(p) + 1]);
            nll_b += nll_of(test->logits(0), V, toks[size_t(p) + 1]);
            ++n_nll;
            compare_routing(0);
        }
        r.nll_ref = nll_a / n_nll;
        r.nll_test = nll_b / n_nll;

        // greedy decoding from the first 8 tokens, each backend on its own output (F32 only)
        if (type == "F32" && greedy_steps > 0) {
            r.greedy_steps = greedy_steps;
            const std::vector<int32_t> prompt(toks.begin(), toks.begin() + 8);
            std::vector<float> gaps;
            const auto ga = greedy_tokens(*ref, V, prompt, greedy_steps, &gaps);
            const auto gb = greedy_tokens(*test, V, prompt, greedy_steps);
            r.greedy_steps = int(ga.size());
            while (r.greedy_match < int(std::min(ga.size(), gb.size())) &&
                   ga[size_t(r.greedy_match)] == gb[size_t(r.greedy_match)]) {
                ++r.greedy_match;
            }
            // a first difference where the reference's top two logits were within 1e-4 is a near-tie
            if (r.greedy_match < r.greedy_steps) r.greedy_near_tie = gaps[size_t(r.greedy_match)] < kLogitTie;
        }
        r.ok = std::fabs(r.nll_ref - r.nll_test) <= kNllTol && r.routing_mismatch == 0 &&
               (r.greedy_steps == 0 || r.greedy_match == r.greedy_steps || r.greedy_near_tie);
        std::filesystem::remove(path);
    } catch (const std::exception& e) {
        r.error = e.what();
        r.ok = false;
    }
    return r;
}

std::string run_check(const std::string& id, const SelftestArgs& a) {
    const auto t0 = std::chrono::steady_clock::now();
    json j = {{"check", id}, {"backend", a.backend}};
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
        for (auto& [k, v] : body.items()) j[k] = v;
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
    a.cmd = app.add_subcommand("selftest", "GPU-vs-CPU parity: per-op checks and tiny models of every architecture and type");
    a.cmd->add_option("--backend", a.backend, "backend checked against the CPU reference")
        ->check(CLI::IsMember({"cuda", "cpu"}));
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
        for (const auto& id : selftest::check_ids(a.archs, a.types, !a.skip_ops, true)) fmt::print("{}\n", id);
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

    json head = {{"backend", a.backend}};
    if (a.backend == "cuda") {
        if (auto g = moe::cuda_device_info()) {
            head["gpu"] = {{"name", g->name}, {"sm_count", g->sm_count}, {"cc", fmt::format("{}.{}", g->cc_major, g->cc_minor)},
                           {"driver", g->driver_name}, {"cuda_runtime", g->runtime_version}};
            if (!a.json) fmt::print("GPU: {} ({} SMs, cc {}.{}, driver {})\n", g->name, g->sm_count, g->cc_major,
                                    g->cc_minor, g->driver_name);
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
