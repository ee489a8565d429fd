// Run metrics, comparison and export against values worked out by hand:
// latency percentiles, routing agreement between two traces, the
// comparability check, the side-by-side table, CSV and JSON export, and
// JSON import (what a run kept after a failed save goes through).
#include "error.h"
#include "store/compare.h"
#include "store/export.h"
#include "store_child/synthetic_run.h"

#include <QtTest>

#include <cmath>
#include <sstream>

using namespace moe;

namespace {

// One layer... n layers, k = 2, weights 0.6/0.4, from rows of (layer 0 ids, layer 1 ids).
RoutingTrace two_layer_trace(const std::vector<std::array<int32_t, 4>>& rows, const std::vector<int32_t>& tokens) {
    RoutingTrace t;
    const float w[4] = { 0.6f, 0.4f, 0.7f, 0.3f };
    for (size_t i = 0; i < rows.size(); ++i) {
        RoutingFrame f { int32_t(i), tokens[i], 2, 2, rows[i].data(), w };
        t.on_routing(f);
    }
    return t;
}

RunRecord run_with(RoutingTrace t, std::vector<int32_t> prompt, int64_t id) {
    RunRecord r;
    r.id = id;
    r.model.content_hash = "aaaaaaaaaaaaaaaa";
    r.model.file_name = "m.gguf";
    r.model.n_experts = 8;
    r.prompt_ids = std::move(prompt);
    r.routing = std::move(t);
    return r;
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string l;
    while (std::getline(ss, l))
        out.push_back(l);
    return out;
}

} // namespace

class TestStoreCompare : public QObject {
    Q_OBJECT
private slots:
    void percentiles();
    void latencySummary();
    void agreementByHand();
    void agreementStopsAtDifferentTokens();
    void comparability();
    void compareTable();
    void csvExport();
    void jsonRoundTrip();
};

void TestStoreCompare::percentiles() {
    // sorted 1 2 3 4 10: p50 = 3; p99: h = 0.99 * 4 = 3.96 -> 4 + 0.96 * (10 - 4) = 9.76
    const std::vector<double> v = { 10, 1, 3, 2, 4 };
    QCOMPARE(percentile(v, 0.5), 3.0);
    QVERIFY(std::abs(percentile(v, 0.99) - 9.76) < 1e-12);
    QCOMPARE(percentile(v, 0.0), 1.0);
    QCOMPARE(percentile(v, 1.0), 10.0);
    // even count: p50 of 1 2 3 4 = 2.5
    QCOMPARE(percentile({ 4, 3, 2, 1 }, 0.5), 2.5);
    QCOMPARE(percentile({}, 0.5), 0.0);
    QCOMPARE(percentile({ 7 }, 0.99), 7.0);
}

void TestStoreCompare::latencySummary() {
    // token 0 holds the prefill and is left out: decode steps 20 30 10 40
    const LatencySummary s = latency_summary({ 500, 20, 30, 10, 40 }, 100, 400.0);
    QCOMPARE(s.p50_ms, 25.0); // between 20 and 30
    QVERIFY(std::abs(s.p99_ms - (30 + 0.97 * 10)) < 1e-12); // h = 2.97 over 10 20 30 40
    QCOMPARE(s.decode_tokens_per_s, 4.0 / 0.1); // 4 steps in 100 ms
    QCOMPARE(s.prefill_tokens_per_s, 250.0); // 100 tokens in 400 ms
    const LatencySummary one = latency_summary({ 12 }, 3, 0.0);
    QCOMPARE(one.p50_ms, 0.0);
    QCOMPARE(one.decode_tokens_per_s, 0.0);
}

