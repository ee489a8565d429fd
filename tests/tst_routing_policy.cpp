// Routing policies (runtime/routing_policy.h): selection and renormalisation
// on hand-made router scores, the engine running them (the policy that
// reproduces the model's own top-k gives the same NLL bit for bit, masked
// experts never chosen, forced ones always), the metrics and statistics of
// traces with unused entries (-1), the run store keeping the policy, and the
// quality-versus-cost sweep on the bundled demo model.
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "run/chunked_score.h"
#include "run/runner.h"
#include "run/sweep.h"
#include "runtime/routing_policy.h"
#include "runtime/session.h"
#include "store/compare.h"
#include "store/store.h"
#include "telemetry/metrics.h"
#include "telemetry/routing_stats.h"

#include <fmt/format.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <numeric>

using namespace moe;

namespace {

// Softmax of l over the experts not in `masked`, as a reference written apart from the engine's.
std::vector<double> softmax_without(const std::vector<float>& l, const std::vector<int>& masked) {
    std::vector<double> p(l.size(), 0.0);
    double sum = 0.0;
    for (size_t e = 0; e < l.size(); ++e) {
        if (std::find(masked.begin(), masked.end(), int(e)) != masked.end()) continue;
        p[e] = std::exp(double(l[e]));
        sum += p[e];
    }
    for (double& v : p)
        v /= sum;
    return p;
}

struct Routed {
    std::vector<int32_t> ids;
    std::vector<float> w;
    int n = 0;
};

Routed route(
    const std::string& spec, std::vector<float> logits, int n_slots, bool norm, bool sigmoid = false, int layer = 0) {
    RoutingPolicy p = parse_routing_policy(spec);
    if (p.k_max == 0) p.k_max = n_slots;
    if (p.kind == RoutingPolicy::Kind::top_k && p.k == 0) p.k = 2;
    Routed r;
    r.ids.assign(size_t(n_slots), 99);
    r.w.assign(size_t(n_slots), 99.0f);
    r.n = route_with_policy(
        p, layer, logits.data(), int(logits.size()), sigmoid, norm, n_slots, r.ids.data(), r.w.data());
    return r;
}

// A trace of n_layers x k entries per token from rows given by hand.
RoutingTrace trace_of(const std::vector<std::vector<int32_t>>& rows, int k, std::vector<int32_t> tokens = {}) {
    RoutingTrace t;
    for (size_t i = 0; i < rows.size(); ++i) {
        std::vector<float> w(rows[i].size(), 0.5f);
        RoutingFrame f;
        f.pos = int32_t(i);
        f.token = tokens.empty() ? int32_t(i) : tokens[i];
        f.n_layers = int(rows[i].size()) / k;
        f.k = k;
        f.ids = rows[i].data();
        f.weights = w.data();
        t.on_routing(f);
    }
    return t;
}

} // namespace

class TestRoutingPolicy : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void parseAndPrint();
    void parseErrors_data();
    void parseErrors();
    void topKPicksTheLargest();
    void maskedExpertNeverChosenAndWeightsRenormalise();
    void forcedExpertAlwaysChosen();
    void topPBounds();
    void topPCountsByHand();
    void entropyFollowsTheRouter();
    void skipDropsSmallWeights();
    void sigmoidFamily();
    void ownTopKThroughThePolicyPathIsBitIdentical_data();
    void ownTopKThroughThePolicyPathIsBitIdentical();
    void engineNeverUsesAMaskedExpert();
    void policyChangesBetweenRuns();
    void metricsSkipUnusedEntries();
    void loadOverPositionByHand();
    void tokenAffinityAndDomainsByHand();
    void storeKeepsThePolicy();
    void parseSweep();
    void sweepOnTheDemoModel();
    void sweepCancelsWithinASetting_data();
    void sweepCancelsWithinASetting();
    void demoModelExpertsSpecialiseAsItsCardSays();

private:
    std::shared_ptr<Model> synth(const std::string& arch);
    QTemporaryDir m_dir;
};

void TestRoutingPolicy::initTestCase() {
    QVERIFY(m_dir.isValid());
}

std::shared_ptr<Model> TestRoutingPolicy::synth(const std::string& arch) {
    SynthOptions o;
    o.arch = arch;
    o.quant = GGML_TYPE_F32;
    o.seed = 5;
    const std::string path = m_dir.filePath(QString::fromStdString(arch + ".gguf")).toStdString();
    if (!QFile::exists(QString::fromStdString(path))) write_synthetic_model(o, path);
    return Model::load(path);
}

