// gpt-oss and Granite MoE on the CPU (engine/model/arch_oss_granite.cpp,
// engine/cpu/attention_sinks.cpp): what loads from their files, the sliding
// window (masked past the window in windowed blocks, seen in full ones, and a
// ring cache that equals a full one), sinks, the clamped SwiGLU, chunked and
// rewound passes against one prefill, the description's notes, the harmony
// template of the synthetic gpt-oss files, and granitehybrid refused by name.
#include "cpu/attention_sinks.h"
#include "gguf/gguf.h"
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"
#include "run/description.h"
#include "runtime/backend.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/reasoning.h"
#include "tokenizer/tokenizer.h"

#include <QTemporaryDir>
#include <QtTest>

#include "family_test_util.h" // after the engine headers: Qt defines emit

#include <cmath>
#include <random>

using namespace moe;

using namespace moe::test;

class TestOssGranite : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void gptOssLoads_data();
    void gptOssLoads();
    void graniteLoads_data();
    void graniteLoads();
    void windowMasksPastPositions();
    void ringCacheEqualsFullCache();
    void clampedSwiglu();
    void chunkedAndRewoundEqualOnePrefill_data();
    void chunkedAndRewoundEqualOnePrefill();
    void descriptionShowsWhatIsParticular();
    void harmonyTemplate();
    void refusesGraniteHybridByName();

private:
    QTemporaryDir m_dir;
};

void TestOssGranite::gptOssLoads_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<uint32_t>("experts");
    QTest::newRow("tiny") << "tiny" << uint32_t(GGML_TYPE_F32);
    QTest::newRow("tiny-mxfp4") << "tiny-mxfp4" << uint32_t(GGML_TYPE_MXFP4);
    QTest::newRow("small") << "small" << uint32_t(GGML_TYPE_F32);
}

void TestOssGranite::gptOssLoads() {
    QFETCH(QString, preset);
    QFETCH(uint32_t, experts);
    auto m = Model::load(make(m_dir, "gpt-oss", preset.toStdString()));
    const ModelConfig& c = m->config();
    QCOMPARE(int(c.arch), int(Arch::gptoss));
    QCOMPARE(c.n_swa, 8);
    QVERIFY(c.swiglu_oai);
    QVERIFY(c.norm_topk); // a softmax over the top-k logits
    QCOMPARE(c.yarn_factor, 4.0f);
    const double mscale = 1.0 + 0.1 * std::log(4.0);
    QCOMPARE(c.kq_scale, float(mscale * mscale / std::sqrt(double(c.head_dim))));
    QCOMPARE(int(c.rope), int(RopeStyle::neox));
    QVERIFY(!c.tied_output);
    const auto& layers = m->weights().layers;
    QCOMPARE(layers.size(), size_t(4));
    for (size_t il = 0; il < layers.size(); ++il) {
        const LayerWeights& l = layers[il];
        QCOMPARE(l.n_swa, il % 2 == 0 ? 8 : 0); // even blocks windowed, odd ones full
        QVERIFY(l.attn_sinks && l.attn_sinks.n == c.n_head);
        QVERIFY(l.bq && l.bk && l.bv && l.bo && l.gate_inp_b);
        QCOMPARE(l.gate_exp_b.size(), size_t(c.n_expert));
        QCOMPARE(l.down_exp_b.size(), size_t(c.n_expert));
        QCOMPARE(l.gate_exp[0].type, experts);
    }
    // a windowed block caches its window only
    const uint64_t per_pos = uint64_t(c.n_head_kv) * uint64_t(2 * c.head_dim) * sizeof(float);
    QCOMPARE(m->kv_cache_bytes(4096), per_pos * (2 * 8 + 2 * 4096));
    auto b = cpu_backend(m, 64, 32);
    const std::vector<int32_t> t = tokens(20);
    b->forward(t.data(), int(t.size()), 0, true);
    for (int i = 0; i < 20; ++i)
        for (int v = 0; v < c.n_vocab; ++v)
            QVERIFY(std::isfinite(b->logits(i)[v]));
}

void TestOssGranite::graniteLoads_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("shared");
    QTest::newRow("tiny") << "tiny" << 0;
    QTest::newRow("tiny-shared") << "tiny-shared" << 128;
    QTest::newRow("small") << "small" << 256;
}

