// The what-if maths (engine/whatif) against hand computations: the device
// catalogue and its validation, projections (fit, bandwidth scaling, the
// compute-bound batch, cost), the expert cache simulator on a trace whose
// hit rates are worked out by hand, the offload plan and its llama.cpp
// export, and energy counters that are absent or unreadable.
#include "error.h"
#include "store/run.h"
#include "telemetry/energy.h"
#include "whatif/cache_sim.h"
#include "whatif/catalog.h"
#include "whatif/footprint.h"
#include "whatif/offload.h"
#include "whatif/projection.h"
#include "whatif/report.h"

#include "whatif_fixtures.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace moe;

namespace {

// A trace of `tokens` (each a list per layer of k ids).
RoutingTrace make_trace(const std::vector<std::vector<std::vector<int32_t>>>& tokens) {
    RoutingTrace t;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const int L = int(tokens[i].size()), k = int(tokens[i][0].size());
        std::vector<int32_t> ids;
        std::vector<float> w;
        for (const auto& layer : tokens[i])
            for (int32_t e : layer) {
                ids.push_back(e);
                w.push_back(1.0f / float(k));
            }
        RoutingFrame f;
        f.pos = int32_t(i);
        f.n_layers = L;
        f.k = k;
        f.ids = ids.data();
        f.weights = w.data();
        t.on_routing(f);
    }
    return t;
}

// A made-up footprint: `layers` MoE layers of `experts` experts of `eb` bytes.
ModelFootprint made_up(int layers, int experts, int k, uint64_t eb, uint64_t dense, uint64_t resident_extra) {
    ModelFootprint f;
    f.source = "made up";
    f.n_experts = experts;
    f.k = k;
    f.expert_bytes.assign(size_t(layers), eb);
    for (int l = 0; l < layers; ++l)
        f.blocks.push_back(l);
    f.dense_bytes_per_token = dense;
    f.weight_bytes = dense + resident_extra + uint64_t(layers) * uint64_t(experts) * eb;
    f.total_params = f.weight_bytes;
    f.active_params = dense + uint64_t(layers * k) * eb;
    f.kv_f32_bytes_per_position = 0;
    return f;
}

DeviceSpec device(double memory_gb, double bandwidth_gb_s, double bf16_tflops, double price = 0, double power = 0) {
    DeviceSpec d;
    d.name = "test device";
    d.kind = "datacenter";
    d.status = "shipping";
    d.year = 2025;
    d.memory_gb = memory_gb;
    d.bandwidth_gb_s = bandwidth_gb_s;
    d.bf16_tflops = bf16_tflops;
    d.price_per_hour = price;
    d.power_w = power;
    d.source = "https://example.org";
    d.source_date = "2026-01";
    return d;
}

// A basis for a dense model of `bytes` weights read per token at `eff`.
RunBasis dense_basis(double bytes, double eff) {
    RunBasis b;
    b.bytes_per_token = bytes;
    b.flops_per_token = 2 * bytes;
    b.efficiency = eff;
    b.footprint.weight_bytes = uint64_t(bytes);
    b.footprint.total_params = uint64_t(bytes);
    b.footprint.active_params = uint64_t(bytes);
    b.memory_needed = uint64_t(bytes);
    return b;
}

void write_file(const QString& path, const QByteArray& data) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

} // namespace