void TestRoutingPolicy::parseAndPrint() {
    const RoutingPolicy p = parse_routing_policy("top-p=0.8, min=1,max=4,skip=0.1,mask=3,mask=1:5,force=2,layer-k=2:3");
    QCOMPARE(int(p.kind), int(RoutingPolicy::Kind::top_p));
    QCOMPARE(p.p, 0.8);
    QCOMPARE(p.k_min, 1);
    QCOMPARE(p.k_max, 4);
    QCOMPARE(p.skip, 0.1);
    QCOMPARE(p.mask.size(), size_t(2));
    QCOMPARE(p.mask[1], (ExpertRef { 1, 5 }));
    QCOMPARE(p.force[0], (ExpertRef { -1, 2 }));
    QCOMPARE(p.layer_k, (std::vector<int> { 0, 0, 3 }));
    const std::string s = routing_policy_string(p);
    QCOMPARE(s, std::string("top-p=0.8,min=1,max=4,layer-k=2:3,skip=0.1,mask=3,mask=1:5,force=2"));
    QVERIFY(parse_routing_policy(s) == p);
    QCOMPARE(routing_policy_string(parse_routing_policy("")), std::string());
    QCOMPARE(routing_policy_string(parse_routing_policy("entropy,max=6")), std::string("entropy,min=1,max=6"));
    std::vector<ExpertRef> list;
    parse_expert_list("3, 1:5", list, "--mask");
    QCOMPARE(list, (std::vector<ExpertRef> { { -1, 3 }, { 1, 5 } }));
}

void TestRoutingPolicy::parseErrors_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown key") << "top-q=2"
                                 << "unknown key 'top-q'";
    QTest::newRow("two policies") << "top-k=2,top-p=0.5"
                                  << "second policy";
    QTest::newRow("no value") << "skip"
                              << "needs a value";
    QTest::newRow("not a number") << "top-p=x"
                                  << "takes a number";
    QTest::newRow("k 0") << "top-k=0"
                         << "at least 1";
    QTest::newRow("negative expert") << "mask=-1"
                                     << "names a negative layer or expert";
}

void TestRoutingPolicy::parseErrors() {
    QFETCH(QString, spec);
    QFETCH(QString, message);
    try {
        parse_routing_policy(spec.toStdString());
        QFAIL("accepted");
    } catch (const Error& e) {
        QVERIFY2(QString(e.what()).contains(message), e.what());
    }
    // and what only the model can refuse
    const std::shared_ptr<Model> m = synth("qwen3moe");
    const ModelConfig& c = m->config();
    const std::vector<std::pair<std::string, std::string>> bad = {
        { "top-k=99", "the model has" },
        { "top-p=1.5", "outside (0, 1]" },
        { "top-p=0.5,min=3,max=2", "above max" },
        { "skip=1", "outside [0, 1)" },
        { "mask=99", "names expert 99" },
        { "mask=1,force=1", "both masked and forced" },
        { "mask=40:1", "names layer 40" },
    };
    for (const auto& [s, msg] : bad) {
        try {
            resolve_routing_policy(parse_routing_policy(s), c, 0);
            QFAIL(s.c_str());
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(msg) != std::string::npos, e.what());
        }
    }
    std::string all;
    for (int e = 0; e < c.n_expert; ++e)
        all += fmt::format("{}mask={}", e ? "," : "", e);
    QVERIFY_THROWS_EXCEPTION(Error, resolve_routing_policy(parse_routing_policy(all), c, 0));
}

void TestRoutingPolicy::topKPicksTheLargest() {
    const std::vector<float> l = { 0.1f, 2.0f, -1.0f, 1.5f, 1.5f, 0.0f, -3.0f, 0.7f };
    const Routed r = route("top-k=3", l, 4, true);
    QCOMPARE(r.n, 3);
    // 1 (2.0), then the tie 3/4 (1.5): the lower id first; the fourth entry unused
    QCOMPARE(r.ids, (std::vector<int32_t> { 1, 3, 4, -1 }));
    QCOMPARE(r.w[3], 0.0f);
    const std::vector<double> p = softmax_without(l, {});
    const double s = p[1] + p[3] + p[4];
    QVERIFY(std::abs(r.w[0] - p[1] / s) < 1e-6);
    QVERIFY(std::abs(r.w[1] - p[3] / s) < 1e-6);
    // without renormalisation: the router's own probabilities
    const Routed raw = route("top-k=3", l, 3, false);
    QVERIFY(std::abs(raw.w[0] - p[1]) < 1e-6);
    QVERIFY(std::abs(raw.w[2] - p[4]) < 1e-6);
}

