// Sampler: greedy, filters, penalties, determinism.
#include "runtime/sampler.h"

#include "error.h"

#include <QtTest>

#include <vector>

using namespace moe;

class TestSampler : public QObject {
    Q_OBJECT
private slots:
    void greedyPicksArgmax();
    void greedyTieGoesToLowerId();
    void sameSeedSameTokens();
    void topKOneIsGreedy();
    void topPKeepsOnlyTheHead_data();
    void topPKeepsOnlyTheHead();
    void minPDropsTheTail();
    void repetitionPenaltyChangesArgmax();
    void rejectsBadOptions_data();
    void rejectsBadOptions();
};

void TestSampler::greedyPicksArgmax() {
    SamplerOptions o;
    o.temperature = 0.0f;
    Sampler s(o, 5);
    const float logits[5] = { 0.1f, 2.0f, -1.0f, 1.9f, 0.0f };
    QCOMPARE(s.sample(logits, {}), 1);
}

void TestSampler::greedyTieGoesToLowerId() {
    SamplerOptions o;
    o.temperature = 0.0f;
    Sampler s(o, 4);
    const float logits[4] = { 0.0f, 3.0f, 3.0f, 1.0f };
    QCOMPARE(s.sample(logits, {}), 1);
}

void TestSampler::sameSeedSameTokens() {
    SamplerOptions o;
    o.temperature = 1.0f;
    o.top_k = 0;
    o.top_p = 1.0f;
    o.min_p = 0.0f;
    o.seed = 42;
    std::vector<float> logits(100);
    for (int i = 0; i < 100; ++i)
        logits[size_t(i)] = float((i * 37) % 11) * 0.3f;
    Sampler a(o, 100), b(o, 100);
    std::vector<int32_t> ta, tb;
    for (int i = 0; i < 200; ++i) {
        ta.push_back(a.sample(logits.data(), {}));
        tb.push_back(b.sample(logits.data(), {}));
    }
    QCOMPARE(ta, tb);
    // and the draws are not all the same token (the distribution is flat-ish)
    std::sort(ta.begin(), ta.end());
    QVERIFY(std::unique(ta.begin(), ta.end()) - ta.begin() > 5);
    o.seed = 43;
    Sampler c(o, 100);
    std::vector<int32_t> tc;
    for (int i = 0; i < 200; ++i)
        tc.push_back(c.sample(logits.data(), {}));
    QVERIFY(tc != tb);
}

void TestSampler::topKOneIsGreedy() {
    SamplerOptions o;
    o.temperature = 5.0f;
    o.top_k = 1;
    Sampler s(o, 6);
    const float logits[6] = { 0.0f, 0.5f, 0.4f, 3.0f, 0.1f, 2.9f };
    for (int i = 0; i < 50; ++i)
        QCOMPARE(s.sample(logits, {}), 3);
}

void TestSampler::topPKeepsOnlyTheHead_data() {
    QTest::addColumn<float>("top_p");
    QTest::addColumn<int>("max_id");
    // probabilities at T=1 are about 0.64, 0.24, 0.09, 0.03 for ids 0..3
    QTest::newRow("0.5 keeps one") << 0.5f << 0;
    QTest::newRow("0.8 keeps two") << 0.8f << 1;
    QTest::newRow("0.95 keeps three") << 0.95f << 2;
}

void TestSampler::topPKeepsOnlyTheHead() {
    QFETCH(float, top_p);
    QFETCH(int, max_id);
    SamplerOptions o;
    o.temperature = 1.0f;
    o.top_k = 0;
    o.min_p = 0.0f;
    o.top_p = top_p;
    o.seed = 3;
    Sampler s(o, 4);
    const float logits[4] = { 3.0f, 2.0f, 1.0f, 0.0f };
    int seen_max = 0;
    for (int i = 0; i < 400; ++i)
        seen_max = std::max(seen_max, int(s.sample(logits, {})));
    QCOMPARE(seen_max, max_id);
}

void TestSampler::minPDropsTheTail() {
    SamplerOptions o;
    o.temperature = 1.0f;
    o.top_k = 0;
    o.top_p = 1.0f;
    o.min_p = 0.2f; // keeps ids whose p >= 0.2 * p(best): ids 0 and 1 (0.37 ratio), not 2 (0.135)
    o.seed = 9;
    Sampler s(o, 3);
    const float logits[3] = { 2.0f, 1.0f, 0.0f };
    bool saw1 = false;
    for (int i = 0; i < 400; ++i) {
        const int t = s.sample(logits, {});
        QVERIFY(t != 2);
        saw1 = saw1 || t == 1;
    }
    QVERIFY(saw1);
}

void TestSampler::repetitionPenaltyChangesArgmax() {
    SamplerOptions o;
    o.temperature = 0.0f;
    o.repeat_penalty = 2.0f;
    Sampler s(o, 3);
    const float logits[3] = { 2.0f, 1.5f, -1.0f };
    const std::vector<int32_t> history = { 0, 0, 2 };
    QCOMPARE(s.sample(logits, history), 1); // 2.0 / 2 = 1.0 < 1.5
    QCOMPARE(s.sample(logits, {}), 0);
}

void TestSampler::rejectsBadOptions_data() {
    QTest::addColumn<float>("temp");
    QTest::addColumn<float>("top_p");
    QTest::addColumn<float>("min_p");
    QTest::addColumn<float>("penalty");
    QTest::newRow("negative temperature") << -1.0f << 1.0f << 0.0f << 1.0f;
    QTest::newRow("top-p zero") << 1.0f << 0.0f << 0.0f << 1.0f;
    QTest::newRow("top-p above one") << 1.0f << 1.5f << 0.0f << 1.0f;
    QTest::newRow("min-p one") << 1.0f << 1.0f << 1.0f << 1.0f;
    QTest::newRow("zero penalty") << 1.0f << 1.0f << 0.0f << 0.0f;
}

void TestSampler::rejectsBadOptions() {
    QFETCH(float, temp);
    QFETCH(float, top_p);
    QFETCH(float, min_p);
    QFETCH(float, penalty);
    SamplerOptions o;
    o.temperature = temp;
    o.top_p = top_p;
    o.min_p = min_p;
    o.repeat_penalty = penalty;
    QVERIFY_THROWS_EXCEPTION(moe::Error, Sampler(o, 10));
}

QTEST_GUILESS_MAIN(TestSampler)
#include "tst_sampler.moc"
