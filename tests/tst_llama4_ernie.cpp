// Llama 4 (llama4) and ERNIE 4.5 MoE (ernie4_5-moe) on the CPU: what loads
// from their files (interleaved MoE blocks, shared experts, blocks without
// RoPE, chunks), the chunked attention's mask and the attention temperature,
// the expert input scaled by its router weight, a multi-turn chat against one
// prefill, the description's lines and the chat templates of the presets.
#include "cpu/llama4_ops.h"
#include "cpu/ops.h"
#include "model/model.h"
#include "model/synth.h"
#include "model/synth_llama4_ernie.h"
#include "quant/quant.h"
#include "run/description.h"
#include "runtime/backend.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

#include "family_test_util.h" // after the engine headers: Qt defines emit

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <vector>

using namespace moe;

using test::cpu_backend;
using test::make;
using test::max_diff;
using test::run_chunks;
using test::tokens;

class TestLlama4Ernie : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void llama4Loads();
    void ernieLoads_data();
    void ernieLoads();
    void chunkedAttentionSeesOnlyItsChunk();
    void temperatureStepsWithThePosition();
    void routerWeightScalesTheExpertInput();
    void multiTurnEqualsOnePrefill_data();
    void multiTurnEqualsOnePrefill();
    void descriptionShowsWhatIsParticular();
    void templatesRenderTheFamiliesFormats();
    void refusesAFileWithoutItsInterleaveStep();
    void publishedPresetsHaveTheirSizes();

private:
    QTemporaryDir m_dir;
};

void TestLlama4Ernie::llama4Loads() {
    auto m = Model::load(make(m_dir, "llama4", "tiny"));
    const ModelConfig& c = m->config();
    QCOMPARE(c.arch, Arch::llama4);
    QCOMPARE(c.n_layer, 4);
    QCOMPARE(c.n_moe_layer_step, 2);
    QCOMPARE(c.n_moe_layer, 2);
    QCOMPARE(m->moe_block(0), 1);
    QCOMPARE(m->moe_block(1), 3);
    QCOMPARE(c.gating, Gating::sigmoid);
    QVERIFY(!c.norm_topk);
    QVERIFY(c.moe_weight_first);
    QVERIFY(c.qk_l2_norm); // not 128 experts
    QCOMPARE(c.n_ff_shexp, c.n_ff_exp);
    QVERIFY(!c.shexp_gated);
    QCOMPARE(c.n_ff, 128);
    QVERIFY(bool(m->weights().rope_freqs));
    const auto& L = m->weights().layers;
    for (int il = 0; il < 4; ++il) {
        QCOMPARE(L[size_t(il)].use_rope, il != 3); // the 4th block has no RoPE ...
        QCOMPARE(L[size_t(il)].n_chunk, il != 3 ? 8192 : 0); // ... and attends to everything
        QCOMPARE(L[size_t(il)].ffn, il % 2 == 1 ? FfnKind::moe : FfnKind::dense);
    }
    auto chunked = Model::load(make(m_dir, "llama4", "tiny-chunk"));
    QCOMPARE(chunked->weights().layers[0].n_chunk, 16);
    QCOMPARE(chunked->config().attn_temp_length, 8);
    auto b = cpu_backend(m);
    QCOMPARE(b->n_moe_layers(), 2);
    QCOMPARE(b->top_k(), 1);
    const std::vector<int32_t> t = tokens(6);
    b->forward(t.data(), 6, 0, true);
    for (int i = 0; i < 6; ++i)
        for (int v = 0; v < c.n_vocab; ++v)
            QVERIFY(std::isfinite(b->logits(i)[v]));
}

void TestLlama4Ernie::ernieLoads_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("step");
    QTest::addColumn<int>("moe_layers");
    QTest::newRow("tiny: MoE after one dense block") << QString("tiny") << 1 << 2;
    QTest::newRow("tiny-step2: MoE every second block") << QString("tiny-step2") << 2 << 2;
}

