// Session: generation, scoring, routing telemetry, the top-k override,
// cancellation, context limits and bad input, on tiny synthetic models.
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "runtime/session.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace moe;

class TestSession : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void greedyIsDeterministicAndBatchIndependent();
    void routingFrameForEveryTokenProcessed();
    void topKOverride_data();
    void topKOverride();
    void scoreMatchesGenerateLogits();
    void continuesAConversation();
    void cancelStopsWithinOneToken();
    void stopToken();
    void contextFull();
    void badInput_data();
    void badInput();

private:
    std::unique_ptr<Session> session(int top_k = 0, int batch = 64, int ctx = 0, int threads = 2);
    QTemporaryDir m_dir;
    std::shared_ptr<Model> m_model;
};

void TestSession::initTestCase() {
    QVERIFY(m_dir.isValid());
    SynthOptions o;
    o.arch = "qwen3moe";
    o.quant = GGML_TYPE_Q8_0;
    o.seed = 11;
    const std::string path = m_dir.filePath("m.gguf").toStdString();
    write_synthetic_model(o, path);
    m_model = Model::load(path);
}

std::unique_ptr<Session> TestSession::session(int top_k, int batch, int ctx, int threads) {
    BackendOptions bo;
    bo.top_k = top_k;
    bo.max_batch = batch;
    bo.n_ctx = ctx;
    bo.n_threads = threads;
    return std::make_unique<Session>(m_model, make_backend(BackendKind::cpu, m_model, bo));
}

void TestSession::greedyIsDeterministicAndBatchIndependent() {
    const std::vector<int32_t> prompt = { 5, 17, 300, 42, 7, 99, 123, 1, 2, 3 };
    GenerateOptions go;
    go.n_predict = 24;
    go.sampler.temperature = 0.0f;
    auto a = session(0, 64)->generate(prompt, go);
    auto b = session(0, 3, 0, 1)->generate(prompt, go); // prefill in batches of 3, one thread
    QCOMPARE(a.tokens.size(), size_t(24));
    QCOMPARE(a.tokens, b.tokens);
    QCOMPARE(a.stop, StopReason::length);
    QCOMPARE(int(a.token_ms.size()), 24);
    QVERIFY(a.ttft_ms > 0.0);
}

void TestSession::routingFrameForEveryTokenProcessed() {
    auto s = session();
    RoutingTrace trace;
    s->set_routing_observer(&trace);
    const std::vector<int32_t> prompt = { 1, 2, 3, 4, 5 };
    GenerateOptions go;
    go.n_predict = 6;
    go.sampler.temperature = 0.0f;
    auto r = s->generate(prompt, go);
    // the prompt and every generated token but the last went through the model
    QCOMPARE(trace.size(), prompt.size() + r.tokens.size() - 1);
    QCOMPARE(trace.n_layers(), 2);
    QCOMPARE(trace.k(), 2);
    for (size_t i = 0; i < trace.size(); ++i) {
        QCOMPARE(trace.pos(i), int32_t(i));
        QCOMPARE(trace.token(i), i < prompt.size() ? prompt[i] : r.tokens[i - prompt.size()]);
        for (int l = 0; l < 2; ++l) {
            const int32_t* ids = trace.ids(i, l);
            const float* w = trace.weights(i, l);
            QVERIFY(ids[0] != ids[1]);
            QVERIFY(ids[0] >= 0 && ids[0] < 8 && ids[1] >= 0 && ids[1] < 8);
            QVERIFY(w[0] >= w[1]);
            QVERIFY(std::abs(w[0] + w[1] - 1.0f) < 1e-5f); // qwen3moe renormalises
        }
    }
}

void TestSession::topKOverride_data() {
    QTest::addColumn<int>("k");
    QTest::newRow("1 expert") << 1;
    QTest::newRow("4 experts") << 4;
    QTest::newRow("all 8") << 8;
}

void TestSession::topKOverride() {
    QFETCH(int, k);
    auto s = session(k);
    RoutingTrace trace;
    s->set_routing_observer(&trace);
    const std::vector<int32_t> toks = { 9, 8, 7, 6, 5, 4 };
    ScoreResult r = s->score(toks);
    QCOMPARE(trace.k(), k);
    for (size_t i = 0; i < trace.size(); ++i) {
        std::set<int32_t> ids(trace.ids(i, 0), trace.ids(i, 0) + k);
        QCOMPARE(int(ids.size()), k);
    }
    QVERIFY(std::isfinite(r.perplexity));
    // fewer or more experts change the output
    ScoreResult base = session()->score(toks);
    QVERIFY(std::abs(base.mean_nll - r.mean_nll) > 1e-6);
}

