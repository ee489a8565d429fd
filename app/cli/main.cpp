// moe-cli: the headless face of MoE Workbench. Every command runs through
// the same engine the desktop application uses.
#include "cpu/cpu_backend.h"
#include "record.h"
#include "runs_cmd.h"
#include "runtime/cuda_hook.h"
#include "selftest_cmd.h"
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "runtime/conversation.h"
#include "runtime/session.h"
#include "telemetry/hardware.h"
#include "telemetry/metrics.h"
#include "telemetry/routing.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <sstream>

#include <unistd.h>

using json = nlohmann::ordered_json;

namespace {

struct RunArgs {
    std::string model;
    std::string backend = "auto";
    int threads = 0;
    int ctx = 0;
    int top_k = 0;
    int batch = 64;
    bool json_out = false;
};

void add_run_options(CLI::App* cmd, RunArgs& a) {
    cmd->add_option("model", a.model, "GGUF model file")->required();
    cmd->add_option("--backend", a.backend, "cpu, cuda or auto")->check(CLI::IsMember({"cpu", "cuda", "auto"}));
    cmd->add_option("-t,--threads", a.threads, "CPU threads (default: all)");
    cmd->add_option("-c,--ctx", a.ctx, "context length (default: the model's, at most 4096)");
    cmd->add_option("--top-k", a.top_k, "experts used per token (default: the model's own)")->check(CLI::PositiveNumber);
    cmd->add_option("--batch", a.batch, "tokens per forward pass in prefill")->check(CLI::PositiveNumber);
    cmd->add_flag("--json", a.json_out, "print one JSON object");
}

moe::BackendKind backend_kind(const std::string& s) {
    if (s == "cpu") return moe::BackendKind::cpu;
    if (s == "cuda") return moe::BackendKind::cuda;
    return moe::BackendKind::automatic;
}

struct Loaded {
    std::shared_ptr<moe::Model> model;
    std::unique_ptr<moe::Session> session;
    std::unique_ptr<moe::Tokenizer> tok;  // null when the file has no tokenizer section
};

std::unique_ptr<moe::Backend> make_backend(const RunArgs& a, const std::shared_ptr<moe::Model>& model) {
    moe::BackendOptions bo;
    bo.n_ctx = a.ctx;
    bo.n_threads = a.threads;
    bo.top_k = a.top_k;
    bo.max_batch = a.batch;
    std::string why;
    auto backend = moe::make_backend(backend_kind(a.backend), model, bo, &why);
    if (!why.empty()) spdlog::info("{}", why);
    return backend;
}

std::unique_ptr<moe::Tokenizer> load_tokenizer(const moe::GgufFile& f) {
    if (!f.find("tokenizer.ggml.model")) return nullptr;
    return moe::Tokenizer::from_gguf(f);
}

Loaded load(const RunArgs& a) {
    Loaded l;
    l.model = moe::Model::load(a.model);
    l.session = std::make_unique<moe::Session>(l.model, make_backend(a, l.model));
    l.tok = load_tokenizer(l.model->gguf());
    return l;
}

std::vector<int32_t> parse_tokens(const std::string& s) {
    std::vector<int32_t> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item.empty()) continue;
        try {
            size_t used = 0;
            long v = std::stol(item, &used);
            if (used != item.size() || v < 0 || v > INT32_MAX) throw std::invalid_argument(item);
            out.push_back(int32_t(v));
        } catch (const std::exception&) {
            throw moe::Error(fmt::format("'{}' in --tokens is not a token id", item));
        }
    }
    return out;
}

// Where a command's text comes from: -p TEXT, --text-file F, or token ids.
struct TextInput {
    std::string text, file, tokens;
    bool lossy = false;          // replace invalid UTF-8 with U+FFFD instead of refusing it
    bool parse_special = false;  // let special-token strings in the text be control tokens
    bool given() const { return !text.empty() || !file.empty() || !tokens.empty(); }
};

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

std::string input_text(const TextInput& in) {
    std::string text = in.file.empty() ? in.text : moe::read_text_file(in.file);
    const size_t bad = moe::find_invalid_utf8(text);
    if (bad != std::string::npos) {
        if (in.lossy) return moe::sanitize_utf8(text);
        throw moe::Error(fmt::format("{} is not valid UTF-8: byte 0x{:02X} at offset {} (--lossy replaces invalid "
                                     "bytes with U+FFFD)",
                                     in.file.empty() ? std::string("the prompt") : in.file,
                                     static_cast<unsigned char>(text[bad]), bad));
    }
    return text;
}

std::vector<int32_t> input_ids(const TextInput& in, const moe::Tokenizer* tok, bool add_special) {
    if (!in.tokens.empty()) return parse_tokens(in.tokens);
    if (!tok) throw moe::Error("this model has no tokenizer: give --tokens");
    return tok->encode(input_text(in), add_special, in.parse_special);
}

moe::ChatTemplate chat_template_from(const std::string& spec) {
    for (const std::string& n : moe::ChatTemplate::builtin_names()) {
        if (spec == n) return moe::ChatTemplate::builtin(spec);
    }
    return moe::ChatTemplate::from_file(spec);
}