void TestRoutingPolicy::maskedExpertNeverChosenAndWeightsRenormalise() {
    const std::vector<float> l = { 0.1f, 2.0f, -1.0f, 1.5f, 1.2f, 0.0f, -3.0f, 0.7f };
    // masking the two best: the next two, with the softmax renormalised over the six left
    const Routed r = route("top-k=2,mask=1,mask=3", l, 2, false);
    QCOMPARE(r.ids, (std::vector<int32_t> { 4, 7 }));
    const std::vector<double> p = softmax_without(l, { 1, 3 });
    QVERIFY(std::abs(r.w[0] - p[4]) < 1e-6);
    QVERIFY(std::abs(r.w[1] - p[7]) < 1e-6);
    const Routed n = route("top-k=2,mask=1,mask=3", l, 2, true);
    QVERIFY(std::abs(n.w[0] + n.w[1] - 1.0f) < 1e-6);
    QVERIFY(std::abs(n.w[0] - p[4] / (p[4] + p[7])) < 1e-6);
    // a mask for another layer does not apply here; one for this layer does
    QCOMPARE(route("top-k=1,mask=2:1", l, 1, true, false, 0).ids[0], 1);
    QCOMPARE(route("top-k=1,mask=2:1", l, 1, true, false, 2).ids[0], 3);
    // whatever the scores, a masked expert never comes out
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<float> x(8);
        for (int e = 0; e < 8; ++e)
            x[size_t(e)] = float(std::sin(trial * 7.1 + e * 3.3) * 4.0);
        x[5] = 50.0f; // the router's favourite, masked
        const Routed m = route("top-p=0.99,min=1,max=8,mask=5", x, 8, true);
        QVERIFY(std::find(m.ids.begin(), m.ids.end(), 5) == m.ids.end());
    }
}

void TestRoutingPolicy::forcedExpertAlwaysChosen() {
    const std::vector<float> l = { 0.1f, 2.0f, -1.0f, 1.5f, 1.2f, 0.0f, -3.0f, 0.7f };
    const Routed r = route("top-k=2,force=6", l, 2, true);
    // the least likely expert takes one of the two places, after the best one (weights descending)
    QCOMPARE(r.ids, (std::vector<int32_t> { 1, 6 }));
    const std::vector<double> p = softmax_without(l, {});
    QVERIFY(std::abs(r.w[1] - p[6] / (p[1] + p[6])) < 1e-6);
    // forced experts are never skipped, and count towards k
    const Routed s = route("top-k=3,force=6,skip=0.2", l, 3, true);
    QVERIFY(std::find(s.ids.begin(), s.ids.end(), 6) != s.ids.end());
}

void TestRoutingPolicy::topPBounds() {
    const std::vector<float> l = { 0.1f, 2.0f, -1.0f, 1.5f, 1.2f, 0.0f, -3.0f, 0.7f };
    // p → 1: as many as max allows, the same experts as top-k at max
    const Routed all = route("top-p=1,min=1,max=5", l, 5, true);
    const Routed k5 = route("top-k=5", l, 5, true);
    QCOMPARE(all.n, 5);
    QCOMPARE(all.ids, k5.ids);
    QCOMPARE(all.w, k5.w);
    // tiny p: min
    QCOMPARE(route("top-p=1e-9,min=1,max=5", l, 5, true).n, 1);
    QCOMPARE(route("top-p=1e-9,min=3,max=5", l, 5, true).n, 3);
}

void TestRoutingPolicy::topPCountsByHand() {
    const std::vector<float> l = { 0.1f, 2.0f, -1.0f, 1.5f, 1.2f, 0.0f, -3.0f, 0.7f };
    std::vector<double> p = softmax_without(l, {});
    std::vector<double> sorted = p;
    std::sort(sorted.rbegin(), sorted.rend());
    for (double target : { 0.3, 0.5, 0.7, 0.9 }) {
        int n = 0;
        double cum = 0.0;
        while (cum < target)
            cum += sorted[size_t(n++)];
        const Routed r = route(fmt::format("top-p={},min=1,max=8", target), l, 8, true);
        QCOMPARE(r.n, n);
    }
}

void TestRoutingPolicy::entropyFollowsTheRouter() {
    // a flat router: entropy 1, k_max; a sharp one: entropy near 0, k_min
    QCOMPARE(route("entropy,min=1,max=6", std::vector<float>(8, 0.3f), 6, true).n, 6);
    std::vector<float> sharp(8, -20.0f);
    sharp[2] = 20.0f;
    QCOMPARE(route("entropy,min=2,max=6", sharp, 6, true).n, 2);
    // in between, by hand: k_min + round(H/ln 8 · (k_max − k_min))
    const std::vector<float> l = { 0.1f, 2.0f, -1.0f, 1.5f, 1.2f, 0.0f, -3.0f, 0.7f };
    const std::vector<double> p = softmax_without(l, {});
    double h = 0.0;
    for (double v : p)
        h -= v * std::log(v);
    const int want = 1 + int(std::lround(h / std::log(8.0) * 7.0));
    QCOMPARE(route("entropy,min=1,max=8", l, 8, true).n, want);
}

void TestRoutingPolicy::skipDropsSmallWeights() {
    const std::vector<float> l = { 0.1f, 2.0f, -1.0f, 1.5f, 1.2f, 0.0f, -3.0f, 0.7f };
    const std::vector<double> p = softmax_without(l, {});
    const double s = p[1] + p[3] + p[4] + p[7];
    // top-4 is 1, 3, 4, 7; renormalised: count those at or above the threshold (the first always stays)
    for (double t : { 0.05, 0.15, 0.25, 0.4, 0.9 }) {
        int want = 0;
        for (int e : { 1, 3, 4, 7 })
            want += int(p[size_t(e)] / s >= t || e == 1);
        const Routed r = route(fmt::format("top-k=4,skip={}", t), l, 4, true);
        QCOMPARE(r.n, want);
        float sum = 0.0f;
        for (int j = 0; j < r.n; ++j)
            sum += r.w[size_t(j)];
        QVERIFY(std::abs(sum - 1.0f) < 1e-6); // renormalised over the kept
    }
}