void TestOssGranite::graniteLoads() {
    QFETCH(QString, preset);
    QFETCH(int, shared);
    auto m = Model::load(make(m_dir, "granitemoe", preset.toStdString()));
    const ModelConfig& c = m->config();
    QCOMPARE(int(c.arch), int(Arch::granitemoe));
    QCOMPARE(c.embd_scale, 12.0f);
    QCOMPARE(c.kq_scale, 0.015625f);
    QCOMPARE(c.residual_scale, 0.22f);
    QCOMPARE(c.logit_scale, 6.0f);
    QCOMPARE(c.n_ff_shexp, shared);
    QCOMPARE(c.n_expert_shared, shared > 0 ? 1 : 0);
    QVERIFY(!c.shexp_gated); // GraniteMoeShared's MLP is always on
    QVERIFY(c.norm_topk);
    QVERIFY(c.tied_output);
    QCOMPARE(c.n_swa, 0);
    QCOMPARE(int(c.rope), int(RopeStyle::normal));
    auto b = cpu_backend(m);
    const std::vector<int32_t> t = tokens(9);
    b->forward(t.data(), int(t.size()), 0, true);
    for (int v = 0; v < c.n_vocab; ++v)
        QVERIFY(std::isfinite(b->logits(8)[v]));
}

// Values one-hot by position: the output of a query is its attention weights.
// Over 2·window + 5 positions, a windowed query gives exactly 0 to everything
// more than window - 1 back and a full one something to every earlier position;
// sinks take a share of the mass; a ring of window + batch rows, fed batch by
// batch, gives what one cache of every position gives.
void TestOssGranite::windowMasksPastPositions() {
    const int W = 4, T = 2 * W + 5, H = 2, hd = T;
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> q(size_t(T) * H * hd), k(size_t(T) * hd), v(size_t(T) * hd, 0.0f);
    for (float& x : q)
        x = u(rng);
    for (float& x : k)
        x = u(rng);
    for (int p = 0; p < T; ++p)
        v[size_t(p) * hd + size_t(p)] = 1.0f;
    std::vector<float> scores(size_t(T) * 4);
    const float sinks[2] = { 0.5f, -1.0f };
    auto run = [&](int window, const float* s, int cap, int batch) {
        std::vector<float> kc(size_t(cap) * hd), vc(size_t(cap) * hd), out(size_t(T) * H * hd);
        for (int p0 = 0; p0 < T; p0 += batch) {
            const int n = std::min(batch, T - p0);
            cpu::kv_store(
                k.data() + size_t(p0) * hd, v.data() + size_t(p0) * hd, n, size_t(hd), kc.data(), vc.data(), cap, p0);
            cpu::attention_window(q.data() + size_t(p0) * H * hd, kc.data(), vc.data(), cap,
                out.data() + size_t(p0) * H * hd, p0, n, H, 1, hd, 0.3f, window, s, scores.data(), size_t(T), nullptr);
        }
        return out;
    };
    const std::vector<float> windowed = run(W, nullptr, T, T), full = run(0, nullptr, T, T);
    const std::vector<float> sunk = run(W, sinks, T, T);
    for (int t = 0; t < T; ++t)
        for (int h = 0; h < H; ++h) {
            const size_t o = (size_t(t) * H + size_t(h)) * hd;
            double sum_w = 0.0, sum_f = 0.0, sum_s = 0.0;
            for (int p = 0; p < T; ++p) {
                const float aw = windowed[o + size_t(p)], af = full[o + size_t(p)];
                if (p > t) {
                    QCOMPARE(aw, 0.0f);
                    QCOMPARE(af, 0.0f);
                } else {
                    QVERIFY(af > 0.0f);
                    if (t - p >= W)
                        QCOMPARE(aw, 0.0f);
                    else
                        QVERIFY(aw > 0.0f);
                }
                sum_w += aw;
                sum_f += af;
                sum_s += sunk[o + size_t(p)];
            }
            QVERIFY(std::fabs(sum_w - 1.0) < 1e-5 && std::fabs(sum_f - 1.0) < 1e-5);
            QVERIFY(sum_s < 1.0 - 1e-3); // the sink took its share
        }
    for (int batch : { 1, 3 }) {
        const std::vector<float> ring = run(W, sinks, W + batch, batch);
        QVERIFY2(max_diff(ring, sunk) < 1e-6f, qPrintable(QString::number(max_diff(ring, sunk))));
    }
}