void TestLlama4Ernie::ernieLoads() {
    QFETCH(QString, preset);
    QFETCH(int, step);
    QFETCH(int, moe_layers);
    auto m = Model::load(make(m_dir, "ernie4_5-moe", preset.toStdString()));
    const ModelConfig& c = m->config();
    QCOMPARE(c.arch, Arch::ernie4_5_moe);
    QCOMPARE(c.n_layer_dense_lead, 1);
    QCOMPARE(c.n_moe_layer_step, step);
    QCOMPARE(c.n_moe_layer, moe_layers);
    QCOMPARE(int(m->weights().layers[0].ffn), int(FfnKind::dense));
    QCOMPARE(m->moe_block(0), step == 1 ? 1 : 1);
    QCOMPARE(m->moe_block(1), step == 1 ? 2 : 3);
    if (step == 2) QCOMPARE(int(m->weights().layers[2].ffn), int(FfnKind::dense));
    QCOMPARE(c.gating, Gating::softmax);
    QVERIFY(c.norm_topk);
    QVERIFY(c.expert_bias);
    QCOMPARE(c.n_expert_shared, 2);
    QCOMPARE(c.n_ff_shexp, 2 * c.n_ff_exp);
    QVERIFY(!c.shexp_gated);
    QVERIFY(c.tied_output);
    QVERIFY(!c.moe_weight_first);
    auto b = cpu_backend(m);
    const std::vector<int32_t> t = tokens(8);
    b->forward(t.data(), 8, 0, false);
    for (int i = 0; i < 8; ++i)
        for (int l = 0; l < b->n_moe_layers(); ++l) {
            float sum = 0.0f;
            for (int j = 0; j < b->top_k(); ++j)
                sum += b->routing_weights(i, l)[j];
            QVERIFY(std::fabs(sum - 1.0f) < 1e-5f); // renormalised (the bias only chooses)
        }
}

// Keys and values of an earlier chunk changed: a query of a later chunk does not see them; full attention does.
void TestLlama4Ernie::chunkedAttentionSeesOnlyItsChunk() {
    const int n_head = 2, n_kv = 1, hd = 8, T = 20, chunk = 8;
    std::vector<float> q(size_t(T) * n_head * hd), kc(size_t(T) * n_kv * hd), vc(kc.size());
    for (size_t i = 0; i < q.size(); ++i)
        q[i] = std::sin(0.37f * float(i));
    for (size_t i = 0; i < kc.size(); ++i) {
        kc[i] = std::cos(0.11f * float(i));
        vc[i] = std::sin(0.23f * float(i) + 1.0f);
    }
    std::vector<float> scores(static_cast<size_t>(T)), a(q.size()), b(q.size()), full_a(q.size()), full_b(q.size());
    cpu::chunked_attention(
        q.data(), kc.data(), vc.data(), a.data(), 0, T, n_head, n_kv, hd, chunk, scores.data(), size_t(T), nullptr);
    cpu::attention(
        q.data(), kc.data(), vc.data(), full_a.data(), 0, T, n_head, n_kv, hd, scores.data(), size_t(T), nullptr);
    for (int p = 0; p < chunk; ++p) // change the first chunk's keys and values
        for (int i = 0; i < n_kv * hd; ++i) {
            kc[size_t(p * n_kv * hd + i)] += 0.5f;
            vc[size_t(p * n_kv * hd + i)] -= 0.7f;
        }
    cpu::chunked_attention(
        q.data(), kc.data(), vc.data(), b.data(), 0, T, n_head, n_kv, hd, chunk, scores.data(), size_t(T), nullptr);
    cpu::attention(
        q.data(), kc.data(), vc.data(), full_b.data(), 0, T, n_head, n_kv, hd, scores.data(), size_t(T), nullptr);
    const size_t row = size_t(n_head) * hd;
    for (int t = 0; t < T; ++t) {
        const std::vector<float> ra(a.begin() + ptrdiff_t(t * row), a.begin() + ptrdiff_t((t + 1) * row));
        const std::vector<float> rb(b.begin() + ptrdiff_t(t * row), b.begin() + ptrdiff_t((t + 1) * row));
        if (t < chunk)
            QVERIFY(max_diff(ra, rb) > 1e-3f);
        else
            QCOMPARE(max_diff(ra, rb), 0.0f); // later chunks never read the first
        const std::vector<float> fa(full_a.begin() + ptrdiff_t(t * row), full_a.begin() + ptrdiff_t((t + 1) * row));
        const std::vector<float> fb(full_b.begin() + ptrdiff_t(t * row), full_b.begin() + ptrdiff_t((t + 1) * row));
        QVERIFY(max_diff(fa, fb) > 1e-3f);
        if (t < chunk) QCOMPARE(max_diff(ra, fa), 0.0f); // in the first chunk both are plain causal attention
    }
    // a batch that starts inside a chunk (decoding) gives the same rows as one prefill
    std::vector<float> c(q.size());
    cpu::chunked_attention(
        q.data(), kc.data(), vc.data(), c.data(), 0, 11, n_head, n_kv, hd, chunk, scores.data(), size_t(T), nullptr);
    cpu::chunked_attention(q.data() + 11 * row, kc.data(), vc.data(), c.data() + 11 * row, 11, T - 11, n_head, n_kv, hd,
        chunk, scores.data(), size_t(T), nullptr);
    QCOMPARE(max_diff(c, b), 0.0f);
}