void TestRoutingPolicy::sigmoidFamily() {
    const std::vector<float> l = { 0.1f, 2.0f, -1.0f, 1.5f };
    const Routed r = route("top-k=2,mask=1", l, 2, false, true);
    QCOMPARE(r.ids, (std::vector<int32_t> { 3, 0 }));
    QVERIFY(std::abs(r.w[0] - 1.0 / (1.0 + std::exp(-1.5))) < 1e-6); // sigmoid, not renormalised
}

void TestRoutingPolicy::ownTopKThroughThePolicyPathIsBitIdentical_data() {
    QTest::addColumn<QString>("arch");
    QTest::newRow("qwen3moe (renormalised)") << "qwen3moe";
    QTest::newRow("qwen2moe (raw mass)") << "qwen2moe";
    QTest::newRow("olmoe") << "olmoe";
}

void TestRoutingPolicy::ownTopKThroughThePolicyPathIsBitIdentical() {
    QFETCH(QString, arch);
    const std::shared_ptr<Model> m = synth(arch.toStdString());
    const int k = m->config().n_expert_used;
    std::vector<int32_t> tokens(40);
    for (size_t i = 0; i < tokens.size(); ++i)
        tokens[i] = int32_t((i * 37 + 11) % size_t(m->config().n_vocab));
    auto score = [&](const std::string& spec, RoutingTrace* trace) {
        BackendOptions bo;
        bo.n_threads = 2;
        bo.max_batch = 16;
        bo.routing = parse_routing_policy(spec);
        Session s(m, make_backend(BackendKind::cpu, m, bo));
        s.set_routing_observer(trace);
        return s.score(tokens);
    };
    RoutingTrace own, via, fewer;
    const ScoreResult a = score("", &own);
    // top-p with p = 1 and max = the model's k runs the policy path and must choose what top-k chooses
    const ScoreResult b = score(fmt::format("top-p=1,min=1,max={}", k), &via);
    QCOMPARE(b.nll, a.nll); // bit for bit
    QCOMPARE(via.k(), own.k());
    for (size_t i = 0; i < own.size(); ++i)
        for (int l = 0; l < own.n_layers(); ++l)
            for (int j = 0; j < k; ++j) {
                QCOMPARE(via.ids(i, l)[j], own.ids(i, l)[j]);
                QCOMPARE(via.weights(i, l)[j], own.weights(i, l)[j]);
            }
    QCOMPARE(mean_experts_per_token(via), double(k));
    // fewer experts change the result and show in the trace
    const ScoreResult c = score("top-p=0.3,min=1", &fewer);
    QVERIFY(c.nll != a.nll);
    const double used = mean_experts_per_token(fewer);
    QVERIFY2(used >= 1.0 && used < double(k), qPrintable(QString::number(used)));
}

void TestRoutingPolicy::engineNeverUsesAMaskedExpert() {
    const std::shared_ptr<Model> m = synth("qwen3moe");
    BackendOptions bo;
    bo.n_threads = 2;
    bo.max_batch = 8;
    bo.routing = parse_routing_policy("top-k=2,mask=0,mask=1:3,force=1:5");
    Session s(m, make_backend(BackendKind::cpu, m, bo));
    RoutingTrace t;
    s.set_routing_observer(&t);
    std::vector<int32_t> tokens(30);
    for (size_t i = 0; i < tokens.size(); ++i)
        tokens[i] = int32_t((i * 13 + 3) % size_t(m->config().n_vocab));
    const ScoreResult r = s.score(tokens);
    QVERIFY(std::isfinite(r.perplexity));
    QCOMPARE(t.size(), tokens.size());
    for (size_t i = 0; i < t.size(); ++i)
        for (int l = 0; l < t.n_layers(); ++l) {
            const int32_t* ids = t.ids(i, l);
            const int32_t* end = ids + t.k();
            QVERIFY(std::find(ids, end, 0) == end);
            if (l == 1) {
                QVERIFY(std::find(ids, end, 3) == end);
                QVERIFY(std::find(ids, end, 5) != end);
            }
            QVERIFY(std::abs(t.weights(i, l)[0] + t.weights(i, l)[1] - 1.0f) < 1e-5);
        }
}

