// Load-balance metrics against values computed by hand.
#include "telemetry/metrics.h"

#include "error.h"

#include <QtTest>

#include <array>
#include <cmath>

using namespace moe;

namespace {

// A trace of one layer, top-2, from rows of expert ids.
RoutingTrace trace_of(const std::vector<std::array<int32_t, 2>>& rows) {
    RoutingTrace t;
    int pos = 0;
    for (const auto& r : rows) {
        const float w[2] = { 0.6f, 0.4f };
        RoutingFrame f;
        f.pos = pos++;
        f.token = 0;
        f.n_layers = 1;
        f.k = 2;
        f.ids = r.data();
        f.weights = w;
        t.on_routing(f);
    }
    return t;
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT
private slots:
    void handComputed();
    void perfectBalance();
    void window();
    void errors();
};

void TestMetrics::handComputed() {
    // 4 experts, 3 tokens: {0,1} {0,2} {0,1} -> c = [3, 2, 1, 0], kT = 6, mean 1.5
    RoutingTrace t = trace_of({ { 0, 1 }, { 0, 2 }, { 0, 1 } });
    LayerBalance b = layer_balance(t, 0, 4, 0, t.size());
    QCOMPARE(b.counts, (std::vector<int64_t> { 3, 2, 1, 0 }));
    QCOMPARE(b.share[0], 0.5);
    QCOMPARE(b.imbalance, 2.0); // 3 / 1.5
    QCOMPARE(b.efficiency, 0.5); // 1.5 / 3
    // population std of [3,2,1,0] = sqrt(1.25)
    QVERIFY(std::abs(b.cv - std::sqrt(1.25) / 1.5) < 1e-12);
    // H = -(1/2 ln 1/2 + 1/3 ln 1/3 + 1/6 ln 1/6), over ln 4
    const double h = -(0.5 * std::log(0.5) + (1.0 / 3) * std::log(1.0 / 3) + (1.0 / 6) * std::log(1.0 / 6));
    QVERIFY(std::abs(b.entropy - h / std::log(4.0)) < 1e-12);
    QCOMPARE(b.coverage, 0.75);
    // overlaps: {0,2}∩{0,1} = 1 -> 1/2; {0,1}∩{0,2} = 1 -> 1/2; mean 0.5
    QCOMPARE(b.stability, 0.5);
    // co-activation: 0&1 twice, 0&2 once; diagonal = counts
    QCOMPARE(b.coactivation[0 * 4 + 1], int64_t(2));
    QCOMPARE(b.coactivation[1 * 4 + 0], int64_t(2));
    QCOMPARE(b.coactivation[0 * 4 + 2], int64_t(1));
    QCOMPARE(b.coactivation[1 * 4 + 2], int64_t(0));
    QCOMPARE(b.coactivation[0 * 4 + 0], int64_t(3));
}

void TestMetrics::perfectBalance() {
    RoutingTrace t = trace_of({ { 0, 1 }, { 2, 3 }, { 1, 0 }, { 3, 2 } });
    LayerBalance b = layer_balance(t, 0, 4, 0, t.size());
    QCOMPARE(b.imbalance, 1.0);
    QCOMPARE(b.efficiency, 1.0);
    QCOMPARE(b.cv, 0.0);
    QVERIFY(std::abs(b.entropy - 1.0) < 1e-12);
    QCOMPARE(b.coverage, 1.0);
    QCOMPARE(b.stability, 0.0); // no two consecutive tokens share an expert
}

void TestMetrics::window() {
    RoutingTrace t = trace_of({ { 0, 1 }, { 2, 3 }, { 2, 3 }, { 2, 3 } });
    LayerBalance b = layer_balance(t, 0, 4, 1, 4); // last three tokens only
    QCOMPARE(b.counts, (std::vector<int64_t> { 0, 0, 3, 3 }));
    QCOMPARE(b.stability, 1.0);
    QCOMPARE(b.coverage, 0.5);
    LayerBalance empty = layer_balance(t, 0, 4, 4, 4);
    QCOMPARE(empty.imbalance, 0.0);
}

void TestMetrics::errors() {
    RoutingTrace t = trace_of({ { 0, 5 } });
    QVERIFY_THROWS_EXCEPTION(moe::Error, layer_balance(t, 0, 4, 0, 1)); // expert 5 of 4
    QVERIFY_THROWS_EXCEPTION(moe::Error, layer_balance(t, 3, 8, 0, 1)); // no layer 3
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
