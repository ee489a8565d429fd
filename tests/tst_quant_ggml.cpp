// Block formats against ggml itself: random blocks of every type decoded by
// ggml's to_float (llama.cpp v0.5.0's libggml-base.so), and rows quantized by
// ggml_quantize_chunk, recorded in tests/quant_goldens/ by make_goldens.py.
// Our dequantize_row must reproduce every value bit for bit, our quantize_row
// every byte; vec_dot (AVX2 and portable) must agree with
// dequantize-then-multiply on the same random blocks.
#include "error.h"
#include "quant/quant.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <vector>

using namespace moe;

namespace {

QString golden_path(const QString& name) {
    return QStringLiteral(MOE_QUANT_GOLDENS "/") + name;
}

// A dequant_<TYPE>.bin file (layout in make_goldens.py).
struct DequantGolden {
    uint32_t type = 0, block = 0, type_size = 0, n_blocks = 0, n_full = 0;
    std::vector<uint8_t> blocks;
    std::vector<float> values; // ggml's output for the first n_full blocks
    std::vector<uint64_t> hashes; // FNV-1a 64 of ggml's output bytes, per block
};

template <typename T> T take(const QByteArray& data, qsizetype& at) {
    T v {};
    if (at + qsizetype(sizeof v) > data.size()) throw Error("golden file truncated");
    std::memcpy(&v, data.constData() + at, sizeof v);
    at += sizeof v;
    return v;
}

QByteArray read_file(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) throw Error("cannot open " + path.toStdString());
    return f.readAll();
}

DequantGolden load_dequant(const QString& type_name) {
    const QByteArray data = read_file(golden_path("dequant_" + type_name + ".bin"));
    if (!data.startsWith(QByteArray("MOEQDQ1\0", 8))) throw Error("bad magic in dequant_" + type_name.toStdString());
    qsizetype at = 8;
    DequantGolden g;
    g.type = take<uint32_t>(data, at);
    g.block = take<uint32_t>(data, at);
    g.type_size = take<uint32_t>(data, at);
    g.n_blocks = take<uint32_t>(data, at);
    g.n_full = take<uint32_t>(data, at);
    g.blocks.resize(size_t(g.n_blocks) * g.type_size);
    for (auto& b : g.blocks)
        b = take<uint8_t>(data, at);
    g.values.resize(size_t(g.n_full) * g.block);
    for (auto& v : g.values)
        v = take<float>(data, at);
    g.hashes.resize(g.n_blocks);
    for (auto& h : g.hashes)
        h = take<uint64_t>(data, at);
    if (at != data.size()) throw Error("trailing bytes in dequant_" + type_name.toStdString());
    return g;
}

uint64_t fnv1a64(const float* v, size_t n) {
    uint64_t h = 0xCBF29CE484222325ull;
    const auto* p = reinterpret_cast<const uint8_t*>(v);
    for (size_t i = 0; i < n * sizeof(float); ++i)
        h = (h ^ p[i]) * 0x100000001B3ull;
    return h;
}

uint32_t bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

// Decodes the golden's blocks with our dequantize_row and compares with
// ggml's output: values bit for bit where stored, hashes elsewhere. Returns
// the blocks that differ; *max_err receives the largest |ours - ggml| over
// the stored values.
std::vector<uint32_t> mismatching_blocks(const DequantGolden& g, const std::vector<uint8_t>& blocks, double* max_err) {
    const int64_t n = int64_t(g.n_blocks) * g.block;
    std::vector<float> ours(static_cast<size_t>(n));
    dequantize_row(g.type, blocks.data(), ours.data(), n);
    std::vector<uint32_t> bad;
    *max_err = 0;
    for (uint32_t b = 0; b < g.n_blocks; ++b) {
        const float* y = ours.data() + size_t(b) * g.block;
        bool same = fnv1a64(y, g.block) == g.hashes[b];
        if (b < g.n_full) {
            for (uint32_t i = 0; i < g.block; ++i) {
                const float want = g.values[size_t(b) * g.block + i];
                if (bits(y[i]) != bits(want)) same = false;
                const double e = std::fabs(double(y[i]) - double(want));
                *max_err = std::isnan(e) ? INFINITY : std::max(*max_err, e);
            }
        }
        if (!same) bad.push_back(b);
    }
    return bad;
}

// Every type in the goldens, and where one of its scales sits: flipping the
// lowest bit of that byte changes every non-zero value of the block (for
// IQ1_M, whose fp16 scale is split up, a 3-bit sub-block scale instead).
struct GoldenType {
    const char* name;
    int scale_byte;
};
const GoldenType k_golden_types[] = {
    { "Q4_0", 0 },
    { "Q4_1", 0 },
    { "Q5_0", 0 },
    { "Q5_1", 0 },
    { "Q8_0", 0 },
    { "Q2_K", 80 },
    { "Q3_K", 108 },
    { "Q4_K", 0 },
    { "Q5_K", 0 },
    { "Q6_K", 208 },
    { "IQ2_XXS", 0 },
    { "IQ2_XS", 0 },
    { "IQ3_XXS", 0 },
    { "IQ1_S", 0 },
    { "IQ4_NL", 0 },
    { "IQ3_S", 0 },
    { "IQ2_S", 0 },
    { "IQ4_XS", 0 },
    { "IQ1_M", 48 },
    { "TQ1_0", 52 },
    { "TQ2_0", 64 },
    { "MXFP4", 0 },
    { "NVFP4", 0 },
    { "Q1_0", 0 },
    { "Q2_0", 0 },
};