json routing_json(const moe::RoutingTrace& t) {
    json all = json::array();
    for (size_t i = 0; i < t.size(); ++i) {
        json layers = json::array();
        for (int l = 0; l < t.n_layers(); ++l) {
            json ids = json::array(), w = json::array();
            for (int j = 0; j < t.k(); ++j) {
                ids.push_back(t.ids(i, l)[j]);
                w.push_back(t.weights(i, l)[j]);
            }
            layers.push_back({{"layer", l}, {"experts", ids}, {"weights", w}});
        }
        all.push_back(layers);
    }
    return all;
}

std::string human_count(double v) {
    if (v >= 1e9) return fmt::format("{:.1f} B", v / 1e9);
    if (v >= 1e6) return fmt::format("{:.1f} M", v / 1e6);
    if (v >= 1e3) return fmt::format("{:.1f} K", v / 1e3);
    return fmt::format("{:.0f}", v);
}

std::string human_bytes(double v) {
    if (v >= double(1ull << 30)) return fmt::format("{:.2f} GiB", v / double(1ull << 30));
    if (v >= double(1ull << 20)) return fmt::format("{:.1f} MiB", v / double(1ull << 20));
    if (v >= 1024.0) return fmt::format("{:.1f} KiB", v / 1024.0);
    return fmt::format("{:.0f} B", v);
}

// ---- info ----------------------------------------------------------------

