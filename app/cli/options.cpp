#include "options.h"

#include "tokenizer/vocab_io.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdint>

moe::LoadRequest RunArgs::request() const {
    moe::LoadRequest r;
    r.path = model;
    r.backend = backend == "cpu" ? moe::BackendKind::cpu
        : backend == "cuda"      ? moe::BackendKind::cuda
                                 : moe::BackendKind::automatic;
    r.options.n_ctx = ctx;
    r.options.n_threads = threads;
    r.options.top_k = top_k;
    r.options.routing = moe::parse_routing_policy(policy);
    moe::parse_expert_list(mask, r.options.routing.mask, "--mask");
    moe::parse_expert_list(force, r.options.routing.force, "--force");
    r.options.max_batch = batch;
    r.options.exact = exact;
    return r;
}

CLI::Validator whole_number(long long lo, long long hi) {
    return CLI::Validator(
        [lo, hi](std::string& s) -> std::string {
            size_t used = 0;
            long long v = 0;
            try {
                v = std::stoll(s, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != s.size() || v < lo || v > hi) {
                return fmt::format("'{}' is not a whole number from {} to {}", s, lo, hi);
            }
            return {};
        },
        fmt::format("INT in [{}, {}]", lo, hi));
}

CLI::Validator finite_number(double lo) {
    return CLI::Validator(
        [lo](std::string& s) -> std::string {
            size_t used = 0;
            double v = 0;
            try {
                v = std::stod(s, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != s.size() || !std::isfinite(v) || v < lo) {
                return fmt::format("'{}' is not a finite number of at least {}", s, lo);
            }
            return {};
        },
        fmt::format("NUMBER >= {}", lo));
}

CLI::Validator unsigned_number() {
    return CLI::Validator(
        [](std::string& s) -> std::string {
            // strtoull would take "-5" and wrap it to 18446744073709551611
            const bool digits = !s.empty() && s.size() <= 20
                && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!digits || (s.size() == 20 && s > "18446744073709551615")) {
                return fmt::format("'{}' is not a whole number from 0 to 18446744073709551615", s);
            }
            return {};
        },
        "UINT64");
}

void add_run_options(CLI::App* cmd, RunArgs& a) {
    cmd->add_option("model", a.model, "GGUF model file")->required();
    cmd->add_option("--backend", a.backend, "cpu, cuda or auto")->check(CLI::IsMember({ "cpu", "cuda", "auto" }));
    cmd->add_option("-t,--threads", a.threads, "CPU threads (default: all; at most 1024)")
        ->check(whole_number(0, 1024));
    cmd->add_option(
           "-c,--ctx", a.ctx, "context length (default: the model's, at most 4096; never more than the model's)")
        ->check(whole_number(0, 1 << 30));
    cmd->add_option("--top-k", a.top_k, "experts used per token (default: the model's own)")
        ->check(whole_number(1, 65536));
    cmd->add_option("--policy", a.policy,
        "routing policy: top-k=N, top-p=P[,min=N,max=N], entropy[,min=N,max=N], with skip=T, layer-k=L:K, "
        "mask=[L:]E, force=[L:]E (default: the model's own top-k)");
    cmd->add_option("--mask", a.mask, "experts never chosen: E or LAYER:E, comma-separated");
    cmd->add_option("--force", a.force, "experts always chosen: E or LAYER:E, comma-separated");
    cmd->add_option("--batch", a.batch, "tokens per forward pass in prefill (at most the context)")
        ->check(whole_number(1, INT32_MAX));
    cmd->add_flag("--exact", a.exact,
        "CPU: float activations in every matrix product (the reference path; default: activations quantized to "
        "8 bits per token and integer dot products, as llama.cpp)");
    cmd->add_flag("--json", a.json, "print one JSON object");
}

std::unique_ptr<moe::Runner> load_runner(const RunArgs& a, const std::string& chat_template) {
    moe::LoadRequest req = a.request();
    req.chat_template = chat_template;
    std::unique_ptr<moe::Runner> r = moe::Runner::load(req);
    const moe::ModelDescription& d = r->description();
    if (!d.backend_reason.empty()) spdlog::info("{}", d.backend_reason);
    return r;
}

std::string TextInput::read_text() const {
    if (file.empty()) return moe::checked_utf8(text, "the prompt", lossy);
    return moe::checked_utf8(moe::read_text_file(file), file, lossy);
}

moe::Prompt TextInput::prompt() const {
    moe::Prompt p;
    if (as_ids()) {
        p.ids = moe::parse_token_ids(tokens);
        if (p.ids.empty()) throw moe::Error("--tokens gave no token ids");
    } else {
        p.text = read_text();
    }
    p.parse_special = parse_special;
    return p;
}

void add_text_options(CLI::App* cmd, TextInput& in, const char* what) {
    auto* p = cmd->add_option("-p,--prompt", in.text, fmt::format("{} as text", what));
    auto* f = cmd->add_option("-f,--text-file", in.file, fmt::format("{} from a UTF-8 text file", what));
    auto* t = cmd->add_option("--tokens", in.tokens, fmt::format("{} as token ids, comma-separated", what));
    p->excludes(f)->excludes(t);
    f->excludes(t);
    cmd->add_flag("--lossy", in.lossy, "replace invalid UTF-8 with U+FFFD instead of refusing the text");
    cmd->add_flag("--parse-special", in.parse_special,
        "treat special-token strings in the text (<|im_end|>...) as control tokens");
}

void add_sampler_options(CLI::App* cmd, moe::SamplerOptions& so) {
    cmd->add_option("--temp", so.temperature, "temperature (0: greedy)")->check(finite_number(0.0));
    cmd->add_option("--sample-top-k", so.top_k, "sample from the k most likely tokens (0: off)")
        ->check(whole_number(0, INT32_MAX));
    cmd->add_option("--top-p", so.top_p, "nucleus sampling mass");
    cmd->add_option("--min-p", so.min_p, "drop tokens below min-p times the best");
    cmd->add_option("--repeat-penalty", so.repeat_penalty, "repetition penalty (1: off)")->check(finite_number(0.0));
    cmd->add_option("--seed", so.seed, "sampling seed")->check(unsigned_number());
}

void add_record_options(CLI::App* cmd, RecordOptions& o) {
    cmd->add_option("--db", o.db, "run store to record into (default: $XDG_DATA_HOME/moe-workbench/runs.sqlite)");
    cmd->add_flag("--no-record", o.no_record, "do not record this run in the run store");
}

bool record_run(const RecordOptions& o, const moe::RunRecord& rec) {
    if (o.no_record) return true;
    moe::RunRecorder recorder(o.db);
    const moe::RecordOutcome out = recorder.record(rec);
    if (out.saved()) {
        spdlog::info("recorded as run {} in {}", *out.id, out.store_path);
        return true;
    }
    spdlog::warn("the run was not saved: {}", out.error);
    if (out.lost()) {
        spdlog::error("the run is lost: it could be neither saved nor kept");
        return false;
    }
    spdlog::warn("it is kept in {}; `moe-cli runs import {} [--db PATH]` adds it to a store later", out.kept_path,
        out.kept_path);
    return true;
}

namespace {
std::atomic<moe::Runner*> g_running { nullptr };
extern "C" void on_sigint(int) {
    if (moe::Runner* r = g_running.exchange(nullptr)) {
        r->cancel();
        return;
    }
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
}
} // namespace

SigintCancels::SigintCancels(moe::Runner& r) {
    g_running.store(&r);
    std::signal(SIGINT, on_sigint);
}

SigintCancels::~SigintCancels() {
    g_running.store(nullptr);
}
