#pragma once
// The run API: the use cases moe-cli and the window share, Qt-free and
// typed. Load a model (backend with the reason it was picked, tokenizer,
// chat format, one ModelDescription), then run generate, chat turns and
// scores on it with callbacks for text, tokens and routing, and cancel from
// any thread. Every run comes back as a complete RunRecord, ready for
// engine/run/recorder.h; bench is engine/run/bench.h.
#include "run/description.h"
#include "run/prompt.h"
#include "runtime/backend.h"
#include "runtime/conversation.h"
#include "runtime/session.h"
#include "store/recording.h"
#include "store/run.h"
#include "telemetry/routing.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace moe {

struct LoadRequest {
    std::string path;
    BackendKind backend = BackendKind::automatic;
    BackendOptions options; // context, threads, batch, experts per token, exact arithmetic
    std::string chat_template; // a built-in format's name or a JSON template file; empty: detected from the file
};

// Load progress: the fraction done and the stage in words. Return false to cancel.
using LoadProgress = std::function<bool(double fraction, const std::string& stage)>;

struct RunCallbacks {
    // Every complete UTF-8 piece of the reply with the token that completed
    // it (-1 for a tail flushed at the end). Return false to stop.
    std::function<bool(const std::string& piece, int32_t id)> on_text;
    // Every generated token, text or not (models without a tokenizer have
    // only these). Return false to stop.
    std::function<bool(int32_t id)> on_token;
    // A reasoning model's thinking (<think>…</think>, harmony's analysis
    // channel), without its markers. When set, on_text gets the answer only.
    std::function<bool(const std::string& piece, int32_t id)> on_reasoning;
    // Every token processed, prompt and generated, as it is routed.
    RoutingObserver* routing = nullptr;
};

struct GenerateRequest {
    Prompt prompt;
    bool chat = false; // the text as one user message in the model's chat format
    std::string system; // with chat: a system message first
    GenerateOptions options; // length and sampler; the end-of-text tokens are added
    bool stop_at_end_of_text = true; // false: decode all n_predict tokens (bench)
};

struct ChatTurnRequest {
    std::string message;
    GenerateOptions options;
};

struct ScoreRequest {
    Prompt text;
    // When given: the logits (n_vocab) after every token i, as scored.
    std::function<void(size_t i, const float* logits)> on_logits;
};

struct RunOutcome {
    RunRecord record; // the whole run: text, ids, timings, figures, routing
    int n_context = 0; // tokens in the context after the run
};

class Runner {
public:
    // Loads the model and everything it runs with. Throws moe::Error naming
    // what is wrong; returns nullptr when `progress` cancelled the load.
    static std::unique_ptr<Runner> load(const LoadRequest& request, const LoadProgress& progress = {});
    ~Runner();

    const ModelDescription& description() const { return m_desc; }
    const Model& model() const { return *m_model; }
    const Backend& backend() const;
    Session& session();
    // Null when the file has no usable tokenizer: prompts are then token ids
    // (tokenizer_problem() says why).
    const Tokenizer* tokenizer() const;
    const std::string& tokenizer_problem() const { return m_tokenizer_problem; }
    // The chat format in use; null without a tokenizer.
    const ChatTemplate* chat_template() const;
    // Thinking on/off and its effort for the next chat runs, where the
    // model's template reads them (ChatTemplate::supports_*).
    void set_chat_options(const ChatOptions& options);
    const ModelIdentity& identity() const { return m_context.identity.value(); }
    const HardwareInfo& hardware() const { return m_context.hardware.value(); }
    const RunContext& context() const { return m_context; }
    // The device's measured read bandwidth, kept in every record from now on.
    void set_memory_bandwidth(double gb_per_s) { m_context.memory_bandwidth_gb_per_s = gb_per_s; }

    // Safe from any thread: the run in progress stops before its next token.
    void cancel();

    // The routing policy of the next runs (runtime/routing_policy.h), checked
    // against the model and kept in every record; throws moe::Error for one
    // it cannot take (or the backend cannot run). routing() is it resolved.
    void set_routing(const RoutingPolicy& policy);
    const RoutingPolicy& routing() const { return m_routing; }

    // The prompt as token ids (text through the tokenizer, with BOS/EOS as
    // the file asks when add_special). Throws for text without a tokenizer.
    std::vector<int32_t> tokens_of(const Prompt& prompt, bool add_special) const;

    // Continues the prompt from an empty context.
    RunOutcome generate(const GenerateRequest& request, const RunCallbacks& callbacks = {});
    // Teacher-forced NLL of every next token, from an empty context.
    RunOutcome score(const ScoreRequest& request, const RunCallbacks& callbacks = {});

    // One turn of the conversation: only what the KV cache lacks is
    // prefilled. The reply stays in the conversation even when cancelled.
    RunOutcome chat_turn(const ChatTurnRequest& request, const RunCallbacks& callbacks = {});
    // Forgets the messages and the KV cache; the system prompt stays.
    void new_conversation();
    void set_system_prompt(const std::string& text);
    // Replaces the messages (e.g. the last turn dropped, to regenerate or
    // edit it); the KV cache keeps the prefix the new transcript shares.
    void set_chat_messages(std::vector<ChatMessage> messages);
    const std::vector<ChatMessage>& chat_messages() const;

private:
    Runner() = default;
    void check_fits(size_t n_tokens, const char* what) const;
    // The policy as records keep it: "" for the model's own routing (or the top-k override).
    std::string policy_text(const RoutingPolicy& resolved) const;

    std::shared_ptr<Model> m_model;
    std::unique_ptr<Conversation> m_conversation; // with a tokenizer
    std::unique_ptr<Session> m_session; // without one
    std::string m_tokenizer_problem;
    ModelDescription m_desc;
    RunContext m_context;
    RoutingPolicy m_routing; // resolved
};

} // namespace moe