void TestRoutingPolicy::policyChangesBetweenRuns() {
    const std::shared_ptr<Model> m = synth("olmoe");
    BackendOptions bo;
    bo.n_threads = 2;
    auto b = make_backend(BackendKind::cpu, m, bo);
    const int k = m->config().n_expert_used;
    QCOMPARE(b->top_k(), k);
    b->set_routing(resolve_routing_policy(parse_routing_policy(fmt::format("top-k={}", k + 2)), m->config(), 0));
    QCOMPARE(b->top_k(), k + 2); // the buffers grew with it
    Session s(m, std::move(b));
    RoutingTrace t;
    s.set_routing_observer(&t);
    const std::vector<int32_t> tokens = { 1, 2, 3, 4, 5, 6 };
    s.score(tokens);
    QCOMPARE(mean_experts_per_token(t), double(k + 2));
    // weight bytes follow the experts used: one expert fewer in every layer, one expert's bytes fewer per layer
    std::vector<int32_t> row(t.ids(0, 0), t.ids(0, 0) + size_t(t.n_layers()) * size_t(t.k()));
    const uint64_t full = m->weight_bytes_read(row.data(), t.n_layers(), t.k());
    uint64_t less = 0;
    for (int l = 0; l < t.n_layers(); ++l) {
        less += m->expert_bytes(l, row[size_t(l) * size_t(t.k()) + size_t(t.k() - 1)]);
        row[size_t(l) * size_t(t.k()) + size_t(t.k() - 1)] = -1;
    }
    QCOMPARE(m->weight_bytes_read(row.data(), t.n_layers(), t.k()), full - less);
}

void TestRoutingPolicy::metricsSkipUnusedEntries() {
    // one layer, 4 experts, up to 2 entries: tokens use 2, 1, 2, 1 experts
    const RoutingTrace t = trace_of({ { 0, 1 }, { 2, -1 }, { 2, 3 }, { 2, -1 } }, 2);
    const LayerBalance b = layer_balance(t, 0, 4, 0, t.size(), true);
    QCOMPARE(b.counts, (std::vector<int64_t> { 1, 1, 3, 1 }));
    QCOMPARE(b.share[2], 0.5); // 3 of the 6 assignments
    QCOMPARE(b.imbalance, 3.0 / 1.5);
    // stability: |{}|/2, |{2}|/2, |{2}|/2 → (0 + 0.5 + 0.5) / 3
    QVERIFY(std::abs(b.stability - 1.0 / 3.0) < 1e-12);
    QCOMPARE(b.coactivation[2 * 4 + 3], int64_t(1));
    QCOMPARE(mean_experts_per_token(t), 1.5);
    // agreement: sets without the unused entries
    const RoutingTrace u = trace_of({ { 1, 0 }, { 2, -1 }, { 3, -1 }, { -1, 2 } }, 2);
    const RoutingAgreement a = routing_agreement(t, u);
    QCOMPARE(a.layers[0].set_match, 0.75);
    QVERIFY(std::abs(a.layers[0].overlap - (1.0 + 1.0 + 0.5 + 1.0) / 4.0) < 1e-12);
}

void TestRoutingPolicy::loadOverPositionByHand() {
    // 3 experts, top-1; tokens 0-3 all to expert 0, 4-7 all to expert 2, 8 to expert 1 (joins the last window)
    std::vector<std::vector<int32_t>> rows;
    for (int i = 0; i < 9; ++i)
        rows.push_back({ i < 4 ? 0 : i < 8 ? 2 : 1 });
    const RoutingTrace t = trace_of(rows, 1);
    const LoadOverPosition lp = load_over_position(t, 0, 3, 4);
    QCOMPARE(lp.windows.size(), size_t(2));
    QCOMPARE(lp.windows[1].end, size_t(9));
    QCOMPARE(lp.whole, (std::vector<double> { 4.0 / 9, 1.0 / 9, 4.0 / 9 }));
    QCOMPARE(lp.windows[0].share, (std::vector<double> { 1.0, 0.0, 0.0 }));
    QCOMPARE(lp.windows[0].top_expert, 0);
    QCOMPARE(lp.windows[1].top_expert, 2);
    QCOMPARE(lp.windows[1].top_share, 0.8);
    QCOMPARE(lp.windows[0].imbalance, 3.0);
    // JS by hand: P = (1, 0, 0), M = ((1 + 4/9)/2, 1/18, 2/9)
    const double m0 = (1.0 + 4.0 / 9) / 2, m1 = 1.0 / 18, m2 = 2.0 / 9;
    const double js0 = 0.5 * std::log(1.0 / m0)
        + 0.5
            * (4.0 / 9 * std::log(4.0 / 9 / m0) + 1.0 / 9 * std::log(1.0 / 9 / m1) + 4.0 / 9 * std::log(4.0 / 9 / m2));
    QVERIFY(std::abs(lp.windows[0].drift - js0) < 1e-12);
    QCOMPARE(lp.max_drift_window, lp.windows[0].drift >= lp.windows[1].drift ? size_t(0) : size_t(1));
    QVERIFY(std::abs(lp.mean_drift - (lp.windows[0].drift + lp.windows[1].drift) / 2) < 1e-15);
    QCOMPARE(js_divergence(std::vector<double> { 1, 0 }, std::vector<double> { 0, 1 }), std::log(2.0));
    QCOMPARE(js_divergence(std::vector<double> { 2, 2 }, std::vector<double> { 1, 1 }), 0.0);
    QVERIFY_THROWS_EXCEPTION(Error, load_over_position(t, 0, 3, 0));
}

