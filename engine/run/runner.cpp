#include "run/runner.h"

#include "error.h"
#include "run/run_energy.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

#include <fmt/format.h>

#include <algorithm>

namespace moe {

namespace {

ChatTemplate chat_template_from(const std::string& spec) {
    for (const std::string& n : ChatTemplate::builtin_names()) {
        if (spec == n) return ChatTemplate::builtin(spec);
    }
    return ChatTemplate::from_file(spec);
}

// Hands every frame to the run's own trace and to the caller's observer.
struct Tee final : RoutingObserver {
    RoutingTrace trace;
    RoutingObserver* next = nullptr;
    void on_routing(const RoutingFrame& f) override {
        trace.on_routing(f);
        if (next) next->on_routing(f);
    }
};

// Attaches an observer to a session for one run.
struct Observing {
    Session& session;
    Observing(Session& s, RoutingObserver* o)
        : session(s) {
        session.set_routing_observer(o);
    }
    ~Observing() { session.set_routing_observer(nullptr); }
};

// Hands shown text to on_text, or with on_reasoning set, the thinking to
// on_reasoning and the answer to on_text, as the chat format marks them.
struct ReasoningRouter {
    const RunCallbacks& cb;
    const Tokenizer* tok;
    std::unique_ptr<ReasoningSplitter> split;

