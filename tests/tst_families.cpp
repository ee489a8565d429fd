// DeepSeek V2/V3 (deepseek2) and GLM-4.5 (glm4moe) on the CPU: what loads from
// their files, the latent KV cache, chunked and rewound passes against one
// prefill, the older single attn_kv_b against the split form, grouped
// routing's invariants and the description's block and KV lines.
#include "cpu/attention_mla.h"
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "run/description.h"
#include "runtime/backend.h"

#include <QTemporaryDir>
#include <QtTest>

#include "family_test_util.h" // after the engine headers: Qt defines emit

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <set>

using namespace moe;

using namespace moe::test;

class TestFamilies : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void loads_data();
    void loads();
    void latentCacheHoldsLatentAndRopeKey();
    void chunkedAndRewoundEqualOnePrefill_data();
    void chunkedAndRewoundEqualOnePrefill();
    void singleKvbEqualsSplitForm();
    void groupedRoutingStaysInItsGroups();
    void descriptionShowsBlocksAndKvSaving();
    void refusesRoutingThatCannotBeMet();

private:
    QTemporaryDir m_dir;
};

void TestFamilies::loads_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("preset");
    QTest::addColumn<bool>("mla");
    QTest::addColumn<int>("q_lora");
    QTest::addColumn<bool>("sigmoid");
    QTest::addColumn<int>("groups");
    QTest::addColumn<bool>("qk_norm");
    QTest::newRow("deepseek2 tiny (V3-like)") << "deepseek2"
                                              << "tiny" << true << 64 << true << 4 << false;
    QTest::newRow("deepseek2 tiny-lite (V2-Lite-like)") << "deepseek2"
                                                        << "tiny-lite" << true << 0 << false << 1 << false;
    QTest::newRow("deepseek2 tiny-kvb (single kv_b)") << "deepseek2"
                                                      << "tiny-kvb" << true << 0 << false << 1 << false;
    QTest::newRow("glm4moe tiny (Air-like)") << "glm4moe"
                                             << "tiny" << false << 0 << true << 1 << false;
    QTest::newRow("glm4moe small (q/k norms)") << "glm4moe"
                                               << "small" << false << 0 << true << 1 << true;
}

void TestFamilies::loads() {
    QFETCH(QString, arch);
    QFETCH(QString, preset);
    QFETCH(bool, mla);
    QFETCH(int, q_lora);
    QFETCH(bool, sigmoid);
    QFETCH(int, groups);
    QFETCH(bool, qk_norm);
    auto m = Model::load(make(m_dir, arch.toStdString(), preset.toStdString()));
    const ModelConfig& c = m->config();
    QCOMPARE(c.attn == AttnKind::mla, mla);
    QCOMPARE(c.q_lora_rank, q_lora);
    QCOMPARE(c.gating == Gating::sigmoid, sigmoid);
    QCOMPARE(c.n_expert_groups, groups);
    QCOMPARE(c.qk_norm == QkNorm::per_head, qk_norm);
    QCOMPARE(c.n_layer, 3); // GLM's next-token-prediction block is not one of them
    QCOMPARE(c.n_layer_nextn, arch == "glm4moe" ? 1 : 0);
    QCOMPARE(c.n_layer_dense_lead, 1);
    QCOMPARE(c.n_moe_layer, 2);
    QCOMPARE(int(m->weights().layers[0].ffn), int(FfnKind::dense));
    QCOMPARE(m->weights().layers[1].moe_index, 0);
    QCOMPARE(m->moe_block(1), 2);
    QVERIFY(c.n_ff_shexp > 0 && !c.shexp_gated); // shared experts, always on
    if (!mla) QVERIFY(c.n_rot < c.head_dim); // partial rotary
    auto b = cpu_backend(m);
    QCOMPARE(b->n_moe_layers(), 2);
    const std::vector<int32_t> t = tokens(5);
    b->forward(t.data(), int(t.size()), 0, true);
    for (int i = 0; i < 5; ++i)
        for (int v = 0; v < c.n_vocab; ++v)
            QVERIFY(std::isfinite(b->logits(i)[v]));
}