class TestWhatif : public QObject {
    Q_OBJECT
private slots:
    // ---- catalogue ----
    void builtinCatalogueLoadsWithEveryAskedForDevice() {
        const std::vector<DeviceSpec> cat = merge_catalog({}, "none");
        QVERIFY(cat.size() >= 14);
        for (const char* name : { "H100 SXM", "H200 SXM", "B200", "B300", "Rubin", "MI300X", "MI355X", "MI455X",
                 "RTX 4090", "RTX 5090", "RTX PRO 6000", "Apple M3 Ultra", "Apple M4 Max", "DDR5 desktop" })
            QCOMPARE(QString::fromStdString(find_device(cat, name).name), QString::fromLatin1(name));
        QVERIFY(find_device(cat, "Rubin").announced());
        QVERIFY(find_device(cat, "MI455X").announced());
        QVERIFY(!find_device(cat, "H100 SXM").announced());
        for (const DeviceSpec& d : cat) {
            QVERIFY2(d.source.rfind("https://", 0) == 0, d.name.c_str());
            QVERIFY(d.bandwidth_gb_s > 0 && d.memory_gb > 0);
        }
        QCOMPARE(find_device(cat, "h200").bandwidth_gb_s, 4800.0); // case and prefix
        QVERIFY_THROWS_EXCEPTION(Error, find_device(cat, "RTX")); // 3 devices start so
        QVERIFY_THROWS_EXCEPTION(Error, find_device(cat, "TPU v9"));
    }
    void userFileOverridesAPriceAndAddsADevice() {
        const std::string user = k_fixture[0];
        const std::vector<DeviceSpec> cat = merge_catalog(user, "user.json");
        const DeviceSpec& h = find_device(cat, "H100 SXM");
        QCOMPARE(h.price_per_hour, 1.25);
        QCOMPARE(h.bandwidth_gb_s, 3350.0); // the rest stays the catalogue's
        QCOMPARE(h.name, std::string("H100 SXM"));
        QCOMPARE(find_device(cat, "My box").bandwidth_gb_s, 60.0);
        QCOMPARE(cat.size(), merge_catalog({}, "none").size() + 1);
    }
    void brokenUserFileNamesTheEntry_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString ok = QString::fromUtf8(k_fixture[1]);
        QTest::newRow("negative bandwidth")
            << QString::fromUtf8(k_fixture[2]).arg(ok)
            << QStringLiteral("user.json: device 2 (\"My GPU\"): 'bandwidth_gb_s' must be at least 1");
        QTest::newRow("TB/s typed as GB/s")
            << QString::fromUtf8(k_fixture[3]).arg(ok)
            << QStringLiteral("device 1 (\"Fast\"): 'bandwidth_gb_s' must be at least 1 and at most 200000 GB/s");
        QTest::newRow("typo in a field") << QString::fromUtf8(k_fixture[4]).arg(ok)
                                         << QStringLiteral("device 1 (\"Typo\"): unknown field 'bandwith_gb_s'");
        QTest::newRow("no source") << QString::fromUtf8(k_fixture[5])
                                   << QStringLiteral("device 1 (\"Nosrc\"): 'source' must be the URL");
        QTest::newRow("wrong type") << QString::fromUtf8(k_fixture[6]).arg(ok)
                                    << QStringLiteral("device 1 (\"Str\"): 'bandwidth_gb_s' must be a number (GB/s)");
        QTest::newRow("bad status")
            << QString::fromUtf8(k_fixture[7])
                   .arg(QString(ok).replace(QStringLiteral("shipping"), QStringLiteral("rumoured")))
            << QStringLiteral("device 1 (\"Soon\"): 'status' must be shipping or announced, not 'rumoured'");
        QTest::newRow("not json") << QStringLiteral("{\"devices\": [") << QStringLiteral("user.json: not valid JSON");
        QTest::newRow("no list") << QStringLiteral("{\"gpus\": []}")
                                 << QStringLiteral("user.json: expected an object with a 'devices' list");
        QTest::newRow("twice") << QString::fromUtf8(k_fixture[8])
                               << QStringLiteral("device 2 (\"b200\"): a second device named");
        QTest::newRow("override out of range") << QString::fromUtf8(
            k_fixture[9]) << QStringLiteral("device 1 (\"B300\"): 'price_per_hour' must be at least 0");
    }
    void brokenUserFileNamesTheEntry() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        try {
            merge_catalog(text.toStdString(), "user.json");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
        }
    }
    void loadCatalogReadsTheUserFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("devices.json"));
        write_file(path, k_fixture[10]);
        const auto cat = load_catalog(path.toStdString());
        QCOMPARE(find_device(cat, "RTX 4090").price_per_hour, 0.4);
        QCOMPARE(find_device(cat, "RTX 4090").origin, path.toStdString());
        write_file(path, k_fixture[11]);
        try {
            load_catalog(path.toStdString());
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(
                QString::fromUtf8(e.what()).contains(path + QStringLiteral(": device 1 (\"RTX 4090\")")), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, load_catalog(dir.filePath(QStringLiteral("missing.json")).toStdString()));
    }

    // ---- projection ----
    void twiceTheBandwidthTwiceTheSpeed() {
        const RunBasis b = dense_basis(3e9, 0.37);
        ProjectionOptions o;
        const DeviceProjection one = project(b, device(80, 1234.5, 500), o);
        const DeviceProjection two = project(b, device(80, 2 * 1234.5, 500), o);
        QVERIFY(one.decode_tokens_per_s > 0);
        QCOMPARE(two.decode_tokens_per_s, 2 * one.decode_tokens_per_s); // exact: scaling by 2 is exact
        QCOMPARE(one.decode_tokens_per_s, 0.37 * 1234.5e9 / 3e9);
        o.efficiency = 0.5;
        QCOMPARE(project(b, device(80, 1000, 500), o).decode_tokens_per_s_user, 0.5 * 1000e9 / 3e9);
    }
    void theRunsOwnMachineGivesTheMeasuredSpeed() {
        // a run that reached 40 GB/s of a measured 100 GB/s at 2 GB per token: 20 tok/s
        RunRecord r;
        r.decode_tokens_per_s = 20;
        r.settings.n_ctx = 1000;
        r.figures.weight_bytes_per_token = 2e9;
        r.figures.achieved_gb_per_s = 40;
        r.figures.memory_bandwidth_gb_per_s = 100;
        ModelFootprint f = made_up(0, 0, 0, 0, uint64_t(2e9), 0);
        f.kv_f32_bytes_per_position = 400; // 200 at F16
        const RunBasis b = run_basis(r, f, {});
        QCOMPARE(b.efficiency, 0.4);
        QCOMPARE(b.kv_bytes, uint64_t(200 * 1000));
        QCOMPARE(b.memory_needed, uint64_t(2e9) + 200000);
        QVERIFY(std::abs(project(b, device(100, 100, 0), {}).decode_tokens_per_s - 20) < 1e-9);
        r.figures.weight_bytes_per_token = 0;
        QVERIFY_THROWS_EXCEPTION(Error, run_basis(r, f, {}));
    }
    void fitCountsDevices() {
        RunBasis b = dense_basis(1e9, 0.5);
        b.memory_needed = uint64_t(100e9); // 100 GB
        ProjectionOptions o; // 90 % usable
        QCOMPARE(project(b, device(80, 1000, 0), o).devices, 2); // 72 GB each
        QCOMPARE(project(b, device(141, 1000, 0), o).devices, 1); // 126.9 GB
        QCOMPARE(project(b, device(24, 1000, 0), o).devices, 5); // 21.6 GB each: 4.63
        b.memory_needed = uint64_t(72e9);
        QCOMPARE(project(b, device(80, 1000, 0), o).devices, 1); // exactly full
        o.usable_memory = 0.5;
        QCOMPARE(project(b, device(80, 1000, 0), o).devices, 2);
    }
    void costPerMillionTokens() {
        // 3.6 $/h, 1000 tok/s: 1e6 tokens take 1000 s = 1 $
        const RunBasis b = dense_basis(1e9, 1.0);
        const DeviceProjection p = project(b, device(80, 1000, 0, 3.6, 700), {});
        QCOMPARE(p.decode_tokens_per_s, 1000.0);
        QVERIFY(std::abs(p.cost_per_mtok - 1.0) < 1e-12);
        QVERIFY(std::abs(p.joules_per_token - 0.7) < 1e-12); // 700 W / 1000 tok/s
        RunBasis two = b;
        two.memory_needed = uint64_t(100e9); // two devices: twice the price per token
        QVERIFY(std::abs(project(two, device(80, 1000, 0, 3.6), {}).cost_per_mtok - 2.0) < 1e-12);
        QCOMPARE(project(b, device(80, 1000, 0), {}).cost_per_mtok, 0.0); // no price, no cost
    }
    void denseTurnsComputeBoundWhereFlopsCatchUp() {
        // 1 GB per step at 0.5 x 1000 GB/s: 2 ms; 2 GFLOP per token at 0.5 x 1000 TFLOPS:
        // 4 us a token, so B = 500 is where compute time reaches memory time
        const RunBasis b = dense_basis(1e9, 0.5);
        ProjectionOptions o;
        o.compute_efficiency = 0.5;
        const DeviceProjection p = project(b, device(80, 1000, 1000), o);
        QVERIFY(p.moe_bound.batch);
        QCOMPARE(*p.moe_bound.batch, 500.0);
        QVERIFY(!p.moe_bound.lower_bound);
        QVERIFY(std::abs(p.moe_bound.tokens_per_s - 250000) < 1e-6); // 500 tokens per 2 ms
        QCOMPARE(p.prefill_tokens_per_s, 0.5 * 1000e12 / 2e9);
        QCOMPARE(project(b, device(80, 1000, 0), o).prefill_tokens_per_s, 0.0); // no published throughput
    }
    void expertsTouchedGrowWithTheBatchAsTheTraceSays() {
        // 2 layers of 4 experts, top-1: token i uses expert i % 4 in layer 0, always expert 0 in layer 1
        std::vector<std::vector<std::vector<int32_t>>> tokens;
        for (int i = 0; i < 8; ++i)
            tokens.push_back({ { i % 4 }, { 0 } });
        const RoutingTrace t = make_trace(tokens);
        const auto curve = batch_curve(t);
        QCOMPARE(curve.size(), size_t(4)); // B = 1, 2, 4, 8
        QCOMPARE(curve[0].batch, 1);
        QCOMPARE(curve[0].distinct[0], 1.0);
        QCOMPARE(curve[0].distinct[1], 1.0);
        QCOMPARE(curve[3].batch, 8);
        QCOMPARE(curve[3].distinct[0], 4.0);
        QCOMPARE(curve[3].distinct[1], 1.0);
        for (const BatchPoint& p : curve)
            QVERIFY(p.distinct[0] >= 1 && p.distinct[0] <= std::min(4, p.batch));
        RunBasis b;
        b.footprint = made_up(2, 4, 1, 100, 1000, 0);
        b.curve = curve;
        QCOMPARE(b.step_bytes(1), 1000.0 + 100 + 100);
        QCOMPARE(b.step_bytes(8), 1000.0 + 400 + 100);
        QCOMPARE(b.step_bytes(100), 1000.0 + 400 + 100); // every expert already touched
    }
    void moeTurnsComputeBoundLaterThanDense() {
        // 8 experts a layer, each token its own pair: at batch B, min(8, 2B) experts a layer
        std::vector<std::vector<std::vector<int32_t>>> tokens;
        for (int i = 0; i < 64; ++i)
            tokens.push_back({ { (2 * i) % 8, (2 * i + 1) % 8 } });
        const RoutingTrace t = make_trace(tokens);
        RunBasis b;
        b.footprint = made_up(1, 8, 2, 1'000'000, 1'000'000, 0);
        b.curve = batch_curve(t);
        b.bytes_per_token = 3e6;
        b.flops_per_token = 2.0 * double(b.footprint.active_params); // 6e6
        b.efficiency = 1;
        b.memory_needed = b.footprint.weight_bytes;
        ProjectionOptions o;
        o.compute_efficiency = 1;
        // 1 GB/s and 6 GFLOP/s: a token's FLOPs take 1 ms; a step reads 1 MB + distinct MB: (1 + distinct) ms
        const DeviceProjection p = project(b, device(1, 1, 0.006), o);
        QVERIFY(p.moe_bound.batch);
        QCOMPARE(*p.moe_bound.batch, 9.0); // 1 + 8 experts = 9 ms = 9 tokens' FLOPs
        // the dense model of the same size: 9 MB a step, 2 x 9e6 FLOPs a token: 9 ms against 3 ms: B = 3
        QVERIFY(p.dense_bound.batch);
        QCOMPARE(*p.dense_bound.batch, 3.0);
    }

    // ---- cache simulator ----
    void beladyLruLfuStaticByHand() {
        // A B C A B D A B C D through a cache of 2 (worked out in the comments of each policy)
        const std::vector<int32_t> req = { 0, 1, 2, 0, 1, 3, 0, 1, 2, 3 };
        // Belady: C evicts B (A is needed first), A hits, B evicts C, D evicts B, A hits,
        // B evicts A (never needed again), C evicts B, D hits: 3 hits
        QCOMPARE(simulate_cache(req, 2, CachePolicy::belady).hits, uint64_t(3));
        // LRU: every request misses (the evicted one is always the next one asked for)
        QCOMPARE(simulate_cache(req, 2, CachePolicy::lru).hits, uint64_t(0));
        // LFU (ties by least recent): only the B at position 7 hits
        QCOMPARE(simulate_cache(req, 2, CachePolicy::lfu).hits, uint64_t(1));
        // static: A and B are asked for 3 times each, kept throughout: 6 hits
        QCOMPARE(simulate_cache(req, 2, CachePolicy::static_frequency).hits, uint64_t(6));
        QCOMPARE(simulate_cache(req, 2, CachePolicy::belady).requests, uint64_t(10));
        // room for all: only first uses miss (static keeps all four from the start)
        QCOMPARE(simulate_cache(req, 4, CachePolicy::lru).hits, uint64_t(6));
        QCOMPARE(simulate_cache(req, 4, CachePolicy::belady).hits, uint64_t(6));
        QCOMPARE(simulate_cache(req, 4, CachePolicy::static_frequency).hits, uint64_t(10));
        // no room, and empty slots (-1) are not requests
        QCOMPARE(simulate_cache(req, 0, CachePolicy::belady).hits, uint64_t(0));
        QCOMPARE(simulate_cache({ 0, -1, 0 }, 1, CachePolicy::lru).requests, uint64_t(2));
        QCOMPARE(simulate_cache({ 0, -1, 0 }, 1, CachePolicy::lru).hits, uint64_t(1));
    }
    void beladyIsNeverBeaten() {
        // on random skewed streams no online policy beats the offline optimum
        std::mt19937 rng(7);
        for (int trial = 0; trial < 50; ++trial) {
            std::vector<int32_t> req;
            std::discrete_distribution<int> pick({ 8, 5, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1 });
            for (int i = 0; i < 300; ++i)
                req.push_back(pick(rng));
            for (int cap : { 1, 2, 3, 5, 8 }) {
                const uint64_t opt = simulate_cache(req, cap, CachePolicy::belady).hits;
                QVERIFY(opt >= simulate_cache(req, cap, CachePolicy::lru).hits);
                QVERIFY(opt >= simulate_cache(req, cap, CachePolicy::lfu).hits);
            }
        }
    }
    void layerRequestsFollowTheTrace() {
        const RoutingTrace t = make_trace({ { { 1, 2 }, { 3, -1 } }, { { 2, 0 }, { 3, 1 } } });
        QCOMPARE(layer_requests(t, 0), (std::vector<int32_t> { 1, 2, 2, 0 }));
        QCOMPARE(layer_requests(t, 1), (std::vector<int32_t> { 3, 3, 1 }));
        const auto c = expert_counts(t, 4);
        QCOMPARE(c[0], (std::vector<uint64_t> { 1, 1, 2, 0 }));
        QCOMPARE(c[1], (std::vector<uint64_t> { 0, 1, 0, 2 }));
    }

    // ---- offload plan ----
    void offloadPlanByHand() {
        // 4 MoE layers of 4 experts of 100 bytes, 1000 bytes read by every token, 500 more resident
        const ModelFootprint f = made_up(4, 4, 1, 100, 1000, 500);
        QCOMPARE(f.resident_bytes(), uint64_t(1500));
        std::vector<std::vector<std::vector<int32_t>>> tokens;
        for (int i = 0; i < 10; ++i)
            tokens.push_back({ { i % 2 }, { 0 }, { i % 4 }, { 1 } });
        const RoutingTrace t = make_trace(tokens);
        OffloadOptions o;
        o.reserve_bytes = 0;
        o.vram_bytes = 1500 + 850; // 8 experts and a half: 2 per layer; whole layers: 2 (400 bytes each)
        o.efficiency = 1;
        o.gpu_bandwidth_gb_s = 1000;
        o.cpu_bandwidth_gb_s = 100;
        o.pcie_gb_s = 10;
        const OffloadPlan p = plan_offload(f, t, o);
        QVERIFY(p.resident_fits);
        QVERIFY(!p.fits_whole);
        QCOMPARE(p.expert_budget, uint64_t(850));
        QCOMPARE(p.experts_per_layer, 2);
        QCOMPARE(p.static_experts[2], (std::vector<int> { 0, 1 }));
        QCOMPARE(p.gpu_moe_layers, 2);
        QCOMPARE(p.cpu_blocks, (std::vector<int> { 0, 1 }));
        QCOMPARE(p.n_cpu_moe, 2);
        QCOMPARE(p.override_tensor, std::string("blk\\.(0|1)\\.ffn_(up|down|gate)_exps\\.weight=CPU"));
        // static: layers 0, 1, 3 always hit; layer 2 hits experts 0 and 1: 6 of 10
        const PolicyResult& st = p.policies[0];
        QCOMPARE(st.policy, CachePolicy::static_frequency);
        QCOMPARE(st.total.hits, uint64_t(36));
        QCOMPARE(st.total.requests, uint64_t(40));
        // 4 misses of 100 bytes over 10 tokens: 40 bytes a token
        QCOMPARE(st.pcie_bytes_per_token, 40.0);
        // a token: (1000 + 360) bytes at 1e12 B/s, 40 at 1e11 (CPU) or 40 at 1e10 (PCIe) + 40 at 1e12
        QVERIFY(std::abs(st.tokens_per_s_cpu - 1.0 / (1360e-12 + 40e-11)) < 1e-3);
        QVERIFY(std::abs(st.tokens_per_s_pcie - 1.0 / (1400e-12 + 40e-10)) < 1e-3);
        // llama.cpp: layers 2 and 3 on the GPU: half of all requests hit
        QCOMPARE(p.llamacpp.total.hits, uint64_t(20));
        QVERIFY(std::abs(p.all_gpu_tokens_per_s - 1.0 / 1400e-12) < 1e-3);
        // Belady, layer 2 (0 1 2 3 0 1 2 3 0 1, room for 2): 2 evicts 1, 3 evicts 2, 0 hits, 1 evicts 0,
        // 2 evicts 1, 3 hits, 0 evicts 2 (neither needed again: the lower id goes), 1 misses: 2 hits
        QCOMPARE(p.policies[3].policy, CachePolicy::belady);
        QCOMPARE(p.policies[3].layers[2].hits, uint64_t(2));
        QCOMPARE(p.policies[3].layers[0].hits, uint64_t(8)); // 0 1 then all hits
        QCOMPARE(p.policies[3].layers[1].hits, uint64_t(9));
    }
    void offloadEdgeCases() {
        const ModelFootprint f = made_up(2, 4, 1, 100, 1000, 0);
        const RoutingTrace t = make_trace({ { { 0 }, { 1 } }, { { 2 }, { 3 } } });
        OffloadOptions o;
        o.reserve_bytes = 0;
        o.vram_bytes = 500; // not even the non-expert part
        OffloadPlan p = plan_offload(f, t, o);
        QVERIFY(!p.resident_fits);
        QCOMPARE(p.experts_per_layer, 0);
        QCOMPARE(p.n_cpu_moe, 2);
        o.vram_bytes = 1000 + 800; // everything
        p = plan_offload(f, t, o);
        QVERIFY(p.fits_whole);
        QCOMPARE(p.n_cpu_moe, 0);
        QCOMPARE(p.override_tensor, std::string());
        QVERIFY_THROWS_EXCEPTION(Error, plan_offload(made_up(3, 4, 1, 100, 1000, 0), t, o)); // trace of 2 layers
        QCOMPARE(override_tensor_rule({ 5 }), std::string("blk\\.(5)\\.ffn_(up|down|gate)_exps\\.weight=CPU"));
    }
    void sizesParse() {
        QCOMPARE(parse_size("16GiB"), uint64_t(16) << 30);
        QCOMPARE(parse_size("16 G"), uint64_t(16) << 30);
        QCOMPARE(parse_size("24GB"), uint64_t(24'000'000'000));
        QCOMPARE(parse_size("1.5GiB"), uint64_t(3) << 29);
        QCOMPARE(parse_size("12000MiB"), uint64_t(12000) << 20);
        QCOMPARE(parse_size("17179869184"), uint64_t(17179869184));
        for (const char* bad : { "", "GiB", "16 parsecs", "-3GB", "1e9", "0" })
            QVERIFY_THROWS_EXCEPTION(Error, parse_size(bad));
    }
    void tablesAndCsv() {
        TextTable t;
        t.header = { "device", "tok/s" };
        t.rows = { { "a, b", "12" }, { "say \"hi\"", "-" } };
        QCOMPARE(table_csv(t), std::string("device,tok/s\n\"a, b\",12\n\"say \"\"hi\"\"\",-\n"));
        QCOMPARE(table_text(t), std::string("device    tok/s\na, b         12\nsay \"hi\"      -\n"));
    }

    // ---- energy ----
    void energyAbsentIsEmptyWithAReason() {
        QTemporaryDir dir;
        const EnergyMeter m(dir.filePath(QStringLiteral("nothing")).toStdString(), "libmoe-no-such-nvml.so.1");
        const EnergyReading r = m.stop();
        QVERIFY(!r.cpu_joules);
        QVERIFY(!r.gpu_joules);
        QVERIFY(!r.total());
        QVERIFY2(QString::fromStdString(r.cpu_reason).contains(QStringLiteral("RAPL: no package domains under")),
            r.cpu_reason.c_str());
        QVERIFY2(QString::fromStdString(r.gpu_reason).contains(QStringLiteral("libmoe-no-such-nvml.so.1")),
            r.gpu_reason.c_str());
        QCOMPARE(r.sources(), std::string());
        QVERIFY(r.reasons().find("RAPL") != std::string::npos && r.reasons().find("NVML") != std::string::npos);
    }
    void energyFromRaplCounters() {
        QTemporaryDir dir;
        const QString pkg = dir.filePath(QStringLiteral("intel-rapl:0"));
        QVERIFY(QDir().mkpath(pkg));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("intel-rapl:0:0")))); // a sub-domain: not counted
        write_file(pkg + QStringLiteral("/max_energy_range_uj"), "10000000\n");
        write_file(pkg + QStringLiteral("/energy_uj"), "9000000\n");
        const EnergyMeter m(dir.path().toStdString(), "");
        write_file(pkg + QStringLiteral("/energy_uj"), "2500000\n"); // wrapped: 1 J to the top, 2.5 J after
        const EnergyReading r = m.stop();
        QVERIFY2(r.cpu_joules, r.cpu_reason.c_str());
        QVERIFY(std::abs(*r.cpu_joules - 3.5) < 1e-12);
        QCOMPARE(r.sources(), std::string("RAPL"));
        QVERIFY(!r.gpu_joules);
        // a counter that cannot be read: empty, and says which file
        QVERIFY(QFile::remove(pkg + QStringLiteral("/energy_uj")));
        QVERIFY(QDir().mkpath(pkg + QStringLiteral("/energy_uj"))); // a folder where the number should be
        const EnergyReading broken = EnergyMeter(dir.path().toStdString(), "").stop();
        QVERIFY(!broken.cpu_joules);
        QVERIFY2(
            QString::fromStdString(broken.cpu_reason).contains(QStringLiteral("energy_uj")), broken.cpu_reason.c_str());
    }
};

QTEST_GUILESS_MAIN(TestWhatif)
#include "tst_whatif.moc"