void TestStoreCompare::agreementByHand() {
    // layer 0 (ids 0..1 of each row) and layer 1 (ids 2..3), 4 tokens, same tokens in both
    const std::vector<int32_t> toks = { 5, 6, 7, 8 };
    const RoutingTrace a = two_layer_trace({ { 0, 1, 2, 3 }, { 1, 2, 3, 4 }, { 0, 5, 6, 7 }, { 2, 3, 4, 5 } }, toks);
    const RoutingTrace b = two_layer_trace({ { 1, 0, 2, 3 }, { 1, 3, 3, 4 }, { 0, 5, 7, 6 }, { 2, 3, 5, 6 } }, toks);
    const RoutingAgreement g = routing_agreement(a, b);
    QCOMPARE(g.n_compared, size_t(4));
    QCOMPARE(g.first_token_difference, int64_t(-1));
    QCOMPARE(g.layers.size(), size_t(2));
    // layer 0: {0,1}={1,0} yes; {1,2} vs {1,3} no (overlap 1/2); {0,5} yes; {2,3} yes -> 3/4, first divergence 1
    QCOMPARE(g.layers[0].set_match, 0.75);
    QCOMPARE(g.layers[0].first_divergence, int64_t(1));
    QCOMPARE(g.layers[0].overlap, (1.0 + 0.5 + 1.0 + 1.0) / 4.0);
    // layer 1: {2,3} yes; {3,4} yes; {6,7}={7,6} yes; {4,5} vs {5,6} no -> 3/4, first divergence 3
    QCOMPARE(g.layers[1].set_match, 0.75);
    QCOMPARE(g.layers[1].first_divergence, int64_t(3));
    QCOMPARE(g.set_match, 6.0 / 8.0);
    QCOMPARE(g.first_divergence, int64_t(1));
    // a trace agrees with itself everywhere
    const RoutingAgreement self = routing_agreement(a, a);
    QCOMPARE(self.set_match, 1.0);
    QCOMPARE(self.first_divergence, int64_t(-1));
}

void TestStoreCompare::agreementStopsAtDifferentTokens() {
    // the runs generate different tokens from index 2: only the first two are compared
    const RoutingTrace a = two_layer_trace({ { 0, 1, 2, 3 }, { 0, 1, 2, 3 }, { 0, 1, 2, 3 } }, { 1, 2, 3 });
    const RoutingTrace b = two_layer_trace({ { 0, 1, 2, 3 }, { 0, 2, 2, 3 }, { 4, 5, 6, 7 } }, { 1, 2, 9 });
    const RoutingAgreement g = routing_agreement(a, b);
    QCOMPARE(g.n_compared, size_t(2));
    QCOMPARE(g.first_token_difference, int64_t(2));
    QCOMPARE(g.layers[0].set_match, 0.5);
    QCOMPARE(g.layers[1].set_match, 1.0); // token 2 (all different) is not counted
    QCOMPARE(g.layers[0].first_divergence, int64_t(1));
    QCOMPARE(g.layers[1].first_divergence, int64_t(-1));
}

void TestStoreCompare::comparability() {
    const RoutingTrace t = two_layer_trace({ { 0, 1, 2, 3 } }, { 1 });
    RunRecord a = run_with(t, { 1, 2, 3 }, 1);
    RunRecord b = a;
    b.id = 2;
    b.backend = "cuda"; // hardware and backend are what people compare: not a reason
    b.hardware.gpu_name = "H100";
    b.settings.n_threads = 3;
    QVERIFY(comparability_issues(a, b).empty());
    b.model.content_hash = "bbbbbbbbbbbbbbbb";
    b.prompt_ids = { 1, 2, 4 };
    b.settings.seed = 9;
    b.settings.temperature = 0.5f;
    const std::vector<std::string> why = comparability_issues(a, b);
    QCOMPARE(why.size(), size_t(3));
    QVERIFY(why[0].find("different model file") != std::string::npos);
    QVERIFY(why[1].find("different prompt") != std::string::npos);
    QVERIFY(why[2].find("different settings") != std::string::npos);
    QVERIFY(why[2].find("seed 0 vs 9") != std::string::npos);
    QVERIFY(why[2].find("temperature 0 vs 0.5") != std::string::npos);
    // same ids, different text: a different prompt
    RunRecord c = a;
    a.prompt_text = "hello";
    c.prompt_text = "world";
    QVERIFY(!same_prompt(a, c));
}