const char* const k_quantize_types[] = { "Q4_0", "Q8_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "IQ4_NL", "IQ4_XS",
    "MXFP4", "TQ1_0", "TQ2_0", "NVFP4", "Q1_0", "Q2_0" };

void add_type_rows() {
    QTest::addColumn<QString>("type");
    for (const GoldenType& t : k_golden_types)
        QTest::newRow(t.name) << QString(t.name);
}

int scale_byte(const QString& type) {
    for (const GoldenType& t : k_golden_types) {
        if (type == t.name) return t.scale_byte;
    }
    return -1;
}

// Deterministic uniform floats in [-1, 1).
std::vector<float> activations(size_t n, uint64_t seed) {
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    std::vector<float> v(n);
    for (float& f : v) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        f = float(int64_t(s >> 40) - (1ll << 23)) / float(1 << 23);
    }
    return v;
}

} // namespace

class TestQuantGgml : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { set_simd_enabled(true); }

    void goldens_cover_every_supported_type();
    void dequantize_matches_ggml_data() { add_type_rows(); }
    void dequantize_matches_ggml();
    void flipped_scale_bit_is_caught_data() { add_type_rows(); }
    void flipped_scale_bit_is_caught();
    void quantize_matches_ggml_data();
    void quantize_matches_ggml();
    void vec_dot_matches_dequantized_data();
    void vec_dot_matches_dequantized();
};

void TestQuantGgml::goldens_cover_every_supported_type() {
    // A type marked supported without a golden would escape the bit-exact check.
    for (uint32_t t = 0; t < GGML_TYPE_COUNT; ++t) {
        const TypeTraits* tt = type_traits(t);
        if (!tt || !tt->supported || tt->block_size == 1) continue; // F32/F16/BF16: tst_quant
        QVERIFY2(scale_byte(tt->name) >= 0, tt->name);
        if (tt->can_quantize && t != GGML_TYPE_Q4_K && t != GGML_TYPE_Q5_K && t != GGML_TYPE_Q6_K) {
            // all but Q4_K..Q6_K (our own scale search) follow ggml's quantizers
            QVERIFY2(std::find_if(std::begin(k_quantize_types), std::end(k_quantize_types),
                         [&](const char* n) { return QString(n) == tt->name; })
                    != std::end(k_quantize_types),
                tt->name);
        }
    }
}

void TestQuantGgml::dequantize_matches_ggml() {
    QFETCH(QString, type);
    const DequantGolden g = load_dequant(type);
    const TypeTraits* t = type_traits(g.type);
    QVERIFY(t && t->supported);
    QCOMPARE(QString(t->name), type);
    QCOMPARE(uint32_t(t->block_size), g.block);
    QCOMPARE(uint32_t(t->type_size), g.type_size);
    for (bool simd : { true, false }) {
        set_simd_enabled(simd);
        double max_err = -1;
        const std::vector<uint32_t> bad = mismatching_blocks(g, g.blocks, &max_err);
        QVERIFY2(bad.empty(),
            qPrintable(QString("%1 of %2 blocks differ from ggml, first %3; max |error| over the "
                               "stored values %4")
                           .arg(bad.size())
                           .arg(g.n_blocks)
                           .arg(bad.empty() ? 0 : bad[0])
                           .arg(max_err)));
        QCOMPARE(max_err, 0.0);
    }
    qInfo("%s: %u random blocks equal ggml's to_float bit for bit (%u compared value by value, max |error| 0)",
        qPrintable(type), g.n_blocks, g.n_full);
}

void TestQuantGgml::flipped_scale_bit_is_caught() {
    // The twin of dequantize_matches_ggml: the same comparison must fail, and
    // in exactly the block touched, when one bit of one scale is flipped, both
    // where values are compared one by one and where only hashes are.
    QFETCH(QString, type);
    const DequantGolden g = load_dequant(type);
    const int at = scale_byte(type);
    QVERIFY(at >= 0 && uint32_t(at) < g.type_size);
    for (uint32_t victim : { g.n_full - 1, g.n_blocks - 2 }) {
        std::vector<uint8_t> blocks = g.blocks;
        blocks[size_t(victim) * g.type_size + size_t(at)] ^= 1;
        double max_err = 0;
        const std::vector<uint32_t> bad = mismatching_blocks(g, blocks, &max_err);
        QCOMPARE(bad, std::vector<uint32_t> { victim });
        if (victim < g.n_full) QVERIFY(max_err > 0);
    }
}

