// Model loading: every supported architecture from a synthetic file, the
// configuration it yields, parameter accounting, and the errors a person
// gets for files that are valid GGUF but not a model we can run.
#include "model/model.h"
#include "model/synth.h"
#include "quant/quant.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fmt/format.h>

using namespace moe;

namespace {

std::string make(const QTemporaryDir& dir, const std::string& arch, uint32_t quant = GGML_TYPE_F32) {
    const std::string path = dir.filePath(QString::fromStdString(arch + ".gguf")).toStdString();
    SynthOptions o;
    o.arch = arch;
    o.preset = "tiny";
    o.quant = quant;
    o.seed = 5;
    write_synthetic_model(o, path);
    return path;
}

// Writes a copy of a tiny model with one tensor left out or reshaped, or one key changed.
std::string write_variant(const QTemporaryDir& dir, const std::string& src_path, const std::string& name,
    const std::function<bool(GgufWriter&, const GgufTensorInfo&)>& tensor_hook,
    const std::function<void(GgufWriter&)>& kv_hook) {
    GgufFile src = GgufFile::open(src_path);
    GgufWriter w;
    for (const GgufKV& kv : src.kvs()) {
        switch (kv.type) {
        case GgufValueType::STRING:
            w.set_string(kv.key, std::string(kv.str));
            break;
        case GgufValueType::UINT32:
            w.set_uint32(kv.key, uint32_t(kv.u));
            break;
        case GgufValueType::FLOAT32:
            w.set_float32(kv.key, float(kv.f));
            break;
        case GgufValueType::BOOL:
            w.set_bool(kv.key, kv.b);
            break;
        default:
            break; // tokenizer arrays are not needed to load the model
        }
    }
    kv_hook(w);
    for (const GgufTensorInfo& t : src.tensors()) {
        if (!tensor_hook(w, t)) continue;
        std::vector<int64_t> ne(t.ne, t.ne + t.n_dims);
        const uint8_t* data = t.data;
        w.add_tensor(t.name, t.type, ne, [data](uint8_t* dst, size_t n) { std::memcpy(dst, data, n); });
    }
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    w.write(path);
    return path;
}

} // namespace

class TestModel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void loadsEveryArchitecture_data();
    void loadsEveryArchitecture();
    void activeParametersOfTinyQwen3Moe();
    void quantizedModelLoads();
    void errors_data();
    void errors();

private:
    QTemporaryDir m_dir;
};

void TestModel::loadsEveryArchitecture_data() {
    QTest::addColumn<QString>("arch");
    QTest::addColumn<bool>("moe");
    QTest::addColumn<int>("rope");
    QTest::addColumn<int>("qk_norm");
    QTest::addColumn<bool>("bias");
    QTest::addColumn<bool>("norm_topk");
    QTest::addColumn<int>("shared");
    QTest::newRow("qwen3moe") << "qwen3moe" << true << int(RopeStyle::neox) << int(QkNorm::per_head) << false << true
                              << 0;
    QTest::newRow("qwen2moe") << "qwen2moe" << true << int(RopeStyle::neox) << int(QkNorm::none) << true << false << 1;
    QTest::newRow("llama (mixtral)") << "llama" << true << int(RopeStyle::normal) << int(QkNorm::none) << false << true
                                     << 0;
    QTest::newRow("olmoe") << "olmoe" << true << int(RopeStyle::neox) << int(QkNorm::full) << false << false << 0;
    QTest::newRow("qwen3 dense") << "qwen3" << false << int(RopeStyle::neox) << int(QkNorm::per_head) << false << true
                                 << 0;
}

void TestModel::loadsEveryArchitecture() {
    QFETCH(QString, arch);
    QFETCH(bool, moe);
    QFETCH(int, rope);
    QFETCH(int, qk_norm);
    QFETCH(bool, bias);
    QFETCH(bool, norm_topk);
    QFETCH(int, shared);
    auto m = Model::load(make(m_dir, arch.toStdString()));
    const ModelConfig& c = m->config();
    QCOMPARE(QString(arch_name(c.arch)), arch);
    QCOMPARE(c.is_moe, moe);
    QCOMPARE(int(c.rope), rope);
    QCOMPARE(int(c.qk_norm), qk_norm);
    QCOMPARE(c.qkv_bias, bias);
    QCOMPARE(c.norm_topk, norm_topk);
    QCOMPARE(c.n_expert_shared, shared);
    QCOMPARE(c.n_layer, 2);
    QCOMPARE(c.n_embd, 128);
    QCOMPARE(c.n_vocab, 512);
    QCOMPARE(c.n_expert, moe ? 8 : 1);
    QCOMPARE(c.n_expert_used, moe ? 2 : 1);
    QCOMPARE(int(m->weights().layers.size()), 2);
    QCOMPARE(int(m->weights().layers[1].gate_exp.size()), c.n_expert);
    QVERIFY(m->stats().total_params > 0);
    QVERIFY(m->stats().active_params <= m->stats().total_params);
}