int cmd_info(const std::string& path, bool as_json, int ctx) {
    auto m = moe::Model::load(path);
    const moe::ModelConfig& c = m->config();
    const moe::ModelStats& s = m->stats();
    const int n_ctx = ctx > 0 ? ctx : std::min(c.n_ctx_train, 4096);
    const uint64_t kv = m->kv_cache_bytes(n_ctx);
    const double deactivated = 100.0 * (1.0 - double(s.active_params) / double(s.total_params));
    if (as_json) {
        json types = json::object();
        for (const auto& [name, v] : s.by_type) types[name] = {{"tensors", v.first}, {"bytes", v.second}};
        json j = {{"file", path},
                  {"name", m->name()},
                  {"architecture", moe::arch_name(c.arch)},
                  {"moe", c.is_moe},
                  {"layers", c.n_layer},
                  {"embedding", c.n_embd},
                  {"heads", c.n_head},
                  {"kv_heads", c.n_head_kv},
                  {"head_dim", c.head_dim},
                  {"experts", c.n_expert},
                  {"experts_used", c.n_expert_used},
                  {"expert_ffn", c.n_ff_exp},
                  {"shared_experts", c.n_expert_shared},
                  {"shared_expert_ffn", c.n_ff_shexp},
                  {"context_length", c.n_ctx_train},
                  {"vocabulary", c.n_vocab},
                  {"tensors", s.n_tensors},
                  {"types", types},
                  {"total_params", s.total_params},
                  {"active_params", s.active_params},
                  {"deactivated_percent", deactivated},
                  {"weight_bytes", s.weight_bytes},
                  {"active_weight_bytes_per_token", s.active_weight_bytes},
                  {"kv_cache_bytes", kv},
                  {"kv_cache_positions", n_ctx},
                  {"memory_needed_bytes", s.weight_bytes + kv}};
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    fmt::print("file            {} ({}, GGUF v{})\n", path, human_bytes(double(m->gguf().file_size())), m->gguf().version());
    fmt::print("name            {}\n", m->name());
    fmt::print("architecture    {}{}\n", moe::arch_name(c.arch), c.is_moe ? " (mixture of experts)" : " (dense)");
    fmt::print("layers          {} (all MoE: {})\n", c.n_layer, c.is_moe ? "yes" : "no");
    fmt::print("embedding       {}, {} heads, {} kv heads, head dim {}\n", c.n_embd, c.n_head, c.n_head_kv, c.head_dim);
    fmt::print("experts         {} per layer, {} used per token, expert ffn {}\n", c.n_expert, c.n_expert_used,
               c.n_ff_exp);
    fmt::print("shared experts  {}{}\n", c.n_expert_shared,
               c.n_expert_shared ? fmt::format(" (ffn {}, sigmoid-gated)", c.n_ff_shexp) : "");
    fmt::print("gating          softmax, top-{}, {}\n", c.n_expert_used,
               c.norm_topk ? "renormalised" : "not renormalised");
    fmt::print("context length  {}\n", c.n_ctx_train);
    fmt::print("vocabulary      {}\n", c.n_vocab);
    fmt::print("tensors         {}\n", s.n_tensors);
    for (const auto& [name, v] : s.by_type) {
        fmt::print("  {:<6}        {:>5} tensors, {}\n", name, v.first, human_bytes(double(v.second)));
    }
    fmt::print("parameters      {} total, {} active, {:.0f} % deactivated\n", human_count(double(s.total_params)),
               human_count(double(s.active_params)), deactivated);
    fmt::print("bytes per token {} of weights read per decoded token at top-{}\n",
               human_bytes(double(s.active_weight_bytes)), c.n_expert_used);
    const moe::HostInfo h = moe::host_info();
    fmt::print("memory needed   {} = {} weights + {} KV cache ({} positions); {} available\n",
               human_bytes(double(s.weight_bytes + kv)), human_bytes(double(s.weight_bytes)), human_bytes(double(kv)),
               n_ctx, human_bytes(double(h.available_bytes)));
    return 0;
}

// ---- generate / score ----------------------------------------------------

void add_sampler_options(CLI::App* cmd, moe::SamplerOptions& so) {
    cmd->add_option("--temp", so.temperature, "temperature (0: greedy)");
    cmd->add_option("--sample-top-k", so.top_k, "sample from the k most likely tokens (0: off)");
    cmd->add_option("--top-p", so.top_p, "nucleus sampling mass");
    cmd->add_option("--min-p", so.min_p, "drop tokens below min-p times the best");
    cmd->add_option("--repeat-penalty", so.repeat_penalty, "repetition penalty (1: off)");
    cmd->add_option("--seed", so.seed, "sampling seed");
}

// One line per token processed: its id and, per MoE layer, the experts it
// went to with their gate weights ("L0 3:0.61 5:0.39").
void print_routing(const moe::RoutingTrace& t) {
    for (size_t i = 0; i < t.size(); ++i) {
        std::string line = fmt::format("pos {:>4} token {:>6} ", t.pos(i), t.token(i));
        for (int l = 0; l < t.n_layers(); ++l) {
            line += fmt::format("| L{} ", l);
            for (int j = 0; j < t.k(); ++j) line += fmt::format("{}:{:.2f} ", t.ids(i, l)[j], t.weights(i, l)[j]);
        }
        fmt::print("{}\n", line);
    }
}

// Load balance of every MoE layer over the whole trace (ARCHITECTURE.md metrics).
json balance_json(const moe::RoutingTrace& t, int n_experts) {
    json out = json::array();
    for (int l = 0; l < t.n_layers(); ++l) {
        const moe::LayerBalance b = moe::layer_balance(t, l, n_experts, 0, t.size());
        out.push_back({{"layer", l},
                       {"counts", b.counts},
                       {"imbalance", b.imbalance},
                       {"balance_efficiency", b.efficiency},
                       {"cv", b.cv},
                       {"normalised_entropy", b.entropy},
                       {"coverage", b.coverage},
                       {"routing_stability", b.stability}});
    }
    return out;
}

void print_balance(const moe::RoutingTrace& t, int n_experts) {
    fmt::print("layer  imbalance  efficiency     cv  entropy  coverage  stability\n");
    for (int l = 0; l < t.n_layers(); ++l) {
        const moe::LayerBalance b = moe::layer_balance(t, l, n_experts, 0, t.size());
        fmt::print("{:>5}  {:>9.2f}  {:>10.2f}  {:>5.2f}  {:>7.2f}  {:>8.2f}  {:>9.2f}\n", l, b.imbalance, b.efficiency,
                   b.cv, b.entropy, b.coverage, b.stability);
    }
}

struct GenerateArgs {
    TextInput input;
    int n_predict = 32;
    moe::SamplerOptions sampler;
    bool show_routing = false;
    bool chat = false;           // wrap the prompt as one user turn in the model's chat format
    std::string system, chat_template;
};

// Ctrl-C stops the reply in progress; a second one, or one while idle, quits.
std::atomic<moe::Session*> g_generating{nullptr};
extern "C" void on_sigint(int) {
    if (moe::Session* s = g_generating.load()) {
        s->cancel();
        g_generating.store(nullptr);
        return;
    }
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
}

struct SigintGuard {
    explicit SigintGuard(moe::Session* s) {
        g_generating.store(s);
        std::signal(SIGINT, on_sigint);
    }
    ~SigintGuard() { g_generating.store(nullptr); }
};

moe::RunContext run_context(const RunArgs& a) { return moe::RunContext{a.threads, a.batch, a.top_k, {}, {}}; }

int cmd_generate(const RunArgs& a, const GenerateArgs& g, const RecordOptions& rec) {
    if (!g.input.given()) throw moe::Error("give a prompt: -p TEXT, --text-file FILE or --tokens IDS");
    Loaded l = load(a);
    moe::RoutingTrace trace;
    l.session->set_routing_observer(&trace);
    std::vector<int32_t> prompt;
    moe::GenerateOptions go;
    go.n_predict = g.n_predict;
    go.sampler = g.sampler;
    if (g.chat) {
        if (!l.tok) throw moe::Error("--chat needs a model with a tokenizer");
        std::string why;
        const moe::ChatTemplate t = g.chat_template.empty()
            ? moe::ChatTemplate::detect(l.model->gguf().get_string("tokenizer.chat_template", ""), &why)
            : chat_template_from(g.chat_template);
        spdlog::info("{}", why.empty() ? "chat format " + t.name : why);
        std::vector<moe::ChatMessage> msgs;
        if (!g.system.empty()) msgs.push_back({"system", g.system});
        msgs.push_back({"user", input_text(g.input)});
        prompt = t.render(*l.tok, msgs, true);
        go.stop_tokens = t.stop_tokens(*l.tok);
    } else {
        prompt = input_ids(g.input, l.tok.get(), true);
        if (l.tok) {
            for (int32_t id : {l.tok->info().eos, l.tok->info().eot}) {
                if (id >= 0) go.stop_tokens.push_back(id);
            }
        }
    }
    if (prompt.empty()) throw moe::Error("the prompt is empty: it gave no tokens");
    const int n_ctx = l.session->backend().n_ctx();
    if (int64_t(prompt.size()) > n_ctx) {
        throw moe::Error(fmt::format("the prompt is {} tokens and the context is {} (-c sets it, up to the model's {})",
                                     prompt.size(), n_ctx, l.model->config().n_ctx_train));
    }
    const bool text_out = l.tok && g.input.tokens.empty();
    std::unique_ptr<moe::StreamDecoder> sd;
    if (l.tok) sd = std::make_unique<moe::StreamDecoder>(*l.tok);
    std::string text;
    auto on_token = [&](int32_t t) {
        const bool stop = std::find(go.stop_tokens.begin(), go.stop_tokens.end(), t) != go.stop_tokens.end();
        const std::string piece = sd && !stop ? sd->push(t) : std::string();
        text += piece;
        if (!a.json_out) {
            if (text_out) {
                fmt::print("{}", piece);
            } else {
                fmt::print("{} ", t);
            }
            std::fflush(stdout);
        }
        return true;
    };
    moe::GenerateResult r;
    {
        SigintGuard guard(l.session.get());
        r = l.session->generate(prompt, go, on_token);
    }
    if (sd) {
        const std::string tail = sd->flush();
        text += tail;
        if (!a.json_out && text_out) fmt::print("{}", tail);
    }
    double decode_ms = 0.0;
    for (size_t i = 1; i < r.token_ms.size(); ++i) decode_ms += r.token_ms[i];
    const double decode_tps = r.token_ms.size() > 1 ? 1000.0 * double(r.token_ms.size() - 1) / decode_ms : 0.0;
    const double prefill_tps = r.prefill_ms > 0 ? 1000.0 * double(prompt.size()) / r.prefill_ms : 0.0;
    if (a.json_out) {
        json j = {{"model", a.model},
                  {"backend", l.session->backend().name()},
                  {"top_k", l.session->backend().top_k()},
                  {"prompt", prompt},
                  {"tokens", r.tokens},
                  {"stop", moe::stop_reason_name(r.stop)},
                  {"timings",
                   {{"prefill_ms", r.prefill_ms},
                    {"ttft_ms", r.ttft_ms},
                    {"prefill_tokens_per_s", prefill_tps},
                    {"decode_tokens_per_s", decode_tps},
                    {"token_ms", r.token_ms}}},
                  {"routing", routing_json(trace)},
                  {"balance", balance_json(trace, l.model->config().n_expert)}};
        if (l.tok) {
            j["prompt_text"] = l.tok->decode(prompt, true);
            j["text"] = text;
        }
        std::cout << j.dump() << "\n";
    } else {
        fmt::print("\n");
        if (g.show_routing && trace.size() > 0) {
            print_routing(trace);
            print_balance(trace, l.model->config().n_expert);
        }
        spdlog::info("{} prompt tokens at {:.1f} tok/s, {} generated at {:.1f} tok/s, stop: {}", prompt.size(),
                     prefill_tps, r.tokens.size(), decode_tps, moe::stop_reason_name(r.stop));
    }
    const std::string prompt_text = l.tok && g.input.tokens.empty() ? l.tok->decode(prompt, true) : std::string();
    save_or_keep(rec, moe::make_generate_record(g.chat ? moe::RunKind::chat : moe::RunKind::generate, *l.model,
                                           l.session->backend(), run_context(a), go, prompt, r, std::move(trace),
                                           prompt_text, text));
    return 0;
}

int cmd_score(const RunArgs& a, const TextInput& in, const RecordOptions& rec) {
    if (!in.given()) throw moe::Error("give the text to score: -p TEXT, --text-file FILE or --tokens IDS");
    Loaded l = load(a);
    moe::RoutingTrace trace;
    l.session->set_routing_observer(&trace);
    const std::vector<int32_t> toks = input_ids(in, l.tok.get(), true);
    if (int64_t(toks.size()) > l.session->backend().n_ctx()) {
        throw moe::Error(fmt::format("the text is {} tokens and the context is {} (-c sets it, up to the model's {})",
                                     toks.size(), l.session->backend().n_ctx(), l.model->config().n_ctx_train));
    }
    moe::ScoreResult r = l.session->score(toks);
    if (a.json_out) {
        json j = {{"model", a.model},
                  {"backend", l.session->backend().name()},
                  {"n_tokens", toks.size()},
                  {"tokens", toks},
                  {"nll", r.nll},
                  {"mean_nll", r.mean_nll},
                  {"perplexity", r.perplexity},
                  {"top_k", l.session->backend().top_k()},
                  {"routing", routing_json(trace)}};
        std::cout << j.dump() << "\n";
    } else {
        fmt::print("tokens      {}\nmean nll    {:.6f}\nperplexity  {:.4f}\ntime        {:.1f} ms ({:.1f} tok/s)\n",
                   toks.size(), r.mean_nll, r.perplexity, r.elapsed_ms, 1000.0 * double(toks.size()) / r.elapsed_ms);
    }
    moe::RunRecord record = moe::make_score_record(*l.model, l.session->backend(), run_context(a), toks, r, std::move(trace));
    if (l.tok && in.tokens.empty()) record.prompt_text = l.tok->decode(toks, true);
    save_or_keep(rec, record);
    return 0;
}

// ---- tokenize ----------------------------------------------------------------

// A token's text for display: bytes that are not (yet) a whole character are
// shown as <0xNN>.
std::string printable_piece(const std::string& bytes) {
    std::string out;
    for (size_t i = 0; i < bytes.size();) {
        const size_t bad = moe::find_invalid_utf8(std::string_view(bytes).substr(i));
        if (bad == std::string::npos) {
            out.append(bytes, i, std::string::npos);
            break;
        }
        out.append(bytes, i, bad);
        out += fmt::format("<0x{:02X}>", static_cast<unsigned char>(bytes[i + bad]));
        i += bad + 1;
    }
    return out;
}

int cmd_tokenize(const std::string& path, const TextInput& in, bool add_special, bool as_json) {
    if (in.text.empty() && in.file.empty()) throw moe::Error("give the text: -p TEXT or --text-file FILE");
    moe::GgufFile f = moe::GgufFile::open(path);
    const auto tok = moe::Tokenizer::from_gguf(f);
    const std::string text = input_text(in);
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<int32_t> ids = tok->encode(text, add_special, in.parse_special);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (as_json) {
        json pieces = json::array();
        for (int32_t id : ids) pieces.push_back(printable_piece(tok->token_bytes(id, true)));
        json j = {{"model", path},
                  {"tokenizer", tok->info().model},
                  {"pre", tok->info().pre_rule},
                  {"bytes", text.size()},
                  {"n_tokens", ids.size()},
                  {"ids", ids},
                  {"pieces", pieces},
                  {"encode_ms", ms}};
        std::cout << j.dump() << "\n";
    } else {
        for (int32_t id : ids) {
            fmt::print("{:>7} {}\n", id, json(printable_piece(tok->token_bytes(id, true))).dump());
        }
    }
    spdlog::info("{} bytes -> {} tokens in {:.1f} ms ({:.1f} MB/s, {} tokenizer, {} rule)", text.size(), ids.size(), ms,
                 ms > 0 ? double(text.size()) / ms / 1e3 : 0.0, tok->info().model, tok->info().pre_rule);
    return 0;
}

// ---- chat --------------------------------------------------------------------

struct ChatArgs {
    int n_predict = 512;
    moe::SamplerOptions sampler;
    std::string system, chat_template;
    bool show_prompt = false;
};

// Reads one message per line from standard input; /clear starts over,
// /exit (or end of input) quits; Ctrl-C stops the reply being written.
int cmd_chat(const RunArgs& a, const ChatArgs& c, const RecordOptions& rec) {
    auto model = moe::Model::load(a.model);
    std::unique_ptr<moe::ChatTemplate> given;
    if (!c.chat_template.empty()) given = std::make_unique<moe::ChatTemplate>(chat_template_from(c.chat_template));
    moe::Conversation conv(model, make_backend(a, model), given.get());
    const bool tty = isatty(STDIN_FILENO);
    if (conv.template_why().find("using ChatML") != std::string::npos) {
        spdlog::warn("{}", conv.template_why());
    } else {
        spdlog::info("{}", conv.template_why());
    }
    if (!c.system.empty()) conv.set_system_prompt(c.system);
    if (tty) fmt::print("chatting with {} ({}); /clear starts over, /exit quits, Ctrl-C stops a reply\n", model->name(), a.model);
    moe::GenerateOptions go;
    go.n_predict = c.n_predict;
    go.sampler = c.sampler;
    std::string line;
    while (true) {
        if (tty) {
            fmt::print("> ");
            std::fflush(stdout);
        }
        if (!std::getline(std::cin, line)) break;
        if (line == "/exit" || line == "/quit") break;
        if (line == "/clear") {
            conv.clear();
            if (tty) fmt::print("(new conversation)\n");
            continue;
        }
        if (line.empty()) continue;
        if (c.show_prompt) {
            std::vector<moe::ChatMessage> msgs = conv.messages();
            msgs.push_back({"user", line});
            spdlog::info("prompt: {}", json(conv.chat_template().render_text(msgs, true)).dump());
        }
        moe::TurnResult r;
        moe::RoutingTrace trace;
        conv.session().set_routing_observer(&trace);
        try {
            SigintGuard guard(&conv.session());
            r = conv.reply(line, go, [](const std::string& piece, int32_t) {
                fmt::print("{}", piece);
                std::fflush(stdout);
                return true;
            });
        } catch (const moe::Error& e) {
            spdlog::error("{}", e.what());
            continue;
        }
        fmt::print("\n");
        double decode_ms = 0.0;
        for (size_t i = 1; i < r.gen.token_ms.size(); ++i) decode_ms += r.gen.token_ms[i];
        spdlog::info("{} new prompt tokens, {} generated ({:.1f} tok/s), {} in context, stop: {}", r.prompt.size(),
                     r.gen.tokens.size(), decode_ms > 0 ? 1000.0 * double(r.gen.tokens.size() - 1) / decode_ms : 0.0,
                     r.n_context, moe::stop_reason_name(r.gen.stop));
        conv.session().set_routing_observer(nullptr);
        save_or_keep(rec, moe::make_generate_record(moe::RunKind::chat, *model, conv.session().backend(), run_context(a), go,
                                               r.prompt, r.gen, std::move(trace), line, r.text));
    }
    return 0;
}

// ---- make-model ------------------------------------------------------------

int cmd_make_model(const moe::SynthOptions& so_in, const std::string& quant, const std::string& out) {
    moe::SynthOptions so = so_in;
    if (!moe::type_from_name(quant.c_str(), &so.quant)) throw moe::Error(fmt::format("unknown --quant '{}'", quant));
    int last = -1;
    moe::write_synthetic_model(so, out, [&](double f) {
        const int pct = int(f * 100.0);
        if (pct / 10 != last / 10) {
            spdlog::info("writing {}: {} %", out, pct);
            last = pct;
        }
    });
    spdlog::info("wrote {}", out);
    return 0;
}

// ---- bench -------------------------------------------------------------------

struct Stat {
    double mean = 0, sd = 0;
};
Stat stat(const std::vector<double>& v) {
    Stat s;
    if (v.empty()) return s;
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.sd = v.size() > 1 ? std::sqrt(ss / double(v.size() - 1)) : 0.0;
    return s;
}

int cmd_bench(const RunArgs& a, int n_prompt, int n_gen, int reps, uint64_t seed, const RecordOptions& rec) {
    Loaded l = load(a);
    const moe::Model& m = *l.model;
    const moe::HostInfo host = moe::host_info();
    const int threads = a.threads > 0 ? a.threads : host.threads;
    // The roofline: the GPU's device-to-device copy bandwidth, or the host's read bandwidth.
    const bool on_gpu = l.session->backend().name() == "cuda";
    const std::optional<moe::GpuInfo> gpu = on_gpu ? moe::cuda_device_info() : std::nullopt;
    double bw = 0.0;
    if (on_gpu) {
        spdlog::info("measuring GPU bandwidth with a device-to-device copy");
        bw = moe::cuda_copy_bandwidth().value_or(0.0);
    } else {
        spdlog::info("measuring memory read bandwidth with {} threads", threads);
        bw = moe::measure_read_bandwidth(threads);
    }

    std::vector<double> pp, tg, ttft, bytes_tok, gbs, kv_tok;
    std::vector<int32_t> last_prompt;
    moe::GenerateResult last_res;
    moe::RoutingTrace last_trace;
    uint64_t st = seed;
    for (int r = 0; r < reps; ++r) {
        std::vector<int32_t> prompt(static_cast<size_t>(n_prompt));
        for (auto& t : prompt) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            t = int32_t((st >> 33) % uint64_t(m.config().n_vocab));
        }
        moe::RoutingTrace trace;
        l.session->reset();
        l.session->set_routing_observer(&trace);
        moe::GenerateOptions go;
        go.n_predict = n_gen;
        go.sampler.temperature = 0.0f;
        moe::GenerateResult res = l.session->generate(prompt, go);
        double decode_ms = 0.0;
        for (size_t i = 1; i < res.token_ms.size(); ++i) decode_ms += res.token_ms[i];
        const size_t n_dec = res.token_ms.size() > 1 ? res.token_ms.size() - 1 : 0;
        // Weight bytes each decode step read: the dense part plus the experts
        // its token was actually routed to (frames after the prompt).
        double bytes = 0.0;
        if (!m.config().is_moe) {
            bytes = double(m.stats().active_weight_bytes) * double(n_dec);  // FFN included
        } else {
            for (size_t i = size_t(n_prompt); i < trace.size(); ++i)
                bytes += double(m.weight_bytes_read(trace.ids(i, 0), trace.n_layers(), trace.k()));
        }
        const double per_tok = n_dec ? bytes / double(n_dec) : 0.0;
        // The KV cache a decode step reads on top of the weights (F32 keys
        // and values of every earlier position); reported, not counted in GB/s.
        double kv = 0.0;
        for (size_t i = 0; i < n_dec; ++i) kv += double(m.kv_cache_bytes(int(n_prompt + i + 1)));
        kv_tok.push_back(n_dec ? kv / double(n_dec) : 0.0);
        const double tps = n_dec ? 1000.0 * double(n_dec) / decode_ms : 0.0;
        pp.push_back(1000.0 * n_prompt / res.prefill_ms);
        tg.push_back(tps);
        ttft.push_back(res.ttft_ms);
        bytes_tok.push_back(per_tok);
        gbs.push_back(per_tok * tps / 1e9);
        spdlog::info("rep {}/{}: pp {:.2f} tok/s, tg {:.2f} tok/s, {:.2f} GB/s", r + 1, reps, pp.back(), tg.back(),
                     gbs.back());
        last_prompt = prompt;
        last_res = res;
        last_trace = std::move(trace);
    }
    const Stat spp = stat(pp), stg = stat(tg), sttft = stat(ttft), sb = stat(bytes_tok), sg = stat(gbs);
    const double share = bw > 0 ? sg.mean * 1e9 / bw : 0.0;
    {
        json j = {{"model", a.model},
                  {"model_name", m.name()},
                  {"backend", l.session->backend().name()},
                  {"threads", threads},
                  {"cpu", host.cpu_model},
                  {"n_prompt", n_prompt},
                  {"n_gen", n_gen},
                  {"repetitions", reps},
                  {"top_k", l.session->backend().top_k()},
                  {"prompt_tokens_per_s", {{"mean", spp.mean}, {"sd", spp.sd}}},
                  {"gen_tokens_per_s", {{"mean", stg.mean}, {"sd", stg.sd}}},
                  {"ttft_ms", {{"mean", sttft.mean}, {"sd", sttft.sd}}},
                  {"weight_bytes_per_token", sb.mean},
                  {"kv_cache_bytes_per_token", stat(kv_tok).mean},
                  {"achieved_gb_per_s", sg.mean},
                  {"memory_bandwidth_gb_per_s", bw / 1e9},
                  {"bandwidth_share", share}};
        if (gpu) {
            j["gpu"] = {{"name", gpu->name}, {"sm_count", gpu->sm_count}, {"total_bytes", gpu->total_bytes},
                        {"driver", gpu->driver_name}, {"cuda_driver", gpu->driver_version},
                        {"cuda_runtime", gpu->runtime_version}, {"sm_clock_mhz", gpu->sm_clock_mhz},
                        {"max_sm_clock_mhz", gpu->max_sm_clock_mhz}, {"mem_clock_mhz", gpu->mem_clock_mhz},
                        {"power_w", gpu->power_w}, {"power_limit_w", gpu->power_limit_w}};
        }
        save_or_keep(rec, moe::make_bench_record(m, l.session->backend(), run_context(a), j.dump(), last_prompt, last_res,
                                            std::move(last_trace)));
        if (a.json_out) {
            std::cout << j.dump(2) << "\n";
            return 0;
        }
    }
    fmt::print("model        {} ({})\n", m.name(), a.model);
    fmt::print("backend      {} ({} threads, {})\n", l.session->backend().name(), threads, host.cpu_model);
    if (gpu) {
        fmt::print("gpu          {} ({} SMs, {:.1f} GiB, driver {}, CUDA {}.{}, SM {} / {} MHz, {:.0f} W of {:.0f} W)\n",
                   gpu->name, gpu->sm_count, double(gpu->total_bytes) / double(1ull << 30), gpu->driver_name,
                   gpu->runtime_version / 1000, gpu->runtime_version % 1000 / 10, gpu->sm_clock_mhz,
                   gpu->max_sm_clock_mhz, gpu->power_w, gpu->power_limit_w);
    }
    fmt::print("memory       {:.2f} GB/s {} (measured)\n", bw / 1e9, on_gpu ? "device copy bandwidth" : "read bandwidth");
    fmt::print("| test   | tokens/s          | ttft ms      | weight bytes/token | achieved GB/s | share of bandwidth |\n");
    fmt::print("| pp{:<4} | {:8.2f} ± {:6.2f} |              |                    |               |                    |\n",
               n_prompt, spp.mean, spp.sd);
    fmt::print("| tg{:<4} | {:8.2f} ± {:6.2f} | {:7.1f}      | {:>18} | {:13.2f} | {:17.1f}% |\n", n_gen, stg.mean, stg.sd,
               sttft.mean, human_bytes(sb.mean), sg.mean, 100.0 * share);
    fmt::print("kv cache     {} read per generated token on average (not counted above)\n",
               human_bytes(stat(kv_tok).mean));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    auto logger = spdlog::stderr_color_mt("moe");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%^[%l]%$ %v");

    CLI::App app{"moe-cli: run, inspect and benchmark Mixture-of-Experts GGUF models"};
    app.set_version_flag("--version", fmt::format("moe-cli {} ({})", MOE_VERSION, MOE_GIT_REVISION));
    app.require_subcommand(1);

    std::string info_path;
    bool info_json = false;
    int info_ctx = 0;
    auto* info = app.add_subcommand("info", "describe a model before loading it");
    info->add_option("model", info_path, "GGUF model file")->required();
    info->add_option("-c,--ctx", info_ctx, "context length for the memory estimate");
    info->add_flag("--json", info_json, "print JSON");

    RunArgs gen_args;
    GenerateArgs gen_opts;
    auto* gen = app.add_subcommand("generate", "continue a prompt (text or token ids), streaming the reply");
    add_run_options(gen, gen_args);
    add_text_options(gen, gen_opts.input, "the prompt");
    gen->add_option("-n,--n-predict", gen_opts.n_predict, "tokens to generate")->check(CLI::NonNegativeNumber);
    add_sampler_options(gen, gen_opts.sampler);
    gen->add_flag("--routing", gen_opts.show_routing, "print the experts every token was routed to");
    gen->add_flag("--chat", gen_opts.chat, "send the prompt as a user message in the model's chat format");
    gen->add_option("--system", gen_opts.system, "system prompt (with --chat)");
    gen->add_option("--template", gen_opts.chat_template, "chat format: a built-in name or a JSON template file");

    RecordOptions gen_rec, score_rec, chat_rec, bench_rec;
    add_record_options(gen, gen_rec);

    RunArgs score_args;
    TextInput score_in;
    auto* score = app.add_subcommand("score", "teacher-forced NLL and perplexity of a text or token sequence");
    add_run_options(score, score_args);
    add_text_options(score, score_in, "the text");
    add_record_options(score, score_rec);

    std::string tok_model;
    TextInput tok_in;
    bool tok_json = false, tok_add_special = false;
    auto* tokenize = app.add_subcommand("tokenize", "print the token ids (and pieces) of a text");
    tokenize->add_option("model", tok_model, "GGUF model file")->required();
    tokenize->add_option("-p,--prompt", tok_in.text, "text");
    tokenize->add_option("-f,--text-file", tok_in.file, "UTF-8 text file");
    tokenize->add_flag("--lossy", tok_in.lossy, "replace invalid UTF-8 with U+FFFD instead of refusing the text");
    tokenize->add_flag("--parse-special", tok_in.parse_special, "treat special-token strings as control tokens");
    tokenize->add_flag("--add-special", tok_add_special, "add BOS/EOS as the model's metadata asks");
    tokenize->add_flag("--json", tok_json, "print one JSON object");

    RunArgs chat_args;
    ChatArgs chat_opts;
    auto* chat = app.add_subcommand("chat", "interactive chat in the model's own format (one message per line)");
    add_run_options(chat, chat_args);
    chat->add_option("-n,--n-predict", chat_opts.n_predict, "most tokens per reply")->check(CLI::PositiveNumber);
    add_sampler_options(chat, chat_opts.sampler);
    chat->add_option("--system", chat_opts.system, "system prompt");
    chat->add_option("--template", chat_opts.chat_template, "chat format: a built-in name or a JSON template file");
    chat->add_flag("--show-prompt", chat_opts.show_prompt, "log each rendered prompt, special tokens spelled out");
    add_record_options(chat, chat_rec);

    moe::SynthOptions synth;
    std::string quant = "F32", out;
    auto* make = app.add_subcommand("make-model", "write a synthetic model with published shapes");
    make->add_option("--arch", synth.arch, "architecture for the tiny and small presets (qwen3moe, qwen2moe, llama, olmoe, qwen3)");
    make->add_option("--preset", synth.preset, "tiny, small, olmoe-1b-7b, qwen3-30b-a3b, mixtral-8x7b, qwen1.5-moe-a2.7b");
    make->add_option("--quant", quant, "type of the weights: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K");
    make->add_option("--seed", synth.seed, "random seed");
    make->add_option("-t,--threads", synth.threads, "threads");
    make->add_option("-o,--output", out, "output file")->required();
    make->add_option("--tokenizer", synth.tokenizer_json, "carry this Hugging Face tokenizer.json (or .json.zst) instead of a synthetic vocabulary");
    make->add_option("--tokenizer-config", synth.tokenizer_config, "its tokenizer_config.json (default: the one next to it)");

    RunArgs bench_args;
    bench_args.batch = 64;
    int bench_p = 512, bench_n = 128, bench_r = 3;
    uint64_t bench_seed = 1;
    auto* bench = app.add_subcommand("bench", "prompt and generation speed, bytes per token, bandwidth share");
    add_run_options(bench, bench_args);
    bench->add_option("-p,--n-prompt", bench_p, "prompt tokens")->check(CLI::PositiveNumber);
    bench->add_option("-n,--n-gen", bench_n, "generated tokens")->check(CLI::PositiveNumber);
    bench->add_option("-r,--repetitions", bench_r, "repetitions")->check(CLI::PositiveNumber);
    bench->add_option("--seed", bench_seed, "seed of the random prompt");
    add_record_options(bench, bench_rec);

    RunsArgs runs_args;
    add_runs_command(app, runs_args);
    SelftestArgs selftest_args;
    add_selftest_command(app, selftest_args);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    try {
        if (*info) return cmd_info(info_path, info_json, info_ctx);
        if (*gen) return cmd_generate(gen_args, gen_opts, gen_rec);
        if (*score) return cmd_score(score_args, score_in, score_rec);
        if (*tokenize) return cmd_tokenize(tok_model, tok_in, tok_add_special, tok_json);
        if (*chat) return cmd_chat(chat_args, chat_opts, chat_rec);
        if (*runs_args.runs) return run_runs_command(runs_args);
        if (*selftest_args.cmd) return run_selftest_command(selftest_args);
        if (*make) return cmd_make_model(synth, quant, out);
        if (*bench) return cmd_bench(bench_args, bench_p, bench_n, bench_r, bench_seed, bench_rec);
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 1;
    }
    return 0;
}