void TestRoutingPolicy::tokenAffinityAndDomainsByHand() {
    // token 7 always to expert 1; token 8 to expert 1 once in three; token 9 seen once
    const RoutingTrace t = trace_of({ { 1 }, { 0 }, { 1 }, { 2 }, { 1 }, { 2 }, { 1 } }, 1, { 7, 8, 7, 8, 8, 9, 7 });
    const auto aff = expert_token_affinity(t, 0, 3, 5, 2);
    QCOMPARE(aff[1].size(), size_t(2));
    QCOMPARE(aff[1][0].token, 7);
    QCOMPARE(aff[1][0].specialisation, 1.0);
    QCOMPARE(aff[1][1].token, 8);
    QCOMPARE(aff[1][1].routed, int64_t(1));
    QCOMPARE(aff[1][1].seen, int64_t(3));
    QVERIFY(aff[2].size() == 1 && aff[2][0].token == 8); // token 9 (seen once) is left out
    const RoutingTrace code = trace_of({ { 0 }, { 0 }, { 1 } }, 1), prose = trace_of({ { 2 }, { 1 }, { 2 } }, 1);
    const std::vector<std::string> names = { "code", "prose" };
    const std::vector<const RoutingTrace*> traces = { &code, &prose };
    const DomainLoad d = domain_load(names, traces, 0, 3);
    QCOMPARE(d.share[0], (std::vector<double> { 2.0 / 3, 1.0 / 3, 0.0 }));
    QCOMPARE(d.most_specific, (std::vector<int> { 0, 2 }));
}

void TestRoutingPolicy::storeKeepsThePolicy() {
    RunRecord r;
    r.kind = RunKind::score;
    r.created_at = utc_now_iso8601();
    r.settings.routing_policy = "top-p=0.8,min=1,max=2,mask=3";
    r.figures.experts_per_token = 1.375;
    r.figures.perplexity = 5.0;
    r.routing = trace_of({ { 0, 1 }, { 2, -1 } }, 2);
    const std::string path = m_dir.filePath("runs.sqlite").toStdString();
    RunStore store(path);
    const int64_t id = store.save(r);
    const RunRecord back = store.load(id);
    QCOMPARE(back.settings.routing_policy, r.settings.routing_policy);
    QCOMPARE(back.figures.experts_per_token, 1.375);
    QCOMPARE(back.routing.ids(1, 0)[1], -1);
    QCOMPARE(store.layer_balances(id).size(), size_t(1));
    RunRecord other = back;
    other.settings.routing_policy.clear();
    bool warned = false;
    for (const std::string& w : comparability_issues(back, other))
        warned = warned || w.find("routing policy 'top-p=0.8,min=1,max=2,mask=3' vs the model's") != std::string::npos;
    QVERIFY(warned);
}

void TestRoutingPolicy::parseSweep() {
    std::vector<SweepSetting> s = parse_sweep("top-k=1..4");
    QCOMPARE(s.size(), size_t(4));
    QCOMPARE(s[3].policy.k, 4);
    s = parse_sweep("top-p=0.5:0.95:0.05");
    QCOMPARE(s.size(), size_t(10));
    QCOMPARE(s[9].policy.p, 0.95);
    QCOMPARE(s[0].family, std::string("top-p"));
    s = parse_sweep("top-p=0.5:0.7:0.1,max=4,mask=2");
    QCOMPARE(s.size(), size_t(3));
    QCOMPARE(s[2].policy.k_max, 4);
    QCOMPARE(s[2].policy.mask.size(), size_t(1));
    s = parse_sweep("entropy=2..3");
    QCOMPARE(s[1].policy.k_max, 3);
    QCOMPARE(int(s[1].policy.kind), int(RoutingPolicy::Kind::entropy));
    s = parse_sweep("skip=0.1:0.2:0.1");
    QCOMPARE(s.size(), size_t(2));
    QCOMPARE(s[1].policy.skip, 0.2);
    s = parse_sweep("top-k=1,2,4");
    QCOMPARE(s.size(), size_t(3));
    QCOMPARE(s[2].policy.k, 4);
    s = parse_sweep("top-p=0.8,min=2");
    QCOMPARE(s.size(), size_t(1));
    QCOMPARE(s[0].policy.k_min, 2);
    QVERIFY_THROWS_EXCEPTION(Error, parse_sweep("top-k=4..1"));
    QVERIFY_THROWS_EXCEPTION(Error, parse_sweep("top-p=0.9:0.5:0.1"));
}