void TestLlama4Ernie::temperatureStepsWithThePosition() {
    auto m = Model::load(make(m_dir, "llama4", "tiny"));
    const ModelConfig& c = m->config(); // llama.cpp's: 1 + 0.1 ln(floor((pos + 1) / 8192) + 1)
    QCOMPARE(cpu::attn_temperature(c, 0), 1.0f);
    QCOMPARE(cpu::attn_temperature(c, 8190), 1.0f);
    QVERIFY(std::fabs(cpu::attn_temperature(c, 8191) - float(1.0 + 0.1 * std::log(2.0))) < 1e-7f);
    QVERIFY(std::fabs(cpu::attn_temperature(c, 3 * 8192) - float(1.0 + 0.1 * std::log(4.0))) < 1e-7f);
    auto s = Model::load(make(m_dir, "llama4", "tiny-chunk"));
    QVERIFY(std::fabs(cpu::attn_temperature(s->config(), 7) - float(1.0 + 0.1 * std::log(2.0))) < 1e-7f);
}

// Two tokens routed to the same expert with weights w1, w2: each slot's input is its token's row times its weight.
void TestLlama4Ernie::routerWeightScalesTheExpertInput() {
    const int D = 4, E = 3, K = 1, B = 2;
    std::vector<int32_t> buf(MoeGroups::words(E, B, K));
    MoeGroups g = MoeGroups::layout(buf.data(), E, B, K);
    const int32_t ids[] = { 2, 2 };
    const float w[] = { 0.25f, 0.75f };
    cpu::group(ids, w, 1, B, K, E, g);
    const std::vector<float> xn = { 1, 2, 3, 4, 5, 6, 7, 8 };
    std::vector<float> xe(size_t(B * K * D));
    cpu::weight_expert_inputs(xn.data(), D, D, g, xe.data());
    const std::vector<float> want = { 0.25f, 0.5f, 0.75f, 1.0f, 3.75f, 4.5f, 5.25f, 6.0f };
    QCOMPARE(xe, want);
    QCOMPARE(g.slot_token[0], 0);
    QCOMPARE(g.slot_token[1], 1);
    QCOMPARE(g.slot_weight[0], 1.0f); // the output is taken as it is
    QCOMPARE(g.slot_weight[1], 1.0f);
}

void TestLlama4Ernie::multiTurnEqualsOnePrefill_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<QString>("preset");
    QTest::newRow("llama4 tiny-chunk (chunks of 16)") << QString("llama4") << QString("tiny-chunk");
    QTest::newRow("ernie4_5-moe tiny") << QString("ernie4_5-moe") << QString("tiny");
    QTest::newRow("ernie4_5-moe tiny-step2") << QString("ernie4_5-moe") << QString("tiny-step2");
}