void TestFamilies::latentCacheHoldsLatentAndRopeKey() {
    auto m = Model::load(make(m_dir, "deepseek2", "tiny"));
    const ModelConfig& c = m->config();
    const int per_token = c.kv_lora_rank + c.n_rot;
    QCOMPARE(m->kv_cache_bytes(100), uint64_t(4) * uint64_t(c.n_layer) * 100 * uint64_t(per_token));
    QCOMPARE(m->mha_cache_bytes(1),
        uint64_t(4) * uint64_t(c.n_layer) * uint64_t(c.n_head) * uint64_t(c.head_dim + c.head_dim_v));
    cpu::MlaAttention mla(c, 8, 4, 1);
    QCOMPARE(mla.floats_per_token(), per_token);
    // the cached entry is the normed latent and the rotated rope key of the token, nothing per head
    const LayerWeights& l = m->weights().layers[0];
    std::vector<float> x(size_t(c.n_embd));
    for (int i = 0; i < c.n_embd; ++i)
        x[size_t(i)] = std::sin(0.3f * float(i));
    std::vector<float> att(size_t(c.n_head) * size_t(c.head_dim_v));
    auto mm = [](const Matrix& w, const float* in, int n, int ldx, float* y, int ldy) {
        for (int t = 0; t < n; ++t)
            for (int64_t r = 0; r < w.rows; ++r)
                y[size_t(t) * size_t(ldy) + size_t(r)]
                    = vec_dot(w.type, w.row(r), in + size_t(t) * size_t(ldx), w.cols);
    };
    mla.forward(l, 0, x.data(), 1, 0, att.data(), mm, nullptr);
    std::vector<float> kv(static_cast<size_t>(per_token));
    mm(l.wkv_a, x.data(), 1, c.n_embd, kv.data(), per_token);
    double ss = 0.0;
    for (int i = 0; i < c.kv_lora_rank; ++i)
        ss += double(kv[size_t(i)]) * kv[size_t(i)];
    const double inv = 1.0 / std::sqrt(ss / c.kv_lora_rank + double(c.rms_eps));
    const float* cached = mla.cached(0, 0);
    for (int i = 0; i < c.kv_lora_rank; ++i)
        QVERIFY(std::fabs(cached[i] - float(kv[size_t(i)] * inv) * l.kv_a_norm.data[i]) < 1e-5f);
    for (int i = 0; i < c.n_rot; ++i) // position 0: RoPE is the identity
        QVERIFY(std::fabs(cached[c.kv_lora_rank + i] - kv[size_t(c.kv_lora_rank + i)]) < 1e-6f);
}

void TestFamilies::chunkedAndRewoundEqualOnePrefill_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("preset");
    QTest::newRow("deepseek2 tiny") << QString("deepseek2") << QString("tiny");
    QTest::newRow("deepseek2 tiny-lite") << QString("deepseek2") << QString("tiny-lite");
    QTest::newRow("deepseek2 tiny-kvb") << QString("deepseek2") << QString("tiny-kvb");
    QTest::newRow("glm4moe tiny") << QString("glm4moe") << QString("tiny");
}

