// general.file_type as llama.cpp numbers it (enum llama_ftype in its
// include/llama.h, v0.5.0): the table itself, every type make-model can write,
// and the error for a type llama.cpp gives no file type.
#include "error.h"
#include "gguf/gguf.h"
#include "model/synth.h"
#include "quant/quant.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace moe;

class TestFileType : public QObject {
    Q_OBJECT
private slots:
    void followsLlamaCpp_data();
    void followsLlamaCpp();
    void makeModelWritesIt_data();
    void makeModelWritesIt();
    void typesWithoutFileType();
};

namespace {

// ggml type name -> LLAMA_FTYPE_*, copied by hand from llama.cpp's llama.h.
// Where llama.cpp has several mixes of one type (Q3_K_S/M/L, Q4_K_S/M, ...) the
// expected value is the mix llama_model_loader guesses for a file of that type.
const struct {
    const char* type;
    uint32_t ftype;
} k_expected[] = {
    { "F32", 0 },
    { "F16", 1 },
    { "Q4_0", 2 },
    { "Q4_1", 3 },
    { "Q8_0", 7 },
    { "Q5_0", 8 },
    { "Q5_1", 9 },
    { "Q2_K", 10 },
    { "Q3_K", 12 },
    { "Q4_K", 15 },
    { "Q5_K", 17 },
    { "Q6_K", 18 },
    { "IQ2_XXS", 19 },
    { "IQ2_XS", 20 },
    { "IQ3_XXS", 23 },
    { "IQ1_S", 24 },
    { "IQ4_NL", 25 },
    { "IQ3_S", 26 },
    { "IQ2_S", 28 },
    { "IQ4_XS", 30 },
    { "IQ1_M", 31 },
    { "BF16", 32 },
    { "TQ1_0", 36 },
    { "TQ2_0", 37 },
    { "MXFP4", 38 },
    { "NVFP4", 39 },
    { "Q1_0", 40 },
    { "Q2_0", 41 },
};

uint32_t type_id(const QString& name) {
    uint32_t t = 0;
    if (!type_from_name(name.toUtf8().constData(), &t)) qFatal("unknown type %s", qPrintable(name));
    return t;
}

} // namespace

void TestFileType::followsLlamaCpp_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<uint32_t>("ftype");
    for (const auto& e : k_expected)
        QTest::newRow(e.type) << QString(e.type) << e.ftype;
}

void TestFileType::followsLlamaCpp() {
    QFETCH(QString, type);
    QFETCH(uint32_t, ftype);
    QCOMPARE(llama_file_type(type_id(type)), ftype);
}

void TestFileType::makeModelWritesIt_data() {
    followsLlamaCpp_data();
}

// Every type we can quantize to without an importance matrix goes through
// the writer; the key read back is llama.cpp's number, not the ggml type id.
void TestFileType::makeModelWritesIt() {
    QFETCH(QString, type);
    QFETCH(uint32_t, ftype);
    const uint32_t t = type_id(type);
    QTemporaryDir dir;
    const std::string path = dir.filePath("m.gguf").toStdString();
    SynthOptions o;
    o.arch = "qwen3moe";
    o.preset = "small"; // rows of 256: no tensor falls back to another block format
    o.quant = t;
    try {
        write_synthetic_model(o, path);
    } catch (const Error& e) {
        // the writer refuses what it cannot quantize (IQ types need an imatrix)
        QSKIP(qPrintable(QString("make-model does not write %1: %2").arg(type, e.what())));
    }
    const GgufFile f = GgufFile::open(path);
    QCOMPARE(uint32_t(f.get_uint("general.file_type")), ftype);
    QVERIFY(f.find_tensor("blk.0.ffn_up_exps.weight"));
    QCOMPARE(f.find_tensor("blk.0.ffn_up_exps.weight")->type, t);
}

void TestFileType::typesWithoutFileType() {
    // Q8_K and Q8_1 are ggml's activation formats: no model file is made of them.
    for (uint32_t t : { uint32_t(GGML_TYPE_Q8_K), uint32_t(GGML_TYPE_Q8_1), 99u }) {
        QVERIFY_THROWS_EXCEPTION(Error, llama_file_type(t));
    }
}

QTEST_GUILESS_MAIN(TestFileType)
#include "tst_file_type.moc"