void TestRoutingPolicy::sweepOnTheDemoModel() {
    LoadRequest lr;
    lr.path = MOE_DEMO_MODEL;
    lr.backend = BackendKind::cpu;
    lr.options.n_threads = 2;
    std::unique_ptr<Runner> runner = Runner::load(lr);
    QVERIFY(runner);
    QCOMPARE(runner->model().config().n_expert_used, 2);
    const std::string text = "ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east, and Juliet "
                             "is the sun.\nArise, fair sun, and kill the envious moon,\n";
    ScoreRequest own;
    own.text.text = text;
    const RunOutcome plain = runner->score(own);
    SweepRequest req;
    req.text.text = text;
    req.settings = parse_sweep("top-k=1..4");
    for (SweepSetting& s : parse_sweep("top-p=0.5:0.9:0.2"))
        req.settings.push_back(s);
    req.decode_tokens = 8;
    int recorded = 0;
    SweepCallbacks cb;
    cb.on_record = [&](const RunRecord& r) {
        ++recorded;
        return int64_t(recorded);
    };
    const SweepResult res = run_sweep(*runner, req, cb);
    QCOMPARE(res.points.size(), size_t(8));
    QCOMPARE(recorded, 8);
    const SweepPoint& base = res.points[0];
    QVERIFY(base.baseline);
    // the sweep's NLL at the model's own routing is moe-cli score's, per position
    QCOMPARE(base.nll, plain.record.figures.nll);
    QCOMPARE(base.kl, 0.0);
    // top-k=2 is the model's own: the same numbers
    const SweepPoint& k2 = res.points[2];
    QCOMPARE(k2.nll, base.nll);
    QCOMPARE(k2.kl, 0.0);
    QCOMPARE(k2.top1_agreement, 1.0);
    // fewer experts than trained cost perplexity, more read more bytes
    const SweepPoint& k1 = res.points[1];
    QVERIFY2(k1.perplexity > base.perplexity, qPrintable(QString("%1 vs %2").arg(k1.perplexity).arg(base.perplexity)));
    QVERIFY(k1.kl > 0.0);
    QCOMPARE(k1.experts_per_token, 1.0);
    for (int i = 1; i < 4; ++i) {
        QCOMPARE(res.points[size_t(i)].experts_per_token, double(i));
        QVERIFY(res.points[size_t(i + 1)].weight_bytes_per_token > res.points[size_t(i)].weight_bytes_per_token);
    }
    for (const SweepPoint& p : res.points)
        QVERIFY(p.decode_tokens_per_s > 0.0);
    // top-p's mean experts per token lie between 1 and 2 (max is the model's k)
    QVERIFY(res.points[5].experts_per_token >= 1.0 && res.points[5].experts_per_token <= 2.0);
    // Pareto: nothing dominates a marked point; the cheapest point is always on the front
    QVERIFY(k1.pareto);
    // the runner is back on its own routing
    QCOMPARE(runner->score(own).record.figures.nll, plain.record.figures.nll);
    QVERIFY(runner->context().routing_policy.empty());
    // JSON and CSV carry every point
    QCOMPARE(sweep_to_json(res)["points"].size(), size_t(8));
    const std::string csv = sweep_to_csv(res);
    QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), 9L);
    // cancel as a setting starts: it stops within its first batch and is discarded
    std::atomic<bool> stop { false };
    SweepCallbacks cc;
    cc.on_progress = [&](int i, int, const std::string&) {
        if (i == 2) stop = true;
        return true;
    };
    cc.cancel = &stop;
    const SweepResult part = run_sweep(*runner, req, cc);
    QVERIFY(part.cancelled);
    QCOMPARE(part.points.size(), size_t(2));
    QCOMPARE(part.discarded, std::string("top-k=2"));
    QVERIFY(part.discarded_tokens <= runner->backend().max_batch());
    // cancel between settings (the progress callback says no): the finished ones kept, none discarded
    SweepCallbacks cp;
    cp.on_progress = [&](int i, int, const std::string&) { return i < 3; };
    const SweepResult three = run_sweep(*runner, req, cp);
    QVERIFY(three.cancelled);
    QCOMPARE(three.points.size(), size_t(3));
    QVERIFY(three.discarded.empty());
}

void TestRoutingPolicy::sweepCancelsWithinASetting_data() {
    QTest::addColumn<bool>("throughRunner"); // Runner::cancel (Ctrl+C in moe-cli) or the sweep's flag (Cancel)
    QTest::newRow("sweep flag") << false;
    QTest::newRow("Runner::cancel") << true;
}