void TestSession::scoreMatchesGenerateLogits() {
    const std::vector<int32_t> toks = { 3, 1, 4, 1, 5, 9, 2, 6 };
    auto s = session(0, 4);
    ScoreResult r = s->score(toks);
    QCOMPARE(r.nll.size(), toks.size() - 1);
    // the same NLLs from incremental evaluation one token at a time
    auto s2 = session(0, 1);
    for (size_t i = 0; i + 1 < toks.size(); ++i) {
        s2->eval(std::span<const int32_t>(&toks[i], 1));
        const float* lg = s2->last_logits();
        double mx = -1e30, sum = 0;
        for (int v = 0; v < 512; ++v)
            mx = std::max(mx, double(lg[v]));
        for (int v = 0; v < 512; ++v)
            sum += std::exp(double(lg[v]) - mx);
        const double nll = -(double(lg[toks[i + 1]]) - mx - std::log(sum));
        QVERIFY2(
            std::abs(nll - r.nll[i]) < 1e-4, qPrintable(QString("pos %1: %2 vs %3").arg(i).arg(nll).arg(r.nll[i])));
    }
    QVERIFY(std::abs(r.perplexity - std::exp(r.mean_nll)) < 1e-9);
}

void TestSession::continuesAConversation() {
    // two turns in one session equal one generate over the concatenation
    GenerateOptions go;
    go.sampler.temperature = 0.0f;
    go.n_predict = 5;
    auto s = session();
    auto r1 = s->generate(std::vector<int32_t> { 10, 20, 30 }, go);
    auto r2 = s->generate(std::vector<int32_t> { 40, 50 }, go);
    std::vector<int32_t> whole = { 10, 20, 30 };
    whole.insert(whole.end(), r1.tokens.begin(), r1.tokens.end());
    whole.push_back(40);
    whole.push_back(50);
    auto r3 = session()->generate(whole, go);
    QCOMPARE(r2.tokens, r3.tokens);
}

void TestSession::cancelStopsWithinOneToken() {
    auto s = session();
    GenerateOptions go;
    go.n_predict = 100;
    int seen = 0;
    auto r = s->generate(std::vector<int32_t> { 1, 2 }, go, [&](int32_t) { return ++seen < 3; });
    QCOMPARE(r.stop, StopReason::cancelled);
    QCOMPARE(int(r.tokens.size()), 3);
    // cancel() from elsewhere (here: inside the callback) stops before the next token
    seen = 0;
    auto s2 = session();
    Session* raw = s2.get();
    auto r2 = s2->generate(std::vector<int32_t> { 1, 2 }, go, [&](int32_t) {
        if (++seen == 2) raw->cancel();
        return true;
    });
    QCOMPARE(r2.stop, StopReason::cancelled);
    QCOMPARE(int(r2.tokens.size()), 2);
}

void TestSession::stopToken() {
    GenerateOptions go;
    go.sampler.temperature = 0.0f;
    go.n_predict = 10;
    auto first = session()->generate(std::vector<int32_t> { 7, 7, 7 }, go);
    go.stop_tokens = { first.tokens[2] };
    auto r = session()->generate(std::vector<int32_t> { 7, 7, 7 }, go);
    QCOMPARE(r.stop, StopReason::stop_token);
    QVERIFY(r.tokens.size() <= 3);
    QCOMPARE(r.tokens.back(), first.tokens[2]);
}

void TestSession::contextFull() {
    auto s = session(0, 64, 16);
    GenerateOptions go;
    go.n_predict = 100;
    auto r = s->generate(std::vector<int32_t> { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, go);
    QCOMPARE(r.stop, StopReason::context_full);
    QCOMPARE(int(r.tokens.size()), 16 - 10 + 1);
}

void TestSession::badInput_data() {
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("expected");
    QTest::newRow("token past the vocabulary") << "vocab"
                                               << "token 512 (at index 1) is outside the vocabulary of 512";
    QTest::newRow("prompt longer than the context") << "long"
                                                    << "exceed the context of 8 tokens";
    QTest::newRow("empty prompt") << "empty"
                                  << "the prompt is empty";
    QTest::newRow("score of one token") << "score1"
                                        << "scoring needs at least 2 tokens";
    QTest::newRow("top-k above expert count") << "topk"
                                              << "--top-k 9 is more than the model's 8 experts";
}

void TestSession::badInput() {
    QFETCH(QString, what);
    QFETCH(QString, expected);
    GenerateOptions go;
    go.n_predict = 2;
    try {
        if (what == "vocab") session()->generate(std::vector<int32_t> { 1, 512 }, go);
        if (what == "long") session(0, 64, 8)->generate(std::vector<int32_t>(9, 1), go);
        if (what == "empty") session()->generate(std::vector<int32_t> {}, go);
        if (what == "score1") session()->score(std::vector<int32_t> { 1 });
        if (what == "topk") session(9);
        QFAIL("no error");
    } catch (const Error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
    }
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