void TestQuantGgml::quantize_matches_ggml_data() {
    QTest::addColumn<QString>("type");
    for (const char* t : k_quantize_types)
        QTest::newRow(t) << QString(t);
}

void TestQuantGgml::quantize_matches_ggml() {
    QFETCH(QString, type);
    const QByteArray in = read_file(golden_path("quantize_input.bin"));
    QVERIFY(in.startsWith(QByteArray("MOEQIN1\0", 8)));
    qsizetype at = 8;
    const uint32_t n_rows = take<uint32_t>(in, at), n_per_row = take<uint32_t>(in, at);
    std::vector<float> x(size_t(n_rows) * n_per_row);
    for (float& v : x)
        v = take<float>(in, at);

    const QByteArray want = read_file(golden_path("quantize_" + type + ".bin"));
    QVERIFY(want.startsWith(QByteArray("MOEQQ1\0\0", 8)));
    at = 8;
    const uint32_t t = take<uint32_t>(want, at);
    QCOMPARE(take<uint32_t>(want, at), n_rows);
    QCOMPARE(take<uint32_t>(want, at), n_per_row);
    QCOMPARE(QString(type_name(t)), type);
    QVERIFY(type_traits(t)->can_quantize);
    const size_t rs = row_size(t, n_per_row);
    QCOMPARE(size_t(want.size() - at), rs * n_rows);

    std::vector<uint8_t> ours(rs * n_rows);
    for (uint32_t r = 0; r < n_rows; ++r)
        quantize_row(t, x.data() + size_t(r) * n_per_row, ours.data() + r * rs, n_per_row);
    const auto* theirs = reinterpret_cast<const uint8_t*>(want.constData() + at);
    const size_t bytes = type_traits(t)->type_size;
    QStringList bad;
    for (size_t b = 0; b < ours.size() / bytes; ++b) {
        if (std::memcmp(ours.data() + b * bytes, theirs + b * bytes, bytes) != 0) {
            bad << QString("row %1 block %2").arg(b * bytes / rs).arg(b % (rs / bytes));
        }
    }
    QVERIFY2(bad.isEmpty(),
        qPrintable(
            QString("%1 blocks differ from ggml_quantize_chunk: %2").arg(bad.size()).arg(bad.mid(0, 8).join(", "))));
    qInfo("%s: %u rows of %u quantized to the same bytes as ggml", qPrintable(type), n_rows, n_per_row);
}

void TestQuantGgml::vec_dot_matches_dequantized_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("blocks");
    QTest::addColumn<bool>("simd");
    for (bool simd : { true, false }) {
        for (const GoldenType& t : k_golden_types) {
            for (int blocks : { 1, 7, 33 }) { // odd counts: no pairing of blocks may be assumed
                const QByteArray tag
                    = QByteArray(t.name) + " x" + QByteArray::number(blocks) + (simd ? " avx2" : " portable");
                QTest::newRow(tag.constData()) << QString(t.name) << blocks << simd;
            }
        }
    }
}

void TestQuantGgml::vec_dot_matches_dequantized() {
    QFETCH(QString, type);
    QFETCH(int, blocks);
    QFETCH(bool, simd);
    set_simd_enabled(simd);
    if (simd && !simd_enabled()) QSKIP("no AVX2 on this CPU");
    const DequantGolden g = load_dequant(type);
    QVERIFY(uint32_t(blocks) <= g.n_blocks);
    const int64_t n = int64_t(blocks) * g.block;
    // the blocks from an odd offset into the golden, copied to a 2-byte
    // aligned address as rows sit inside GGUF tensors
    std::vector<uint8_t> buf(size_t(blocks) * g.type_size + 64);
    uint8_t* row = buf.data() + (32 - reinterpret_cast<uintptr_t>(buf.data()) % 32) % 32 + 2;
    std::memcpy(row, g.blocks.data() + g.type_size, size_t(blocks) * g.type_size);
    const std::vector<float> x = activations(size_t(n), uint64_t(blocks) * 131 + g.type);
    std::vector<float> w(static_cast<size_t>(n));
    dequantize_row(g.type, row, w.data(), n);
    double ref = 0, mag = 0;
    for (size_t i = 0; i < size_t(n); ++i) {
        ref += double(w[i]) * double(x[i]);
        mag += std::fabs(double(w[i]) * double(x[i]));
    }
    const double got = vec_dot(g.type, row, x.data(), n);
    // float accumulation error is ~1e-7 of the sum of magnitudes; one wrong
    // element or scale costs far more than 1e-5 of it
    QVERIFY2(std::fabs(got - ref) <= 1e-5 * mag + 1e-30,
        qPrintable(QString("vec_dot %1, dequantize-then-multiply %2, |diff|/mag %3")
                       .arg(got)
                       .arg(ref)
                       .arg(std::fabs(got - ref) / mag)));
}

QTEST_GUILESS_MAIN(TestQuantGgml)
#include "tst_quant_ggml.moc"