    ReasoningRouter(
        const RunCallbacks& callbacks, const Tokenizer* t, const ChatTemplate* tmpl, const std::string& prompt_text)
        : cb(callbacks)
        , tok(t) {
        if (t && tmpl && tmpl->reasoning != ReasoningFormat::none) {
            split = std::make_unique<ReasoningSplitter>(tmpl->reasoning, prompt_text);
        }
    }
    bool send(const std::vector<TextPiece>& pieces, int32_t id) const {
        bool go_on = true;
        for (const TextPiece& p : pieces) {
            if (p.reasoning) {
                go_on = cb.on_reasoning(p.text, id) && go_on;
            } else if (cb.on_text) {
                go_on = cb.on_text(p.text, id) && go_on;
            }
        }
        return go_on;
    }
    // One generated token (id -1: the tail flushed at the end) and its shown text.
    bool deliver(const std::string& piece, int32_t id) {
        std::vector<TextPiece> pieces;
        if (split) {
            const bool control = id >= 0 && tok->is_control(id);
            pieces = split->push(id >= 0 ? std::string_view(tok->token_text(id)) : std::string_view(), control, piece);
        }
        if (!split || !cb.on_reasoning) return piece.empty() || !cb.on_text || cb.on_text(piece, id);
        return send(pieces, id);
    }
    void finish() {
        if (!split) return;
        const std::vector<TextPiece> rest = split->flush();
        if (cb.on_reasoning) send(rest, -1);
    }
};

bool contains(const std::vector<int32_t>& v, int32_t id) {
    return std::find(v.begin(), v.end(), id) != v.end();
}

} // namespace

Runner::~Runner() = default;

std::unique_ptr<Runner> Runner::load(const LoadRequest& req, const LoadProgress& progress) {
    auto stage = [&](double f, const std::string& what) { return !progress || progress(f, what); };
    std::unique_ptr<Runner> r(new Runner);
    const std::string file = req.path.substr(req.path.find_last_of('/') + 1);
    if (!stage(0.05, fmt::format("Opening {}", file))) return nullptr;
    r->m_model = Model::load(req.path);
    // A template the user names must load: it is refused before anything else is built.
    std::unique_ptr<ChatTemplate> given;
    if (!req.chat_template.empty()) given = std::make_unique<ChatTemplate>(chat_template_from(req.chat_template));
    if (!stage(0.35, "Creating the backend")) return nullptr;
    std::string why;
    std::unique_ptr<Backend> backend = make_backend(req.backend, r->m_model, req.options, &why);
    const std::string backend_name = backend->name();
    const int n_ctx = backend->n_ctx(), top_k = backend->top_k(), n_moe = backend->n_moe_layers();

    if (!stage(0.55, "Preparing the tokenizer and chat format")) return nullptr;
    if (!r->m_model->gguf().find("tokenizer.ggml.model")) {
        r->m_tokenizer_problem = "the file has no tokenizer";
    } else {
        try {
            r->m_conversation = std::make_unique<Conversation>(r->m_model, std::move(backend), given.get());
        } catch (const std::exception& e) {
            // A model whose tokenizer cannot be read still runs on token ids.
            r->m_tokenizer_problem = fmt::format("its tokenizer cannot be used: {}", e.what());
            if (!backend) backend = make_backend(req.backend, r->m_model, req.options, &why);
        }
    }
    if (!r->m_conversation) r->m_session = std::make_unique<Session>(r->m_model, std::move(backend));

    if (!stage(0.75, "Identifying the model file")) return nullptr;
    r->m_context.n_threads = req.options.n_threads;
    r->m_context.n_batch = req.options.max_batch;
    r->m_context.top_k_override = req.options.top_k;
    r->m_routing = resolve_routing_policy(req.options.routing, r->m_model->config(), req.options.top_k);
    r->m_context.routing_policy = r->policy_text(r->m_routing);
    r->m_context.identity = model_identity(*r->m_model);
    HardwareInfo hw = hardware_info();
    if (backend_name == "cuda") fill_gpu_info(hw);
    r->m_context.hardware = hw;

    ModelDescription& d = r->m_desc;
    d = describe_model(*r->m_model, n_ctx, top_k);
    d.moe_layers = n_moe;
    d.backend = backend_name;
    d.backend_reason = why;
    if (const Tokenizer* tok = r->tokenizer()) {
        d.tokenizer = fmt::format("{} ({} rule)", tok->info().model, tok->info().pre_rule);
        d.chat_format = r->m_conversation->chat_template().name;
        d.chat_format_reason = r->m_conversation->template_why();
    } else {
        d.chat_format_reason = fmt::format("none: {} (prompts are token ids)", r->m_tokenizer_problem);
    }
    if (!stage(1.0, "Ready")) return nullptr;
    return r;
}

const Backend& Runner::backend() const {
    return m_conversation ? m_conversation->session().backend() : m_session->backend();
}

Session& Runner::session() {
    return m_conversation ? m_conversation->session() : *m_session;
}

const Tokenizer* Runner::tokenizer() const {
    return m_conversation ? &m_conversation->tokenizer() : nullptr;
}

void Runner::set_chat_options(const ChatOptions& options) {
    if (m_conversation) m_conversation->set_chat_options(options);
}

const ChatTemplate* Runner::chat_template() const {
    return m_conversation ? &m_conversation->chat_template() : nullptr;
}

void Runner::cancel() {
    session().cancel();
}

void Runner::set_routing(const RoutingPolicy& policy) {
    const RoutingPolicy resolved = resolve_routing_policy(policy, m_model->config(), m_context.top_k_override);
    session().backend().set_routing(resolved);
    m_routing = resolved;
    m_context.routing_policy = policy_text(resolved);
}

std::string Runner::policy_text(const RoutingPolicy& resolved) const {
    const RoutingPolicy own = resolve_routing_policy({}, m_model->config(), m_context.top_k_override);
    return resolved == own ? std::string() : routing_policy_string(resolved);
}

void Runner::check_fits(size_t n, const char* what) const {
    const int n_ctx = backend().n_ctx();
    if (int64_t(n) > n_ctx) {
        throw Error(fmt::format("the {} is {} tokens and the context is {} (the context can be set up to the model's "
                                "{})",
            what, n, n_ctx, m_model->config().n_ctx_train));
    }
}

std::vector<int32_t> Runner::tokens_of(const Prompt& p, bool add_special) const {
    if (!p.ids.empty()) return p.ids;
    const Tokenizer* tok = tokenizer();
    if (!tok) throw Error(fmt::format("this model takes token ids only: {}", m_tokenizer_problem));
    return tok->encode(p.text, add_special, p.parse_special);
}

RunOutcome Runner::generate(const GenerateRequest& req, const RunCallbacks& cb) {
    const Tokenizer* tok = tokenizer();
    GenerateOptions go = req.options;
    std::vector<int32_t> prompt;
    std::string chat_prompt_text;
    if (req.chat) {
        if (!tok) throw Error(fmt::format("a chat needs a model with a tokenizer: {}", m_tokenizer_problem));
        std::vector<ChatMessage> msgs;
        if (!req.system.empty()) msgs.push_back({ "system", req.system });
        msgs.push_back({ "user", req.prompt.text });
        const ChatTemplate& t = m_conversation->chat_template();
        prompt = t.render(*tok, msgs, true);
        if (t.reasoning != ReasoningFormat::none) chat_prompt_text = t.render_text(msgs, true, tok);
        for (int32_t id : t.stop_tokens(*tok))
            go.stop_tokens.push_back(id);
    } else {
        prompt = tokens_of(req.prompt, true);
        if (tok && req.stop_at_end_of_text) {
            for (int32_t id : { tok->info().eos, tok->info().eot }) {
                if (id >= 0) go.stop_tokens.push_back(id);
            }
        }
    }
    if (prompt.empty()) throw Error("the prompt is empty: it gave no tokens");
    check_fits(prompt.size(), "prompt");

    Session& s = session();
    s.reset();
    Tee tee;
    tee.next = cb.routing;
    Observing observing(s, &tee);
    std::unique_ptr<StreamDecoder> sd;
    if (tok) sd = std::make_unique<StreamDecoder>(*tok);
    std::string text;
    ReasoningRouter router(cb, tok, req.chat ? &m_conversation->chat_template() : nullptr, chat_prompt_text);
    auto on_token = [&](int32_t id) {
        bool go_on = !cb.on_token || cb.on_token(id);
        if (sd && !contains(go.stop_tokens, id)) {
            const std::string piece = sd->push(id);
            text += piece;
            go_on = router.deliver(piece, id) && go_on;
        }
        return go_on;
    };
    const EnergyMeter meter;
    const GenerateResult result = s.generate(prompt, go, on_token);
    const EnergyReading energy = meter.stop();
    if (sd) {
        const std::string tail = sd->flush();
        text += tail;
        if (!tail.empty()) router.deliver(tail, -1);
        router.finish();
    }
    const std::string prompt_text = tok && req.prompt.ids.empty() ? tok->decode(prompt, true) : std::string();
    RunOutcome out;
    out.record = make_generate_record(req.chat ? RunKind::chat : RunKind::generate, *m_model, backend(), m_context, go,
        prompt, result, std::move(tee.trace), prompt_text, text);
    if (router.split) out.record.reasoning_text = router.split->thinking();
    record_energy(out.record, energy);
    record_price(out.record, price_for_run(out.record));
    out.n_context = int(s.context().size());
    return out;
}

RunOutcome Runner::score(const ScoreRequest& req, const RunCallbacks& cb) {
    const std::vector<int32_t> tokens = tokens_of(req.text, true);
    if (tokens.size() < 2) throw Error(fmt::format("scoring needs at least 2 tokens; the text gave {}", tokens.size()));
    check_fits(tokens.size(), "text");
    Session& s = session();
    Tee tee;
    tee.next = cb.routing;
    Observing observing(s, &tee);
    const EnergyMeter meter;
    const ScoreResult result = s.score(tokens, req.on_logits);
    RunOutcome out;
    out.record = make_score_record(*m_model, backend(), m_context, tokens, result, std::move(tee.trace));
    record_energy(out.record, meter.stop());
    if (tokenizer() && req.text.ids.empty()) out.record.prompt_text = tokenizer()->decode(tokens, true);
    out.n_context = int(s.context().size());
    return out;
}

RunOutcome Runner::chat_turn(const ChatTurnRequest& req, const RunCallbacks& cb) {
    if (!m_conversation) throw Error(fmt::format("a chat needs a model with a tokenizer: {}", m_tokenizer_problem));
    Session& s = session();
    Tee tee;
    tee.next = cb.routing;
    Observing observing(s, &tee);
    const ChatTemplate& t = m_conversation->chat_template();
    std::string prompt_text;
    if (t.reasoning != ReasoningFormat::none) {
        std::vector<ChatMessage> next = m_conversation->messages();
        next.push_back({ "user", req.message });
        prompt_text = t.render_text(next, true, &m_conversation->tokenizer());
    }
    ReasoningRouter router(cb, &m_conversation->tokenizer(), &t, prompt_text);
    auto on_text = [&](const std::string& piece, int32_t id) {
        bool go_on = true;
        if (id >= 0 && cb.on_token) go_on = cb.on_token(id);
        return router.deliver(piece, id) && go_on;
    };
    const EnergyMeter meter;
    TurnResult r = m_conversation->reply(req.message, req.options, on_text);
    const EnergyReading energy = meter.stop();
    router.finish();
    if (router.split && t.reasoning == ReasoningFormat::harmony) {
        // harmony's markers are control tokens the shown text lacks: the
        // conversation keeps the final answer as the assistant's message
        std::vector<ChatMessage> msgs = m_conversation->messages();
        if (!msgs.empty() && msgs.back().role == "assistant") msgs.back().content = router.split->answer();
        m_conversation->set_messages(std::move(msgs));
    }
    const size_t frames = tee.trace.size();
    const size_t n_past = size_t(std::max<int64_t>(0, int64_t(r.n_context) - int64_t(frames) - 1));
    RunOutcome out;
    out.record = make_generate_record(RunKind::chat, *m_model, backend(), m_context, req.options, r.prompt, r.gen,
        std::move(tee.trace), req.message, r.text, n_past);
    if (router.split) out.record.reasoning_text = router.split->thinking();
    record_energy(out.record, energy);
    record_price(out.record, price_for_run(out.record));
    out.n_context = r.n_context;
    return out;
}

void Runner::new_conversation() {
    if (m_conversation) {
        m_conversation->clear();
    } else {
        m_session->reset();
    }
}

void Runner::set_system_prompt(const std::string& text) {
    if (m_conversation) m_conversation->set_system_prompt(text);
}

void Runner::set_chat_messages(std::vector<ChatMessage> messages) {
    if (m_conversation) m_conversation->set_messages(std::move(messages));
}

const std::vector<ChatMessage>& Runner::chat_messages() const {
    static const std::vector<ChatMessage> none;
    return m_conversation ? m_conversation->messages() : none;
}

} // namespace moe