// A whole model: decoding one token at a time through rings of window + 1 +
// reach rows that wrap, against one cache of every position in batches of 16.
void TestOssGranite::ringCacheEqualsFullCache() {
    auto m = Model::load(make(m_dir, "gpt-oss", "tiny"));
    const int n = 2070;
    auto full = cpu_backend(m, n, 16); // rows: min(n_ctx, 8 + 16 + 2048) = n_ctx, no ring
    auto ring = cpu_backend(m, n + 16, 1); // 8 + 1 + 2048 rows < 2070 positions: wraps
    std::vector<int32_t> t = tokens(n);
    std::vector<int> sixteen(n / 16, 16), ones(n, 1);
    if (n % 16) sixteen.push_back(n % 16);
    const Pass a = run_chunks(*full, *m, t, sixteen);
    const Pass b = run_chunks(*ring, *m, t, ones);
    QVERIFY2(max_diff(a.last_logits, b.last_logits) < 1e-4f,
        qPrintable(QString::number(max_diff(a.last_logits, b.last_logits))));
    QCOMPARE(a.ids, b.ids);
    // the ring no longer holds the window before position 10: a rewind there is refused
    QCOMPARE(full->min_rewind(), 0);
    QCOMPARE(ring->min_rewind(), n - (8 + 1 + 2048 - 8 + 1));
    QVERIFY_THROWS_EXCEPTION(Error, ring->forward(t.data(), 1, 10, false));
    ring->forward(t.data(), 1, 0, false); // from the start is always possible
    QCOMPARE(ring->min_rewind(), 0);
}

void TestOssGranite::clampedSwiglu() {
    auto oai = [](float g, float u) {
        const float x = std::min(g, 7.0f), y = std::clamp(u, -7.0f, 7.0f);
        return x / (1.0f + std::exp(-1.702f * x)) * (y + 1.0f);
    };
    cpu::ExpertGlu glu;
    glu.oai = true;
    for (auto [g, u] : { std::pair { 0.5f, 2.0f }, { 10.0f, -9.0f }, { -3.0f, 8.0f }, { 7.5f, 0.0f } })
        QCOMPARE(cpu::expert_glu(&glu, 0, 0, g, u), oai(g, u));
    QCOMPARE(cpu::expert_glu(&glu, 0, 0, 10.0f, -9.0f), 7.0f / (1.0f + std::exp(-1.702f * 7.0f)) * -6.0f);
    // biases per expert and row, added before the activation
    const float gb[2] = { 0.0f, 1.5f }, ub[2] = { 0.0f, -0.25f };
    const Vector gate_b[1] = { Vector { gb, 2 } }, up_b[1] = { Vector { ub, 2 } };
    glu.gate_b = gate_b;
    glu.up_b = up_b;
    QCOMPARE(cpu::expert_glu(&glu, 0, 1, 0.5f, 2.0f), oai(2.0f, 1.75f));
    QCOMPARE(cpu::expert_glu(nullptr, 0, 1, 0.5f, 2.0f), 0.5f / (1.0f + std::exp(-0.5f)) * 2.0f); // plain SwiGLU
}

void TestOssGranite::chunkedAndRewoundEqualOnePrefill_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("preset");
    QTest::newRow("gpt-oss tiny") << QString("gpt-oss") << QString("tiny");
    QTest::newRow("granitemoe tiny-shared") << QString("granitemoe") << QString("tiny-shared");
}

// A multi-turn chat feeds the transcript in pieces (prompt, decoded tokens one
// by one, the next turn) and may rewind over a discarded reply: the caches must
// make that equal to one prefill of the same transcript, past twice the window.
void TestOssGranite::chunkedAndRewoundEqualOnePrefill() {
    QFETCH(QString, arch);
    QFETCH(QString, preset);
    auto m = Model::load(make(m_dir, arch.toStdString(), preset.toStdString()));
    const std::vector<int32_t> t = tokens(40);
    auto one = cpu_backend(m);
    const Pass whole = run_chunks(*one, *m, t, { 16, 16, 8 });
    auto chat = cpu_backend(m);
    std::vector<int> pieces = { 7 };
    for (int i = 0; i < 12; ++i)
        pieces.push_back(1);
    pieces.push_back(11);
    pieces.push_back(10);
    const Pass turns = run_chunks(*chat, *m, t, pieces);
    QVERIFY2(max_diff(whole.last_logits, turns.last_logits) < 1e-4f,
        qPrintable(QString::number(max_diff(whole.last_logits, turns.last_logits))));
    QCOMPARE(turns.ids, whole.ids);
    // a reply discarded at position 20 and the rest fed again
    std::vector<int32_t> junk(9, 3);
    chat->forward(junk.data(), 9, 20, false);
    chat->forward(t.data() + 20, 16, 20, false);
    chat->forward(t.data() + 36, 4, 36, false);
    const float* lg = chat->logits(3);
    QVERIFY(max_diff(whole.last_logits, std::vector<float>(lg, lg + m->config().n_vocab)) < 1e-4f);
}