void TestStoreCompare::compareTable() {
    const std::vector<int32_t> toks = { 5, 6, 7, 8 };
    RunRecord a = run_with(
        two_layer_trace({ { 0, 1, 2, 3 }, { 1, 2, 3, 4 }, { 0, 5, 6, 7 }, { 2, 3, 4, 5 } }, toks), { 5, 6 }, 7);
    RunRecord b = run_with(
        two_layer_trace({ { 1, 0, 2, 3 }, { 1, 3, 3, 4 }, { 0, 5, 7, 6 }, { 2, 3, 5, 6 } }, toks), { 5, 6 }, 9);
    b.model.quant_mix = "Q4_K 100.0%";
    b.model.content_hash = "bbbbbbbbbbbbbbbb";
    b.figures.perplexity = 5.25;
    const RunComparison c = compare_runs({ a, b });
    QCOMPARE(c.ids, (std::vector<int64_t> { 7, 9 }));
    auto find = [&](const char* label) -> const CompareRow* {
        for (const CompareRow& r : c.rows) {
            if (r.label == label) return &r;
        }
        return nullptr;
    };
    QVERIFY(find("quant mix") && find("quant mix")->differs);
    QCOMPARE(find("quant mix")->values[1], std::string("Q4_K 100.0%"));
    QVERIFY(find("backend") && !find("backend")->differs);
    QVERIFY(find("perplexity") && find("perplexity")->differs);
    QCOMPARE(find("perplexity")->values[0], std::string(""));
    QCOMPARE(find("perplexity")->values[1], std::string("5.2500"));
    // a different model file: warned, and the routing of the same prompt still compared
    QCOMPARE(c.warnings.size(), size_t(1));
    QVERIFY(c.warnings[0].find("run 9 is not comparable with run 7: different model file") != std::string::npos);
    QCOMPARE(c.agreements.size(), size_t(1));
    QCOMPARE(c.agreements[0].agreement.set_match, 0.75);
    // a different prompt: no agreement (routing of different text means nothing)
    b.prompt_ids = { 5, 7 };
    QCOMPARE(compare_runs({ a, b }).agreements.size(), size_t(0));
    QVERIFY_THROWS_EXCEPTION(Error, compare_runs({ a }));
}

void TestStoreCompare::csvExport() {
    RunRecord r = run_with(two_layer_trace({ { 0, 1, 2, 3 }, { 1, 2, 3, 4 } }, { 5, 6 }), { 5 }, 3);
    r.output_ids = { 6, 9 };
    r.token_ms = { 12.5, 3.25 };
    r.model.name = "a, \"quoted\" name";
    std::ostringstream tokens, layers, routing, runs;
    write_csv(tokens, { r }, CsvTable::tokens);
    QCOMPARE(lines(tokens.str()),
        (std::vector<std::string> {
            "run_id,index,phase,token_id,ms", "3,0,prompt,5,", "3,0,output,6,12.5", "3,1,output,9,3.25" }));
    write_csv(layers, { r }, CsvTable::layers);
    const std::vector<std::string> l = lines(layers.str());
    QCOMPARE(l.size(), size_t(3));
    QVERIFY(l[0].rfind(
                "run_id,layer,imbalance,balance_efficiency,cv,normalised_entropy,coverage,routing_stability,load_e0", 0)
        == 0);
    // layer 0: experts {0,1} then {1,2} of 8: loads 1 2 1 0 0 0 0 0; imbalance = 2 / 0.5 = 4
    QVERIFY2(l[1].rfind("3,0,4,0.25,", 0) == 0, l[1].c_str());
    QVERIFY2(l[1].find(",1,2,1,0,0,0,0,0") != std::string::npos, l[1].c_str());
    write_csv(routing, { r }, CsvTable::routing);
    const std::vector<std::string> rt = lines(routing.str());
    QCOMPARE(rt.size(), size_t(1 + 2 * 2 * 2));
    QCOMPARE(rt[0], std::string("run_id,index,pos,token,layer,rank,expert,weight"));
    QCOMPARE(rt[1], std::string("3,0,0,5,0,0,0,0.6"));
    QCOMPARE(rt[4], std::string("3,0,0,5,1,1,3,0.3"));
    write_csv(runs, { r }, CsvTable::runs);
    const std::vector<std::string> rr = lines(runs.str());
    QCOMPARE(rr.size(), size_t(2));
    QVERIFY(rr[1].find("\"a, \"\"quoted\"\" name\"") != std::string::npos); // RFC 4180 quoting
    CsvTable t;
    QVERIFY(csv_table_from_name("layers", &t) && t == CsvTable::layers);
    QVERIFY(!csv_table_from_name("nope", &t));
}