// A chat feeds the transcript in pieces (prompt, replies token by token, the
// next turn) across chunk boundaries, and may rewind over a discarded reply:
// the cache must make that equal to one prefill of the same transcript.
void TestLlama4Ernie::multiTurnEqualsOnePrefill() {
    QFETCH(QString, arch);
    QFETCH(QString, preset);
    auto m = Model::load(make(m_dir, arch.toStdString(), preset.toStdString()));
    const int V = m->config().n_vocab;
    const std::vector<int32_t> t = tokens(40);
    auto one = cpu_backend(m);
    const test::Pass whole = run_chunks(*one, *m, t, { 16, 16, 8 });
    auto chat = cpu_backend(m);
    std::vector<int> pieces = { 9 };
    for (int i = 0; i < 9; ++i) // replies decoded one token at a time, over the chunk boundary at 16
        pieces.push_back(1);
    pieces.push_back(13);
    pieces.push_back(1);
    pieces.push_back(8);
    const test::Pass turns = run_chunks(*chat, *m, t, pieces);
    QVERIFY2(max_diff(whole.last_logits, turns.last_logits) < 1e-4f,
        qPrintable(QString::number(max_diff(whole.last_logits, turns.last_logits))));
    QCOMPARE(turns.ids, whole.ids);
    // a reply discarded after position 14 and the transcript fed again from there
    std::vector<int32_t> junk(10, 5);
    chat->forward(junk.data(), 10, 14, false);
    chat->forward(t.data() + 14, 16, 14, false);
    chat->forward(t.data() + 30, 10, 30, false);
    const float* lg = chat->logits(9);
    QVERIFY(max_diff(whole.last_logits, std::vector<float>(lg, lg + V)) < 1e-4f);
}

void TestLlama4Ernie::descriptionShowsWhatIsParticular() {
    auto m = Model::load(make(m_dir, "llama4", "tiny"));
    const ModelDescription d = describe_model(*m, 64);
    QCOMPARE(d.moe_layers, 2);
    QCOMPARE(int(d.layer_kinds.size()), 4);
    QCOMPARE(d.layer_kinds[0], std::string("GQA chunks of 8192 + dense FFN"));
    QCOMPARE(d.layer_kinds[1], std::string("GQA chunks of 8192 + MoE + shared"));
    QCOMPARE(d.layer_kinds[3], std::string("GQA without RoPE + MoE + shared"));
    bool interleaved = false, routing = false, no_rope = false;
    for (const auto& [label, value] : description_lines(d)) {
        interleaved = interleaved || value.find("MoE in every 2nd block") != std::string::npos;
        routing = routing || value.find("top-1 sigmoid") != std::string::npos;
        no_rope = no_rope || value.find("without RoPE") != std::string::npos;
    }
    QVERIFY(interleaved);
    QVERIFY(routing);
    QVERIFY(no_rope);
    auto e = Model::load(make(m_dir, "ernie4_5-moe", "tiny"));
    const ModelDescription de = describe_model(*e, 64);
    QCOMPARE(de.layer_kinds.front(), std::string("GQA + dense FFN"));
    QCOMPARE(de.layer_kinds.back(), std::string("GQA + MoE + shared"));
    QVERIFY(de.correction_bias);
}

// The presets' templates through the engine's Jinja renderer. The expected texts
// are @huggingface/jinja's renders of the same templates and messages (checked
// once by hand with 0.5.13); Llama 4's is also what llama.cpp's built-in llama4
// format writes (llm_chat_apply_template: header tokens, content trimmed,
// <|eot|>) after the begin-of-text token.
void TestLlama4Ernie::templatesRenderTheFamiliesFormats() {
    const std::vector<ChatMessage> msgs
        = { { "system", "Be brief." }, { "user", " Hi there " }, { "assistant", "Hello." }, { "user", "Why?" } };
    {
        GgufFile f = GgufFile::open(make(m_dir, "llama4", "tiny"));
        auto tok = Tokenizer::from_gguf(f);
        std::string why;
        const ChatTemplate t = ChatTemplate::from_model(f.get_string("tokenizer.chat_template"), &why);
        QCOMPARE(t.name, std::string("jinja"));
        QCOMPARE(t.render_text(msgs, true, tok.get()),
            std::string("<|begin_of_text|><|header_start|>system<|header_end|>\n\nBe brief.<|eot|>"
                        "<|header_start|>user<|header_end|>\n\nHi there<|eot|>"
                        "<|header_start|>assistant<|header_end|>\n\nHello.<|eot|>"
                        "<|header_start|>user<|header_end|>\n\nWhy?<|eot|>"
                        "<|header_start|>assistant<|header_end|>\n\n"));
        const std::vector<int32_t> stop = t.stop_tokens(*tok);
        QVERIFY(std::find(stop.begin(), stop.end(), tok->find("<|eot|>")) != stop.end());
        // the header tokens are single special tokens of the vocabulary
        const std::vector<int32_t> ids = t.render(*tok, msgs, true);
        QVERIFY(std::count(ids.begin(), ids.end(), tok->find("<|header_start|>")) == 5);
    }
    {
        GgufFile f = GgufFile::open(make(m_dir, "ernie4_5-moe", "tiny"));
        auto tok = Tokenizer::from_gguf(f);
        std::string why;
        const ChatTemplate t = ChatTemplate::from_model(f.get_string("tokenizer.chat_template"), &why);
        QCOMPARE(t.render_text(msgs, true, tok.get()),
            std::string("<|begin_of_sentence|>Be brief.\nUser:  Hi there \nAssistant: Hello.<|end_of_sentence|>"
                        "User: Why?\nAssistant: "));
        const std::vector<int32_t> stop = t.stop_tokens(*tok);
        QVERIFY(std::find(stop.begin(), stop.end(), tok->find("<|end_of_sentence|>")) != stop.end());
    }
}