// A multi-turn chat feeds the transcript in pieces (prompt, decoded tokens one
// by one, the next turn) and may rewind over a discarded reply: the cache must
// make that equal to one prefill of the same transcript.
void TestFamilies::chunkedAndRewoundEqualOnePrefill() {
    QFETCH(QString, arch);
    QFETCH(QString, preset);
    auto m = Model::load(make(m_dir, arch.toStdString(), preset.toStdString()));
    const std::vector<int32_t> t = tokens(24);
    auto one = cpu_backend(m);
    const Pass whole = run_chunks(*one, *m, t, { 16, 8 });
    auto chat = cpu_backend(m);
    std::vector<int> pieces = { 7 };
    for (int i = 0; i < 6; ++i)
        pieces.push_back(1);
    pieces.push_back(11);
    const Pass turns = run_chunks(*chat, *m, t, pieces);
    QVERIFY2(max_diff(whole.last_logits, turns.last_logits) < 1e-4f,
        qPrintable(QString::number(max_diff(whole.last_logits, turns.last_logits))));
    QCOMPARE(turns.ids, whole.ids);
    // a reply discarded at position 10 and the rest fed again
    std::vector<int32_t> junk(6, 3);
    chat->forward(junk.data(), 6, 10, false);
    chat->forward(t.data() + 10, 14, 10, false);
    const float* lg = chat->logits(13);
    QVERIFY(max_diff(whole.last_logits, std::vector<float>(lg, lg + m->config().n_vocab)) < 1e-4f);
}

// The same weights as one attn_kv_b (older files) and as attn_k_b/attn_v_b (current ones).
void TestFamilies::singleKvbEqualsSplitForm() {
    const std::string split_path = make(m_dir, "deepseek2", "tiny-lite");
    GgufFile src = GgufFile::open(split_path);
    auto split = Model::load(split_path);
    const ModelConfig& c = split->config();
    const int nope = c.head_dim - c.n_rot, R = c.kv_lora_rank, dv = c.head_dim_v;
    GgufWriter w;
    for (const GgufKV& kv : src.kvs()) {
        if (kv.key.find("attention.key_length") != std::string::npos
            || kv.key.find("attention.value_length") != std::string::npos
            || kv.key.find("head_count_kv") != std::string::npos) {
            continue;
        }
        if (kv.type == GgufValueType::STRING) w.set_string(kv.key, std::string(kv.str));
        if (kv.type == GgufValueType::UINT32) w.set_uint32(kv.key, uint32_t(kv.u));
        if (kv.type == GgufValueType::FLOAT32) w.set_float32(kv.key, float(kv.f));
        if (kv.type == GgufValueType::BOOL) w.set_bool(kv.key, kv.b);
        // (tokenizer arrays are not needed to run token ids)
    }
    w.set_uint32("deepseek2.attention.head_count_kv", uint32_t(c.n_head));
    w.set_uint32("deepseek2.attention.key_length", uint32_t(c.head_dim));
    w.set_uint32("deepseek2.attention.value_length", uint32_t(dv));
    for (const GgufTensorInfo& t : src.tensors()) {
        const std::string name = t.name;
        if (name.find("attn_v_b") != std::string::npos) continue;
        if (name.find("attn_k_b") != std::string::npos) {
            const int il = std::stoi(name.substr(4));
            const LayerWeights& l = split->weights().layers[size_t(il)];
            // per head: W_UK (nope × R) = k_bᵀ, then W_UV (dv × R) = v_b
            auto rows = std::make_shared<std::vector<float>>();
            for (int h = 0; h < c.n_head; ++h) {
                for (int d = 0; d < nope; ++d)
                    for (int r = 0; r < R; ++r)
                        rows->push_back(reinterpret_cast<const float*>(l.wk_b[size_t(h)].row(r))[d]);
                for (int d = 0; d < dv; ++d)
                    for (int r = 0; r < R; ++r)
                        rows->push_back(reinterpret_cast<const float*>(l.wv_b[size_t(h)].row(d))[r]);
            }
            w.add_tensor(fmt::format("blk.{}.attn_kv_b.weight", il), GGML_TYPE_F32,
                { R, int64_t(c.n_head) * (nope + dv) },
                [rows](uint8_t* dst, size_t n) { std::memcpy(dst, rows->data(), n); });
            continue;
        }
        const uint8_t* data = t.data;
        w.add_tensor(name, t.type, std::vector<int64_t>(t.ne, t.ne + t.n_dims),
            [data](uint8_t* dst, size_t n) { std::memcpy(dst, data, n); });
    }
    const std::string legacy_path = m_dir.filePath("legacy-kvb.gguf").toStdString();
    w.write(legacy_path);
    auto legacy = Model::load(legacy_path);
    QCOMPARE(legacy->config().head_dim, c.head_dim);
    const std::vector<int32_t> t = tokens(12);
    const Pass a = run_chunks(*cpu_backend(split), *split, t, { 12 });
    const Pass b = run_chunks(*cpu_backend(legacy), *legacy, t, { 12 });
    QVERIFY2(max_diff(a.last_logits, b.last_logits) < 1e-4f,
        qPrintable(QString::number(max_diff(a.last_logits, b.last_logits))));
    QCOMPARE(a.ids, b.ids);
}