void TestOssGranite::descriptionShowsWhatIsParticular() {
    auto m = Model::load(make(m_dir, "gpt-oss", "tiny-mxfp4"));
    const ModelDescription d = describe_model(*m, 64);
    QCOMPARE(d.layer_kinds.front(), std::string("GQA window 8 + MoE"));
    QCOMPARE(d.layer_kinds[1], std::string("GQA + MoE"));
    bool window = false, sinks = false, mxfp4 = false;
    for (const auto& [label, value] : description_lines(d)) {
        window
            = window || (label == "note" && value.find("sliding window of 8 positions on 2 of 4") != std::string::npos);
        sinks = sinks || (label == "note" && value.find("attention sinks") != std::string::npos);
        mxfp4 = mxfp4 || (label == "note" && value.find("MXFP4 weights") != std::string::npos);
    }
    QVERIFY(window);
    QVERIFY(sinks);
    QVERIFY(mxfp4);
    auto g = Model::load(make(m_dir, "granitemoe", "tiny"));
    const ModelDescription dg = describe_model(*g, 64);
    QCOMPARE(dg.notes.size(), size_t(1));
    QVERIFY2(
        dg.notes[0].find("embedding x12, attention scale 0.015625, residual x0.22, logits /6") != std::string::npos,
        dg.notes[0].c_str());
}

// The synthetic gpt-oss files carry a harmony template: the reasoning effort
// reaches the prompt, the analysis channel is reasoning and the final one the
// answer, and the markers are single tokens.
void TestOssGranite::harmonyTemplate() {
    const GgufFile f = GgufFile::open(make(m_dir, "gpt-oss", "tiny"));
    const auto tok = Tokenizer::from_gguf(f);
    std::string why;
    ChatTemplate t = ChatTemplate::from_model(f.get_string("tokenizer.chat_template"), &why);
    QCOMPARE(t.reasoning, ReasoningFormat::harmony);
    QVERIFY(t.supports_reasoning_effort());
    const std::vector<ChatMessage> msgs = { { "user", "Hi" } };
    QVERIFY(t.render_text(msgs, true).find("Reasoning: medium") != std::string::npos);
    t.options.reasoning_effort = "high";
    const std::string text = t.render_text(msgs, true);
    QVERIFY(text.find("Reasoning: high") != std::string::npos);
    QVERIFY(text.ends_with("<|start|>user<|message|>Hi<|end|><|start|>assistant"));
    for (const char* s : { "<|start|>", "<|channel|>", "<|message|>", "<|end|>", "<|return|>" })
        QVERIFY2(tok->find(s) >= 0, s);
    const auto stops = t.stop_tokens(*tok);
    QVERIFY(std::find(stops.begin(), stops.end(), tok->find("<|return|>")) != stops.end());
    QVERIFY(std::find(stops.begin(), stops.end(), tok->find("<|end|>")) == stops.end());
    ReasoningSplitter s(t.reasoning, "<|start|>assistant");
    std::string thinking, answer;
    for (const auto& [piece, control] : std::vector<std::pair<std::string, bool>> { { "<|channel|>", true },
             { "analysis", false }, { "<|message|>", true }, { "Let me think.", false }, { "<|end|>", true },
             { "<|start|>", true }, { "assistant", false }, { "<|channel|>", true }, { "final", false },
             { "<|message|>", true }, { "Hello!", false } }) {
        for (const TextPiece& p : s.push(piece, control, control ? std::string() : piece))
            (p.reasoning ? thinking : answer) += p.text;
    }
    for (const TextPiece& p : s.flush())
        (p.reasoning ? thinking : answer) += p.text;
    QCOMPARE(thinking, std::string("Let me think."));
    QCOMPARE(answer, std::string("Hello!"));
}

void TestOssGranite::refusesGraniteHybridByName() {
    GgufWriter w;
    w.set_string("general.architecture", "granitehybrid");
    w.set_uint32("granitehybrid.block_count", 1);
    const std::vector<uint8_t> bytes = w.to_bytes();
    try {
        Model::load(GgufFile::from_memory(bytes.data(), bytes.size()));
        QFAIL("granitehybrid loaded");
    } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find("Mamba") != std::string::npos, e.what());
    }
}

QTEST_GUILESS_MAIN(TestOssGranite)
#include "tst_oss_granite.moc"