void TestStoreCompare::jsonRoundTrip() {
    moe_test::SyntheticRouting o;
    o.n_tokens = 50;
    o.n_layers = 3;
    o.n_experts = 16;
    o.k = 4;
    RunRecord r = moe_test::synthetic_run(o, 10);
    r.id = 12;
    r.prompt_text = "text with \"quotes\" and ünïcödé";
    r.figures.bench = BenchFigures {};
    r.figures.bench->gen_tokens_per_s = { 41.5, 0.5 };
    r.figures.bench->repetitions = 2;
    const nlohmann::ordered_json j = runs_to_json({ r });
    QCOMPARE(j["runs"].size(), size_t(1));
    const auto& one = j["runs"][0];
    QCOMPARE(one["routing"]["n_tokens"].get<size_t>(), size_t(50));
    QCOMPARE(one["layers"].size(), size_t(3));
    QCOMPARE(one["layers"][0]["loads"].size(), size_t(16));
    QCOMPARE(one["figures"]["gen_tokens_per_s"]["mean"].get<double>(), 41.5);
    QCOMPARE(one["timings"]["token_ms"].size(), r.token_ms.size());
    // through text and back: every field, the trace exactly (JSON keeps float weights whole)
    const RunRecord back = run_from_json(nlohmann::ordered_json::parse(j["runs"][0].dump()));
    QCOMPARE(back.id, r.id);
    QCOMPARE(back.prompt_text, r.prompt_text);
    QCOMPARE(back.prompt_ids, r.prompt_ids);
    QCOMPARE(back.output_ids, r.output_ids);
    QCOMPARE(back.token_ms, r.token_ms);
    QCOMPARE(back.settings.seed, r.settings.seed);
    QCOMPARE(back.settings.repeat_penalty, r.settings.repeat_penalty);
    QCOMPARE(back.model.quant_mix, r.model.quant_mix);
    QCOMPARE(figures_to_json(back.figures), figures_to_json(r.figures));
    QCOMPARE(back.routing.size(), r.routing.size());
    for (size_t i = 0; i < r.routing.size(); ++i) {
        for (int l = 0; l < 3; ++l) {
            for (int k = 0; k < 4; ++k) {
                QCOMPARE(back.routing.ids(i, l)[k], r.routing.ids(i, l)[k]);
                QCOMPARE(back.routing.weights(i, l)[k], r.routing.weights(i, l)[k]);
            }
        }
    }
    // a broken file names the field
    nlohmann::ordered_json bad = j["runs"][0];
    bad["settings"].erase("seed");
    try {
        run_from_json(bad);
        QFAIL("a run without a seed was read");
    } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find("seed") != std::string::npos, e.what());
    }
}

QTEST_GUILESS_MAIN(TestStoreCompare)
#include "tst_store_compare.moc"