void TestFamilies::groupedRoutingStaysInItsGroups() {
    auto m = Model::load(make(m_dir, "deepseek2", "tiny"));
    const ModelConfig& c = m->config();
    auto b = cpu_backend(m);
    const std::vector<int32_t> t = tokens(16);
    b->forward(t.data(), 16, 0, false);
    const int per_group = c.n_expert / c.n_expert_groups;
    std::set<int> groups_seen;
    for (int i = 0; i < 16; ++i) {
        for (int l = 0; l < b->n_moe_layers(); ++l) {
            std::set<int> groups;
            float sum = 0.0f;
            for (int j = 0; j < b->top_k(); ++j) {
                groups.insert(b->routing_ids(i, l)[j] / per_group);
                sum += b->routing_weights(i, l)[j];
            }
            QVERIFY(int(groups.size()) <= c.n_group_used);
            groups_seen.insert(groups.begin(), groups.end());
            // renormalised, then scaled by routed_scaling_factor
            QVERIFY(std::fabs(sum - c.expert_weights_scale) < 1e-4f);
        }
    }
    QCOMPARE(int(groups_seen.size()), c.n_expert_groups); // every group is chosen by some token
}

void TestFamilies::descriptionShowsBlocksAndKvSaving() {
    auto m = Model::load(make(m_dir, "deepseek2", "tiny"));
    const ModelDescription d = describe_model(*m, 64);
    QCOMPARE(d.moe_layers, 2);
    QCOMPARE(d.dense_lead_layers, 1);
    QCOMPARE(d.layer_kinds.front(), std::string("MLA + dense FFN"));
    QCOMPARE(d.layer_kinds.back(), std::string("MLA + MoE + shared"));
    QVERIFY(d.kv_bytes_per_token < d.mha_kv_bytes_per_token);
    bool blocks = false, kv = false, routing = false;
    for (const auto& [label, value] : description_lines(d)) {
        blocks = blocks || (label == "blocks" && value == "0: MLA + dense FFN; 1-2: MLA + MoE + shared");
        kv = kv || (label == "KV per token" && value.find("latent") != std::string::npos);
        routing = routing || (label == "routing" && value.find("best 2 of 4 expert groups") != std::string::npos);
    }
    QVERIFY(blocks);
    QVERIFY(kv);
    QVERIFY(routing);
    auto g = Model::load(make(m_dir, "glm4moe", "tiny"));
    const ModelDescription dg = describe_model(*g, 64);
    QVERIFY(dg.attention.find("RoPE on 16 dims") != std::string::npos);
    QCOMPARE(dg.layer_kinds.size(), size_t(3));
}

void TestFamilies::refusesRoutingThatCannotBeMet() {
    auto m = Model::load(make(m_dir, "deepseek2", "tiny"));
    BackendOptions o;
    o.n_ctx = 16;
    o.n_threads = 1;
    o.top_k = 9; // two groups of four hold eight experts
    QVERIFY_THROWS_EXCEPTION(Error, make_backend(BackendKind::cpu, m, o));
}

QTEST_GUILESS_MAIN(TestFamilies)
#include "tst_families.moc"
