// Conversation: the chat format applied, the KV cache reused across turns
// (and proven equal to a fresh prefill), cancellation, context limits.
#include "model/model.h"
#include "model/synth.h"
#include "runtime/backend.h"
#include "runtime/conversation.h"

#include "error.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace moe;

class TestConversation : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void reuseEqualsFreshPrefill();
    void systemPromptChange();
    void cancelKeepsPartialReply();
    void contextLimit();
    void regenerateWithSetMessages();

private:
    std::unique_ptr<Backend> backend(int n_ctx = 512) {
        BackendOptions bo;
        bo.n_ctx = n_ctx;
        bo.n_threads = 2;
        return make_backend(BackendKind::cpu, m_model, bo);
    }
    QTemporaryDir m_dir;
    std::shared_ptr<Model> m_model;
};

void TestConversation::initTestCase() {
    SynthOptions so;
    so.arch = "qwen3moe";
    so.preset = "tiny";
    so.seed = 11;
    const std::string path = m_dir.filePath("m.gguf").toStdString();
    write_synthetic_model(so, path);
    m_model = Model::load(path);
}

void TestConversation::reuseEqualsFreshPrefill() {
    Conversation c(m_model, backend());
    QCOMPARE(c.chat_template().name, std::string("jinja")); // the file's own ChatML template, rendered
    GenerateOptions go;
    go.n_predict = 8;
    go.sampler.temperature = 0.0f;
    const TurnResult t1 = c.reply("first question", go);
    const TurnResult t2 = c.reply("second question", go);
    // the second turn prefilled only its own part of the transcript
    std::vector<ChatMessage> upto = c.messages();
    upto.pop_back(); // the second reply
    const std::vector<int32_t> full = c.chat_template().render(c.tokenizer(), upto, true);
    qInfo("turn 1 prefilled %zu, turn 2 prefilled %zu of a %zu-token transcript", t1.prompt.size(), t2.prompt.size(),
        full.size());
    QVERIFY(t2.prompt.size() + t1.prompt.size() <= full.size());
    QVERIFY(t2.prompt.size() > 0);
    // and a fresh session given the whole transcript generates the same reply
    Session fresh(m_model, backend());
    GenerateOptions fo = go;
    fo.stop_tokens = c.chat_template().stop_tokens(c.tokenizer());
    const GenerateResult g = fresh.generate(full, fo);
    QCOMPARE(g.tokens, t2.gen.tokens);
    QCOMPARE(c.messages().size(), size_t(4));
    QCOMPARE(c.messages()[3].content, t2.text);
    QVERIFY(t1.n_context > 0 && t2.n_context > t1.n_context);
}

void TestConversation::systemPromptChange() {
    Conversation c(m_model, backend());
    GenerateOptions go;
    go.n_predict = 4;
    go.sampler.temperature = 0.0f;
    c.set_system_prompt("Be brief.");
    c.reply("hello", go);
    c.set_system_prompt("Be verbose."); // the transcript changes at its start
    const TurnResult t = c.reply("again", go);
    const std::vector<int32_t> full = c.chat_template().render(
        c.tokenizer(), std::vector<ChatMessage>(c.messages().begin(), c.messages().end() - 1), true);
    qInfo("after the system prompt changed: prefilled %zu of %zu", t.prompt.size(), full.size());
    QVERIFY(t.prompt.size() + 12 >= full.size()); // re-prefilled from inside the system turn
    Session fresh(m_model, backend());
    GenerateOptions fo = go;
    fo.stop_tokens = c.chat_template().stop_tokens(c.tokenizer());
    QCOMPARE(fresh.generate(full, fo).tokens, t.gen.tokens);
    c.clear();
    QCOMPARE(c.messages().size(), size_t(1)); // the system prompt stays
    QCOMPARE(c.session().n_past(), 0);
}

void TestConversation::cancelKeepsPartialReply() {
    Conversation c(m_model, backend());
    GenerateOptions go;
    go.n_predict = 50;
    go.sampler.temperature = 1.0f;
    go.sampler.seed = 5;
    int pieces = 0;
    const TurnResult t = c.reply("talk", go, [&](const std::string&, int32_t) { return ++pieces < 3; });
    QCOMPARE(t.gen.stop, StopReason::cancelled);
    QVERIFY(t.gen.tokens.size() < 50);
    QCOMPARE(c.messages().back().role, std::string("assistant"));
    QCOMPARE(c.messages().back().content, t.text);
    // the conversation goes on after a cancel
    go.n_predict = 3;
    const TurnResult t2 = c.reply("more", go);
    QVERIFY(!t2.gen.tokens.empty());
}

void TestConversation::contextLimit() {
    Conversation c(m_model, backend(32));
    GenerateOptions go;
    go.n_predict = 2;
    try {
        c.reply(std::string(400, 'x'), go);
        QFAIL("accepted a message longer than the context");
    } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find("the context is 32") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(Error, c.reply(std::string("bad \xff", 5), go));
}

// Regenerate: drop the last reply, ask again; with greedy sampling the same
// reply comes back, from the reused cache.
void TestConversation::regenerateWithSetMessages() {
    Conversation c(m_model, backend());
    GenerateOptions go;
    go.n_predict = 6;
    go.sampler.temperature = 0.0f;
    c.reply("one", go);
    const TurnResult first = c.reply("two", go);
    std::vector<ChatMessage> msgs = c.messages();
    msgs.resize(msgs.size() - 2); // without the last user turn and its reply
    c.set_messages(msgs);
    const TurnResult again = c.reply("two", go);
    QCOMPARE(again.gen.tokens, first.gen.tokens);
    QCOMPARE(c.messages().size(), size_t(4));
    QVERIFY(again.prompt.size() <= first.prompt.size() + first.gen.tokens.size());
}

QTEST_APPLESS_MAIN(TestConversation)
#include "tst_conversation.moc"