void TestRoutingPolicy::sweepCancelsWithinASetting() {
    // A cancel in the middle of a setting stops it within one batch of
    // tokens (counted, not timed): the finished settings are kept, the one
    // cut short is discarded, named and not recorded.
    QFETCH(bool, throughRunner);
    constexpr int kBatch = 8;
    LoadRequest lr;
    lr.path = MOE_DEMO_MODEL;
    lr.backend = BackendKind::cpu;
    lr.options.n_threads = 2;
    lr.options.max_batch = kBatch;
    std::unique_ptr<Runner> runner = Runner::load(lr);
    QVERIFY(runner);
    std::string text;
    while (text.size() < 700) // three windows of the demo model's 256-byte context
        text += "ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east, and Juliet is the sun.\n";
    struct Counter : RoutingObserver {
        size_t frames = 0;
        std::function<void()> after;
        void on_routing(const RoutingFrame&) override {
            ++frames;
            if (after) after();
        }
    } counter;
    std::atomic<bool> stop { false };
    int setting = -1;
    size_t setting_start = 0, at_cancel = 0;
    constexpr size_t kCancelAt = 300; // tokens into the setting: the second window, mid-batch (300 % 8 = 4)
    SweepCallbacks cb;
    cb.routing = &counter;
    cb.cancel = &stop;
    cb.on_progress = [&](int i, int, const std::string&) {
        setting = i;
        setting_start = counter.frames;
        return true;
    };
    int recorded = 0;
    cb.on_record = [&](const RunRecord&) { return int64_t(++recorded); };
    counter.after = [&] {
        if (setting != 2 || at_cancel || counter.frames - setting_start != kCancelAt) return;
        at_cancel = counter.frames;
        if (throughRunner)
            runner->cancel();
        else
            stop = true;
    };
    SweepRequest req;
    req.text.text = text;
    req.settings = parse_sweep("top-k=1..3");
    req.decode_tokens = 4;
    req.spec = "top-k=1..3";
    const SweepResult res = run_sweep(*runner, req, cb);
    QVERIFY(at_cancel > 0);
    QVERIFY(res.cancelled);
    // after the cancel, at most the rest of the batch in flight
    const size_t after = counter.frames - at_cancel;
    QVERIFY2(after < size_t(kBatch), qPrintable(QString("%1 tokens after the cancel").arg(after)));
    qInfo("%zu tokens processed after the cancel (batches of %d)", after, kBatch);
    // the model's own routing and top-k=1 kept, top-k=2 discarded and said so
    QCOMPARE(res.points.size(), size_t(2));
    QCOMPARE(recorded, 2);
    QCOMPARE(res.discarded, std::string("top-k=2"));
    QCOMPARE(size_t(res.discarded_tokens), kCancelAt + after);
    QVERIFY(res.discarded_tokens < res.n_tokens);
    QVERIFY(sweep_cancel_text(res).find("top-k=2 after") != std::string::npos);
    QCOMPARE(sweep_to_json(res)["discarded"]["setting"].get<std::string>(), std::string("top-k=2"));
    // the runner takes the next run as usual, on its own routing
    ScoreRequest own;
    own.text.text = text.substr(0, 200);
    const RunOutcome next = runner->score(own);
    QCOMPARE(int(next.record.status), int(RunStatus::complete));
    QVERIFY(runner->context().routing_policy.empty());
}

void TestRoutingPolicy::demoModelExpertsSpecialiseAsItsCardSays() {
    // The model card (resources/models/MODEL_CARD.md) names experts for spaces and newlines,
    // punctuation and capitals; on its held-out excerpt they must come out on top for those bytes.
    LoadRequest lr;
    lr.path = MOE_DEMO_MODEL;
    lr.backend = BackendKind::cpu;
    lr.options.n_threads = 2;
    std::unique_ptr<Runner> runner = Runner::load(lr);
    QFile f(QFileInfo(QStringLiteral(MOE_DEMO_MODEL)).dir().filePath(QStringLiteral("heldout-excerpt.txt")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    ScoreRequest req;
    req.text.text = f.readAll().toStdString();
    const RoutingTrace t = score_chunked(*runner, req).record.routing;
    QVERIFY(t.size() > 16000); // in windows of the 256-byte context
    // an expert of `layer` that takes at least 90 % of the occurrences of every byte in `bytes`
    auto specialist = [&](int layer, const std::string& bytes) {
        const auto aff = expert_token_affinity(t, layer, 8, 256, 5);
        for (size_t e = 0; e < aff.size(); ++e) {
            bool all = true;
            for (char c : bytes) {
                const auto it = std::find_if(aff[e].begin(), aff[e].end(),
                    [&](const TokenAffinity& a) { return a.token == int32_t(uint8_t(c)); });
                all = all && it != aff[e].end() && it->specialisation >= 0.9;
            }
            if (all) return int(e);
        }
        return -1;
    };
    QVERIFY2(specialist(0, " ") >= 0, "no space expert in layer 0");
    QVERIFY2(specialist(1, "\n") >= 0, "no newline expert in layer 1");
    QVERIFY2(specialist(1, ",.;?!") >= 0, "no punctuation expert in layer 1");
    QVERIFY2(specialist(1, "ITOE") >= 0, "no capitals expert in layer 1");
    // and a made-up byte class nothing specialises in fails the same check
    QCOMPARE(specialist(1, " ,a\n"), -1);
}

QTEST_GUILESS_MAIN(TestRoutingPolicy)
#include "tst_routing_policy.moc"