void TestLlama4Ernie::refusesAFileWithoutItsInterleaveStep() {
    const std::string path = make(m_dir, "ernie4_5-moe", "tiny");
    GgufFile src = GgufFile::open(path);
    GgufWriter w;
    for (const GgufKV& kv : src.kvs()) {
        if (kv.key == "ernie4_5-moe.interleave_moe_layer_step") continue;
        if (kv.type == GgufValueType::STRING) w.set_string(kv.key, std::string(kv.str));
        if (kv.type == GgufValueType::UINT32) w.set_uint32(kv.key, uint32_t(kv.u));
        if (kv.type == GgufValueType::FLOAT32) w.set_float32(kv.key, float(kv.f));
    }
    for (const GgufTensorInfo& t : src.tensors()) {
        const uint8_t* data = t.data;
        w.add_tensor(t.name, t.type, std::vector<int64_t>(t.ne, t.ne + t.n_dims),
            [data](uint8_t* dst, size_t n) { std::memcpy(dst, data, n); });
    }
    const std::string bad = m_dir.filePath("no-step.gguf").toStdString();
    w.write(bad);
    try {
        Model::load(bad);
        QFAIL("loaded a file without interleave_moe_layer_step");
    } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find("interleave_moe_layer_step") != std::string::npos, e.what());
    }
}

// The published presets' tensors counted, not written (Scout's file would be 400 GB
// at F32): Meta gives Scout 17 B active of 109 B (the 109 B with its vision
// encoder, not in a text GGUF), Baidu ERNIE-4.5-21B-A3B 3 B active of 21 B.
void TestLlama4Ernie::publishedPresetsHaveTheirSizes() {
    struct Want {
        const char* name;
        double total, active; // billions
    };
    for (const Want& want : { Want { "llama-4-scout", 107.77, 17.17 }, Want { "ernie-4.5-21b-a3b", 21.83, 3.35 } }) {
        const Llama4ErniePreset* p = find_llama4_ernie_preset(want.name, "");
        QVERIFY(p);
        double total = 0.0, experts = 0.0;
        add_llama4_ernie_tensors(*p, p->n_vocab, GGML_TYPE_F32,
            [&](const std::string& name, std::vector<int64_t> ne, uint32_t, float, float) {
                double n = 1.0;
                for (int64_t d : ne)
                    n *= double(d);
                total += n;
                if (name.find("_exps.") != std::string::npos) experts += n;
            });
        const double active = total - experts * double(p->n_expert - p->n_expert_used) / double(p->n_expert);
        QVERIFY2(std::fabs(total / 1e9 - want.total) < 0.01, qPrintable(QString::number(total / 1e9)));
        QVERIFY2(std::fabs(active / 1e9 - want.active) < 0.01, qPrintable(QString::number(active / 1e9)));
    }
}

QTEST_GUILESS_MAIN(TestLlama4Ernie)
#include "tst_llama4_ernie.moc"