void TestModel::activeParametersOfTinyQwen3Moe() {
    auto m = Model::load(make(m_dir, "qwen3moe"));
    // tiny: 2 layers, d=128, 4 heads × 32, 2 kv heads, 8 experts (ffn 64), top-2, vocab 512
    const uint64_t attn = 128 * 128 + 2 * 128 * 64 + 128 * 128 + 32 + 32; // q, k, v, o, q/k norms
    const uint64_t expert = 3 * 128 * 64;
    const uint64_t layer_total = attn + 128 * 8 + 8 * expert + 2 * 128; // + router + 2 norms
    const uint64_t total = 2 * layer_total + 2 * 512 * 128 + 128; // + embd, output, output norm
    QCOMPARE(m->stats().total_params, total);
    QCOMPARE(m->stats().active_params, total - 2 * 6 * expert);
}

void TestModel::quantizedModelLoads() {
    auto m = Model::load(make(m_dir, "olmoe", GGML_TYPE_Q8_0));
    QVERIFY(m->stats().by_type.count("Q8_0") == 1);
    QCOMPARE(m->weights().layers[0].gate_exp[3].type, uint32_t(GGML_TYPE_Q8_0));
    // bytes of one Q8_0 expert: 3 matrices of 64×128 at 34 bytes per 32 values
    QCOMPARE(m->expert_bytes(0, 3), uint64_t(3 * 64 * 128 / 32 * 34));
}

void TestModel::errors_data() {
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing expert tensor") << "missing"
                                           << "missing tensor blk.1.ffn_gate_exps.weight";
    QTest::newRow("expert count disagrees with tensor")
        << "experts"
        << "blk.0.ffn_gate_inp.weight has shape [128, 8], expected [128, 16]";
    QTest::newRow("unsupported architecture") << "arch"
                                              << "architecture 'mamba' is not supported (supported: qwen3moe";
    QTest::newRow("missing block count") << "nokey"
                                         << "qwen3moe.block_count";
    QTest::newRow("more used than experts") << "used"
                                            << "9 experts used per token but only 8 experts";
}

void TestModel::errors() {
    QFETCH(QString, variant);
    QFETCH(QString, expected);
    const std::string base = make(m_dir, "qwen3moe");
    const std::string v = variant.toStdString();
    auto keep_all = [](GgufWriter&, const GgufTensorInfo&) { return true; };
    std::function<bool(GgufWriter&, const GgufTensorInfo&)> th = keep_all;
    std::function<void(GgufWriter&)> kh = [](GgufWriter&) {};
    if (v == "missing")
        th = [](GgufWriter&, const GgufTensorInfo& t) { return t.name != "blk.1.ffn_gate_exps.weight"; };
    if (v == "experts") kh = [](GgufWriter& w) { w.set_uint32("qwen3moe.expert_count", 16); };
    if (v == "arch") kh = [](GgufWriter& w) { w.set_string("general.architecture", "mamba"); };
    if (v == "used") kh = [](GgufWriter& w) { w.set_uint32("qwen3moe.expert_used_count", 9); };
    std::string path;
    if (v == "nokey") {
        // rebuild without the key by writing every other key
        GgufFile src = GgufFile::open(base);
        GgufWriter w;
        for (const GgufKV& kv : src.kvs()) {
            if (kv.key == "qwen3moe.block_count") continue;
            if (kv.type == GgufValueType::STRING) w.set_string(kv.key, std::string(kv.str));
            if (kv.type == GgufValueType::UINT32) w.set_uint32(kv.key, uint32_t(kv.u));
            if (kv.type == GgufValueType::FLOAT32) w.set_float32(kv.key, float(kv.f));
        }
        path = m_dir.filePath("nokey.gguf").toStdString();
        w.write(path);
    } else {
        path = write_variant(m_dir, base, v + ".gguf", th, kh);
    }
    try {
        Model::load(path);
        QFAIL("loaded a model that should have been refused");
    } catch (const Error& e) {
        const QString msg = QString::fromUtf8(e.what());
        QVERIFY2(msg.contains(expected), qPrintable(msg));
    }
}

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
