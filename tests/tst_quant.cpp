// Tests for engine/quant: ggml block layouts (hand-built blocks decoded from
// the published layout, not from our decoder), quantizer accuracy, vec_dot on
// both the AVX2 and the scalar path, fp16/bf16 conversions and type tables.
#include "error.h"
#include "quant/quant.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

using namespace moe;

namespace {

// Deterministic N(0, 1) samples (xorshift + Box-Muller) so the error bounds
// below do not depend on the standard library's distributions.
std::vector<float> gaussian(size_t n, uint64_t seed) {
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    auto next = [&] {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return (double((s >> 11) & ((1ull << 53) - 1)) + 0.5) / double(1ull << 53); // (0, 1)
    };
    std::vector<float> v(n);
    for (size_t i = 0; i < n; i += 2) {
        const double r = std::sqrt(-2.0 * std::log(next()));
        const double t = 2.0 * std::numbers::pi * next();
        v[i] = float(r * std::cos(t));
        if (i + 1 < n) v[i + 1] = float(r * std::sin(t));
    }
    return v;
}

double rms(const std::vector<float>& v) {
    double s = 0;
    for (float f : v)
        s += double(f) * f;
    return std::sqrt(s / double(v.size()));
}

std::vector<uint8_t> quantized(uint32_t type, const std::vector<float>& x) {
    std::vector<uint8_t> q(row_size(type, int64_t(x.size())));
    quantize_row(type, x.data(), q.data(), int64_t(x.size()));
    return q;
}

std::vector<float> dequantized(uint32_t type, const std::vector<uint8_t>& q, int64_t n) {
    std::vector<float> y(size_t(n), std::numeric_limits<float>::quiet_NaN());
    dequantize_row(type, q.data(), y.data(), n);
    return y;
}

void put_u16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v & 0xFF);
    p[1] = uint8_t(v >> 8);
}

float bits_to_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

uint32_t float_to_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

// The types quantize_row writes (the i-quants other than IQ4_* need an
// importance matrix; their decoders are checked in tst_quant_ggml).
const uint32_t k_supported[] = { GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_BF16, GGML_TYPE_Q8_0, GGML_TYPE_Q4_0,
    GGML_TYPE_Q4_1, GGML_TYPE_Q5_0, GGML_TYPE_Q5_1, GGML_TYPE_Q2_K, GGML_TYPE_Q3_K, GGML_TYPE_Q4_K, GGML_TYPE_Q5_K,
    GGML_TYPE_Q6_K, GGML_TYPE_IQ4_NL, GGML_TYPE_IQ4_XS, GGML_TYPE_TQ1_0, GGML_TYPE_TQ2_0, GGML_TYPE_MXFP4,
    GGML_TYPE_NVFP4, GGML_TYPE_Q1_0, GGML_TYPE_Q2_0 };

bool cpu_has_avx2() {
    set_simd_enabled(true);
    return simd_enabled();
}

#if defined(__x86_64__)
__attribute__((target("f16c"))) uint16_t hw_fp32_to_fp16(float f) {
    return uint16_t(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT));
}
#endif

// The 6-bit scales and mins used by the Q4_K and Q5_K hand-built blocks, and
// their 12-byte packing worked out by hand from the ggml layout:
//   bytes 0..3:  sc[0..3]  in bits 0-5, bits 4-5 of sc[4..7] in bits 6-7
//   bytes 4..7:  mn[0..3]  in bits 0-5, bits 4-5 of mn[4..7] in bits 6-7
//   bytes 8..11: low nibble of sc[4..7], low nibble of mn[4..7] on top
const int k_sc[8] = { 1, 2, 3, 63, 17, 33, 49, 62 };
const int k_mn[8] = { 0, 5, 10, 40, 20, 60, 1, 31 };
const uint8_t k_packed_scales[12] = { 0x41, 0x82, 0xC3, 0xFF, 0x40, 0xC5, 0x0A, 0x68, 0x41, 0xC1, 0x11, 0xFE };

} // namespace

class TestQuant : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void traits_data();
    void traits();
    void unknown_types();
    void row_sizes();
    void names_data();
    void names();
    void unsupported_types_throw();

    void fp16_known_data();
    void fp16_known();
    void fp16_all_halves_round_trip();
    void fp16_matches_f16c();
    void bf16_known_data();
    void bf16_known();

    void block_q8_0();
    void block_q4_0();
    void block_q4_k();
    void block_q5_k();
    void block_q6_k();
    void quantize_q8_0_bytes();
    void quantize_q4_0_bytes();

    void round_trip_data();
    void round_trip();
    void zeros_and_constants_data();
    void zeros_and_constants();

    void vec_dot_data();
    void vec_dot();
    void vec_dot_float_tails_data();
    void vec_dot_float_tails();
    void dequantize_simd_matches_scalar();
};

void TestQuant::initTestCase() {
    qInfo("AVX2/FMA/F16C fast paths %s", cpu_has_avx2() ? "available" : "not available (scalar only)");
}

void TestQuant::cleanup() {
    set_simd_enabled(true);
}

// ---------------------------------------------------------------------------
// Type tables

void TestQuant::traits_data() {
    QTest::addColumn<uint>("type");
    QTest::addColumn<QString>("name");
    QTest::addColumn<qint64>("block");
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<bool>("supported");
    QTest::addColumn<bool>("can_quantize");
    // Ids from ggml.h and sizes from ggml-common.h's block structs (llama.cpp v0.5.0).
    struct Row {
        uint32_t id;
        const char* name;
        qint64 block, bytes;
        bool supported, can_quantize;
    };
    const Row rows[] = {
        { 0, "F32", 1, 4, true, true },
        { 1, "F16", 1, 2, true, true },
        { 2, "Q4_0", 32, 18, true, true },
        { 3, "Q4_1", 32, 20, true, true },
        { 6, "Q5_0", 32, 22, true, true },
        { 7, "Q5_1", 32, 24, true, true },
        { 8, "Q8_0", 32, 34, true, true },
        { 9, "Q8_1", 32, 36, false, false },
        { 10, "Q2_K", 256, 84, true, true },
        { 11, "Q3_K", 256, 110, true, true },
        { 12, "Q4_K", 256, 144, true, true },
        { 13, "Q5_K", 256, 176, true, true },
        { 14, "Q6_K", 256, 210, true, true },
        { 15, "Q8_K", 256, 292, false, false },
        { 16, "IQ2_XXS", 256, 66, true, false },
        { 17, "IQ2_XS", 256, 74, true, false },
        { 18, "IQ3_XXS", 256, 98, true, false },
        { 19, "IQ1_S", 256, 50, true, false },
        { 20, "IQ4_NL", 32, 18, true, true },
        { 21, "IQ3_S", 256, 110, true, false },
        { 22, "IQ2_S", 256, 82, true, false },
        { 23, "IQ4_XS", 256, 136, true, true },
        { 24, "I8", 1, 1, false, false },
        { 25, "I16", 1, 2, false, false },
        { 26, "I32", 1, 4, false, false },
        { 27, "I64", 1, 8, false, false },
        { 28, "F64", 1, 8, false, false },
        { 29, "IQ1_M", 256, 56, true, false },
        { 30, "BF16", 1, 2, true, true },
        { 34, "TQ1_0", 256, 54, true, true },
        { 35, "TQ2_0", 256, 66, true, true },
        { 39, "MXFP4", 32, 17, true, true },
        { 40, "NVFP4", 64, 36, true, true },
        { 41, "Q1_0", 128, 18, true, true },
        { 42, "Q2_0", 64, 18, true, true },
    };
    for (const Row& r : rows) {
        QTest::newRow(r.name) << uint(r.id) << QString(r.name) << r.block << r.bytes << r.supported << r.can_quantize;
    }
}

void TestQuant::traits() {
    QFETCH(uint, type);
    QFETCH(QString, name);
    QFETCH(qint64, block);
    QFETCH(qint64, bytes);
    QFETCH(bool, supported);
    QFETCH(bool, can_quantize);
    const TypeTraits* t = type_traits(type);
    QVERIFY(t != nullptr);
    QCOMPARE(QString(t->name), name);
    QCOMPARE(qint64(t->block_size), block);
    QCOMPARE(qint64(t->type_size), bytes);
    QCOMPARE(t->supported, supported);
    QCOMPARE(t->can_quantize, can_quantize);
    QCOMPARE(QString(type_name(type)), name);
    uint32_t parsed = 999;
    QVERIFY(type_from_name(name.toLatin1().constData(), &parsed));
    QCOMPARE(parsed, uint32_t(type));
}

void TestQuant::unknown_types() {
    for (uint32_t id : { 4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u, 43u, 99u, 1000u, 0xFFFFFFFFu }) {
        QVERIFY2(type_traits(id) == nullptr, qPrintable(QString::number(id)));
    }
    QCOMPARE(QString(type_name(99)), QString("type 99"));
    QCOMPARE(QString(type_name(4)), QString("type 4"));
    QVERIFY_THROWS_EXCEPTION(Error, row_size(99, 32));
}

void TestQuant::row_sizes() {
    QCOMPARE(row_size(GGML_TYPE_F32, 4096), size_t(16384));
    QCOMPARE(row_size(GGML_TYPE_F16, 7), size_t(14));
    QCOMPARE(row_size(GGML_TYPE_BF16, 4096), size_t(8192));
    QCOMPARE(row_size(GGML_TYPE_Q8_0, 4096), size_t(128 * 34));
    QCOMPARE(row_size(GGML_TYPE_Q4_0, 64), size_t(36));
    QCOMPARE(row_size(GGML_TYPE_Q4_K, 11008), size_t(43 * 144));
    QCOMPARE(row_size(GGML_TYPE_Q5_K, 4096), size_t(16 * 176));
    QCOMPARE(row_size(GGML_TYPE_Q6_K, 256), size_t(210));
    QCOMPARE(row_size(GGML_TYPE_Q2_K, 512), size_t(168));
    QCOMPARE(row_size(GGML_TYPE_MXFP4, 64), size_t(34));
    QCOMPARE(row_size(GGML_TYPE_Q8_K, 512), size_t(584)); // unsupported types still size
    QCOMPARE(row_size(GGML_TYPE_Q8_0, 0), size_t(0));
    QVERIFY_THROWS_EXCEPTION(Error, row_size(GGML_TYPE_Q8_0, 33));
    QVERIFY_THROWS_EXCEPTION(Error, row_size(GGML_TYPE_Q4_K, 4000));
}

void TestQuant::names_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("type"); // -1: not a type name
    QTest::newRow("f32") << "f32" << int(GGML_TYPE_F32);
    QTest::newRow("F16") << "F16" << int(GGML_TYPE_F16);
    QTest::newRow("bf16") << "bf16" << int(GGML_TYPE_BF16);
    QTest::newRow("Bf16") << "Bf16" << int(GGML_TYPE_BF16);
    QTest::newRow("q8_0") << "q8_0" << int(GGML_TYPE_Q8_0);
    QTest::newRow("Q4_K") << "Q4_K" << int(GGML_TYPE_Q4_K);
    QTest::newRow("q4_k") << "q4_k" << int(GGML_TYPE_Q4_K);
    QTest::newRow("q6_K") << "q6_K" << int(GGML_TYPE_Q6_K);
    QTest::newRow("iq4_xs") << "iq4_xs" << 23;
    QTest::newRow("empty") << "" << -1;
    QTest::newRow("prefix") << "Q4" << -1;
    QTest::newRow("longer") << "Q4_KM" << -1;
    QTest::newRow("Q4_K_M") << "Q4_K_M" << -1;
    QTest::newRow("garbage") << "float" << -1;
}

void TestQuant::names() {
    QFETCH(QString, text);
    QFETCH(int, type);
    uint32_t parsed = 12345;
    const bool ok = type_from_name(text.toLatin1().constData(), &parsed);
    QCOMPARE(ok, type >= 0);
    if (ok) QCOMPARE(parsed, uint32_t(type));
}

void TestQuant::unsupported_types_throw() {
    std::vector<float> f(256, 0.0f);
    std::vector<uint8_t> b(4096, 0);
    QVERIFY_THROWS_EXCEPTION(Error, dequantize_row(GGML_TYPE_Q8_1, b.data(), f.data(), 32));
    QVERIFY_THROWS_EXCEPTION(Error, dequantize_row(26, b.data(), f.data(), 32)); // I32
    QVERIFY_THROWS_EXCEPTION(Error, quantize_row(GGML_TYPE_Q8_K, f.data(), b.data(), 256));
    // decodable, but writing it needs an importance matrix
    for (uint32_t t : { GGML_TYPE_IQ2_XXS, GGML_TYPE_IQ2_XS, GGML_TYPE_IQ2_S, GGML_TYPE_IQ3_XXS, GGML_TYPE_IQ3_S,
             GGML_TYPE_IQ1_S, GGML_TYPE_IQ1_M }) {
        QVERIFY_THROWS_EXCEPTION(Error, quantize_row(t, f.data(), b.data(), 256));
        dequantize_row(t, b.data(), f.data(), 256);
    }
    QVERIFY_THROWS_EXCEPTION(Error, moe::vec_dot(GGML_TYPE_IQ2_XXS, b.data(), f.data(), 200)); // not whole blocks
    QVERIFY_THROWS_EXCEPTION(Error, dequantize_row(GGML_TYPE_MXFP4, b.data(), f.data(), 48));
    QVERIFY_THROWS_EXCEPTION(Error, quantize_row(99, f.data(), b.data(), 256));
    QVERIFY_THROWS_EXCEPTION(Error, moe::vec_dot(GGML_TYPE_Q8_K, b.data(), f.data(), 256));
    QVERIFY_THROWS_EXCEPTION(Error, dequantize_row(GGML_TYPE_Q8_0, b.data(), f.data(), 48));
}

// ---------------------------------------------------------------------------
// Conversions

void TestQuant::fp16_known_data() {
    QTest::addColumn<float>("value");
    QTest::addColumn<uint>("half");
    QTest::addColumn<bool>("exact"); // value is representable, so half -> float returns it
    QTest::newRow("1") << 1.0f << 0x3C00u << true;
    QTest::newRow("-2") << -2.0f << 0xC000u << true;
    QTest::newRow("0") << 0.0f << 0x0000u << true;
    QTest::newRow("-0") << -0.0f << 0x8000u << true;
    QTest::newRow("0.5") << 0.5f << 0x3800u << true;
    QTest::newRow("max 65504") << 65504.0f << 0x7BFFu << true;
    QTest::newRow("smallest normal") << std::ldexp(1.0f, -14) << 0x0400u << true;
    QTest::newRow("smallest subnormal") << std::ldexp(1.0f, -24) << 0x0001u << true;
    QTest::newRow("largest subnormal") << 1023.0f * std::ldexp(1.0f, -24) << 0x03FFu << true;
    QTest::newRow("-smallest subnormal") << -std::ldexp(1.0f, -24) << 0x8001u << true;
    QTest::newRow("inf") << std::numeric_limits<float>::infinity() << 0x7C00u << true;
    QTest::newRow("-inf") << -std::numeric_limits<float>::infinity() << 0xFC00u << true;
    // rounding: ties go to the even mantissa
    QTest::newRow("0.1") << 0.1f << 0x2E66u << false;
    QTest::newRow("1+2^-11 tie down") << 1.0f + std::ldexp(1.0f, -11) << 0x3C00u << false;
    QTest::newRow("1+3*2^-11 tie up") << 1.0f + 3 * std::ldexp(1.0f, -11) << 0x3C02u << false;
    QTest::newRow("1+2^-11+ulp up") << 1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -23) << 0x3C01u << false;
    QTest::newRow("65519 down") << 65519.0f << 0x7BFFu << false;
    QTest::newRow("65520 overflows") << 65520.0f << 0x7C00u << false;
    QTest::newRow("1e6 overflows") << 1e6f << 0x7C00u << false;
    QTest::newRow("-1e6 overflows") << -1e6f << 0xFC00u << false;
    QTest::newRow("2^-25 tie to zero") << std::ldexp(1.0f, -25) << 0x0000u << false;
    QTest::newRow("2^-25+ up") << std::ldexp(1.0f, -25) * 1.0001f << 0x0001u << false;
    QTest::newRow("3*2^-25 tie to 2") << 3 * std::ldexp(1.0f, -25) << 0x0002u << false;
    QTest::newRow("subnormal to normal") << std::ldexp(1.0f, -14) - std::ldexp(1.0f, -26) << 0x0400u << false;
    QTest::newRow("1e-8 to zero") << 1e-8f << 0x0000u << false;
    QTest::newRow("fp32 subnormal") << std::numeric_limits<float>::denorm_min() << 0x0000u << false;
}

void TestQuant::fp16_known() {
    QFETCH(float, value);
    QFETCH(uint, half);
    QFETCH(bool, exact);
    QCOMPARE(uint(fp32_to_fp16(value)), half);
    if (exact) {
        const float back = fp16_to_fp32(uint16_t(half));
        QCOMPARE(float_to_bits(back), float_to_bits(value)); // also tells -0 from +0
    }
}

void TestQuant::fp16_all_halves_round_trip() {
    for (uint32_t h = 0; h < 0x10000; ++h) {
        const float f = fp16_to_fp32(uint16_t(h));
        const bool is_nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
        QCOMPARE(std::isnan(f), is_nan);
        const uint16_t back = fp32_to_fp16(f);
        if (is_nan) {
            // quiet NaNs keep their payload; signalling ones come back quietened
            QVERIFY((back & 0x7C00) == 0x7C00 && (back & 0x3FF) != 0);
            QCOMPARE(uint(back & 0x8000u), uint(h & 0x8000u));
            if (h & 0x200) QCOMPARE(uint(back), uint(h));
        } else if (back != h) {
            QFAIL(qPrintable(QString("half 0x%1 -> %2 -> 0x%3")
                                 .arg(h, 4, 16, QChar('0'))
                                 .arg(double(f))
                                 .arg(back, 4, 16, QChar('0'))));
        }
    }
    const float qnan = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(std::isnan(fp16_to_fp32(fp32_to_fp16(qnan))));
    QVERIFY(std::isnan(fp16_to_fp32(fp32_to_fp16(-qnan))));
}

void TestQuant::fp16_matches_f16c() {
#if defined(__x86_64__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_F16C)) QSKIP("no F16C on this CPU");
    // Random bit patterns over the whole float range, alternating with floats
    // of the half range (2^-27 .. 2^16) whose 13 mantissa bits below a half's
    // ulp sit on, just under or just over the rounding tie.
    uint64_t s = 0x1234567;
    for (int i = 0; i < 2000000; ++i) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        uint32_t u = uint32_t(s);
        if (i & 1) {
            const uint32_t exponent = 100 + uint32_t(s >> 40) % 44;
            const uint32_t low = (s >> 50) % 3 == 0 ? 0x1000u : (s >> 50) % 3 == 1 ? 0x0FFFu : 0x1001u;
            u = (u & 0x807FE000u) | (exponent << 23) | low;
        }
        const float f = bits_to_float(u);
        const uint16_t mine = fp32_to_fp16(f), hw = hw_fp32_to_fp16(f);
        if (mine != hw) {
            QFAIL(qPrintable(QString("0x%1: ours 0x%2, F16C 0x%3")
                                 .arg(u, 8, 16, QChar('0'))
                                 .arg(mine, 4, 16, QChar('0'))
                                 .arg(hw, 4, 16, QChar('0'))));
        }
    }
#else
    QSKIP("x86 only");
#endif
}

void TestQuant::bf16_known_data() {
    QTest::addColumn<float>("value");
    QTest::addColumn<uint>("bf16");
    QTest::addColumn<bool>("exact");
    QTest::newRow("1") << 1.0f << 0x3F80u << true;
    QTest::newRow("-2") << -2.0f << 0xC000u << true;
    QTest::newRow("0") << 0.0f << 0x0000u << true;
    QTest::newRow("-0") << -0.0f << 0x8000u << true;
    QTest::newRow("inf") << std::numeric_limits<float>::infinity() << 0x7F80u << true;
    QTest::newRow("-inf") << -std::numeric_limits<float>::infinity() << 0xFF80u << true;
    QTest::newRow("1+2^-8 tie down") << 1.0f + std::ldexp(1.0f, -8) << 0x3F80u << false;
    QTest::newRow("1+3*2^-8 tie up") << 1.0f + 3 * std::ldexp(1.0f, -8) << 0x3F82u << false;
    QTest::newRow("1+2^-8+ulp up") << 1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -23) << 0x3F81u << false;
    QTest::newRow("pi") << 3.14159265f << 0x4049u << false;
    QTest::newRow("FLT_MAX overflows") << std::numeric_limits<float>::max() << 0x7F80u << false;
    QTest::newRow("1e-40 subnormal") << 1e-40f << 0x0001u << false;
}

void TestQuant::bf16_known() {
    QFETCH(float, value);
    QFETCH(uint, bf16);
    QFETCH(bool, exact);
    QCOMPARE(uint(fp32_to_bf16(value)), bf16);
    if (exact) QCOMPARE(float_to_bits(bf16_to_fp32(uint16_t(bf16))), float_to_bits(value));
    const float qnan = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(std::isnan(bf16_to_fp32(fp32_to_bf16(qnan))));
    // a NaN whose payload lives only in the low 16 bits must not become infinity
    QVERIFY(std::isnan(bf16_to_fp32(fp32_to_bf16(bits_to_float(0x7F800001u)))));
}

// ---------------------------------------------------------------------------
// Hand-built blocks. Each expected value is derived in the test from the
// published ggml layout (plus a few worked out by hand), never from our decoder.

void TestQuant::block_q8_0() {
    uint8_t blk[34];
    put_u16(blk, 0x3800); // d = 0.5
    for (int j = 0; j < 32; ++j)
        blk[2 + j] = uint8_t(int8_t(j * 8 - 128));
    const std::vector<float> y = dequantized(GGML_TYPE_Q8_0, std::vector<uint8_t>(blk, blk + 34), 32);
    for (int j = 0; j < 32; ++j)
        QCOMPARE(y[size_t(j)], 0.5f * float(j * 8 - 128));
    QCOMPARE(y[0], -64.0f);
    QCOMPARE(y[31], 60.0f);
}

void TestQuant::block_q4_0() {
    // Low nibbles are elements 0..15, high nibbles 16..31; value = (q - 8) * d.
    uint8_t blk[18];
    put_u16(blk, 0x4000); // d = 2
    for (int j = 0; j < 16; ++j)
        blk[2 + j] = uint8_t(j | ((15 - j) << 4));
    const std::vector<float> y = dequantized(GGML_TYPE_Q4_0, std::vector<uint8_t>(blk, blk + 18), 32);
    for (int j = 0; j < 16; ++j) {
        QCOMPARE(y[size_t(j)], float((j - 8) * 2));
        QCOMPARE(y[size_t(j + 16)], float((15 - j - 8) * 2));
    }
    QCOMPARE(y[0], -16.0f);
    QCOMPARE(y[16], 14.0f);
}

void TestQuant::block_q4_k() {
    // d, dmin (fp16), 12 bytes of packed 6-bit scales/mins, 128 bytes of
    // nibbles: each 32-byte run covers 64 elements, low nibbles the first 32.
    std::vector<uint8_t> blk(144);
    put_u16(&blk[0], 0x3C00); // d = 1
    put_u16(&blk[2], 0x3800); // dmin = 0.5
    std::memcpy(&blk[4], k_packed_scales, 12);
    uint8_t* qs = &blk[16];
    for (int i = 0; i < 128; ++i)
        qs[i] = uint8_t(i * 7 + 3);
    const std::vector<float> y = dequantized(GGML_TYPE_Q4_K, blk, 256);
    for (int e = 0; e < 256; ++e) {
        const int run = e / 64, within = e % 64, sub = e / 32;
        const uint8_t byte = qs[32 * run + within % 32];
        const int q = within < 32 ? (byte & 0x0F) : (byte >> 4);
        const float expect = 1.0f * float(k_sc[sub]) * float(q) - 0.5f * float(k_mn[sub]);
        QCOMPARE(y[size_t(e)], expect);
    }
    QCOMPARE(y[0], 3.0f); // qs[0]=3: low 3, sc 1, min 0
    QCOMPARE(y[33], -2.5f); // qs[1]=10: high 0, sc 2, min 5
    QCOMPARE(y[100], 925.0f); // qs[36]=0xFF: high 15, sc 63, min 40 -> 945 - 20
    QCOMPARE(y[130], 7.0f); // qs[66]=0xD1: low 1, sc 17, min 20 -> 17 - 10
    QCOMPARE(y[255], 418.5f); // qs[127]=0x7C: high 7, sc 62, min 31 -> 434 - 15.5
}

void TestQuant::block_q5_k() {
    // As Q4_K plus qh[32]: bit 2r of qh[l] is the 5th bit of element 64r+l,
    // bit 2r+1 that of element 64r+32+l.
    std::vector<uint8_t> blk(176);
    put_u16(&blk[0], 0x3800); // d = 0.5
    put_u16(&blk[2], 0x3C00); // dmin = 1
    std::memcpy(&blk[4], k_packed_scales, 12);
    uint8_t* qh = &blk[16];
    uint8_t* qs = &blk[48];
    for (int i = 0; i < 32; ++i)
        qh[i] = uint8_t(i * 37 + 11);
    for (int i = 0; i < 128; ++i)
        qs[i] = uint8_t(i * 7 + 3);
    const std::vector<float> y = dequantized(GGML_TYPE_Q5_K, blk, 256);
    for (int e = 0; e < 256; ++e) {
        const int run = e / 64, within = e % 64, sub = e / 32, l = within % 32;
        const uint8_t byte = qs[32 * run + l];
        const int lo4 = within < 32 ? (byte & 0x0F) : (byte >> 4);
        const int bit = (qh[l] >> (2 * run + (within < 32 ? 0 : 1))) & 1;
        const float expect = 0.5f * float(k_sc[sub]) * float(lo4 + 16 * bit) - 1.0f * float(k_mn[sub]);
        QCOMPARE(y[size_t(e)], expect);
    }
    QCOMPARE(y[0], 9.5f); // low 3 + 16 (qh[0]=0x0B bit 0), sc 1
    QCOMPARE(y[100], 936.5f); // high 15 + 16 (qh[4]=0x9F bit 3), sc 63, min 40
    QCOMPARE(y[130], 124.5f); // low 1 + 16 (qh[2]=0x55 bit 4), sc 17, min 20
    QCOMPARE(y[255], 682.0f); // high 7 + 16 (qh[31]=0x86 bit 7), sc 62, min 31
}

void TestQuant::block_q6_k() {
    // ql[128], qh[64], int8 scales[16], then d. Per 128-element half h and
    // l < 32: ql[64h+l] low/high nibble -> elements l / l+64, ql[64h+32+l]
    // low/high -> l+32 / l+96; qh[32h+l] bits 0-1, 2-3, 4-5, 6-7 are the top
    // bits of l, l+32, l+64, l+96. value = d * scale[e/16] * (q - 32).
    std::vector<uint8_t> blk(210);
    uint8_t* ql = &blk[0];
    uint8_t* qh = &blk[128];
    int8_t scales[16];
    for (int i = 0; i < 128; ++i)
        ql[i] = uint8_t(i * 5 + 1);
    for (int i = 0; i < 64; ++i)
        qh[i] = uint8_t(i * 3 + 2);
    for (int j = 0; j < 16; ++j) {
        scales[j] = int8_t(j * 9 - 70);
        blk[size_t(192 + j)] = uint8_t(scales[j]);
    }
    put_u16(&blk[208], 0x3400); // d = 0.25, stored last
    const std::vector<float> y = dequantized(GGML_TYPE_Q6_K, blk, 256);
    for (int e = 0; e < 256; ++e) {
        const int h = e / 128, r = e % 128, quarter = r / 32, l = r % 32;
        const uint8_t byte = ql[64 * h + 32 * (quarter & 1) + l];
        const int lo4 = quarter < 2 ? (byte & 0x0F) : (byte >> 4);
        const int hi2 = (qh[32 * h + l] >> (2 * quarter)) & 3;
        const float expect = 0.25f * float(scales[e / 16]) * float((lo4 | (hi2 << 4)) - 32);
        QCOMPARE(y[size_t(e)], expect);
    }
    QCOMPARE(y[0], -17.5f); // ql[0]=1, qh[0]=2 -> q=33-32=1, scale -70
    QCOMPARE(y[45], -26.0f); // ql[45]=0xE2 low 2, qh[13]=0x29 bits 2-3 = 2 -> 2, scale -52
    QCOMPARE(y[200], 209.0f); // ql[72]=0x69 high 6, qh[40]=0x7A bits 4-5 = 3 -> 22, scale 38
    QCOMPARE(y[255], 113.75f); // ql[127]=0x7C high 7, qh[63]=0xBF bits 6-7 = 2 -> 7, scale 65
}

void TestQuant::quantize_q8_0_bytes() {
    // ggml: d = amax / 127, q = round(x / d).
    std::vector<float> x(32);
    for (int j = 0; j < 32; ++j)
        x[size_t(j)] = float(j - 16) * 0.25f; // amax 4 at j = 0
    const std::vector<uint8_t> q = quantized(GGML_TYPE_Q8_0, x);
    QCOMPARE(q.size(), size_t(34));
    QCOMPARE(uint(q[0] | (q[1] << 8)), uint(fp32_to_fp16(4.0f / 127.0f)));
    for (int j = 0; j < 32; ++j) {
        const int expect = int(std::lround(double(j - 16) * 0.25 * 127.0 / 4.0));
        QCOMPARE(int(int8_t(q[size_t(2 + j)])), expect);
    }
}

void TestQuant::quantize_q4_0_bytes() {
    // The largest magnitude (-8 here) maps to level 0: d = -8 / -8 = 1, so
    // integers in [-8, 7] come back exactly and the bytes are predictable.
    std::vector<float> x(32);
    for (int j = 0; j < 16; ++j) {
        x[size_t(j)] = float(j - 8);
        x[size_t(j + 16)] = float(7 - j);
    }
    const std::vector<uint8_t> q = quantized(GGML_TYPE_Q4_0, x);
    QCOMPARE(q.size(), size_t(18));
    QCOMPARE(uint(q[0] | (q[1] << 8)), 0x3C00u);
    for (int j = 0; j < 16; ++j)
        QCOMPARE(uint(q[size_t(2 + j)]), uint(j | ((15 - j) << 4)));
    const std::vector<float> y = dequantized(GGML_TYPE_Q4_0, q, 32);
    for (int j = 0; j < 32; ++j)
        QCOMPARE(y[size_t(j)], x[size_t(j)]);
}

// ---------------------------------------------------------------------------
// Quantizer accuracy

void TestQuant::round_trip_data() {
    QTest::addColumn<uint>("type");
    QTest::addColumn<double>("bound"); // max RMS(error) / RMS(data)
    QTest::newRow("F32") << uint(GGML_TYPE_F32) << 0.0;
    QTest::newRow("F16") << uint(GGML_TYPE_F16) << 5e-4;
    QTest::newRow("BF16") << uint(GGML_TYPE_BF16) << 3e-3;
    QTest::newRow("Q8_0") << uint(GGML_TYPE_Q8_0) << 0.007;
    QTest::newRow("Q4_0") << uint(GGML_TYPE_Q4_0) << 0.10;
    QTest::newRow("Q4_K") << uint(GGML_TYPE_Q4_K) << 0.085;
    QTest::newRow("Q5_K") << uint(GGML_TYPE_Q5_K) << 0.045;
    QTest::newRow("Q6_K") << uint(GGML_TYPE_Q6_K) << 0.022;
    QTest::newRow("Q4_1") << uint(GGML_TYPE_Q4_1) << 0.09;
    QTest::newRow("Q5_0") << uint(GGML_TYPE_Q5_0) << 0.05;
    QTest::newRow("Q5_1") << uint(GGML_TYPE_Q5_1) << 0.045;
    QTest::newRow("Q2_K") << uint(GGML_TYPE_Q2_K) << 0.34;
    QTest::newRow("Q3_K") << uint(GGML_TYPE_Q3_K) << 0.17;
    QTest::newRow("IQ4_NL") << uint(GGML_TYPE_IQ4_NL) << 0.088;
    QTest::newRow("IQ4_XS") << uint(GGML_TYPE_IQ4_XS) << 0.088;
    QTest::newRow("MXFP4") << uint(GGML_TYPE_MXFP4) << 0.135;
    // ternary weights: Gaussian data is the wrong input for them, but the
    // error is still a fixed, known quantity (0.807)
    QTest::newRow("TQ1_0") << uint(GGML_TYPE_TQ1_0) << 0.85;
    QTest::newRow("TQ2_0") << uint(GGML_TYPE_TQ2_0) << 0.85;
    QTest::newRow("NVFP4") << uint(GGML_TYPE_NVFP4) << 0.105;
    // one magnitude per block, like the ternary formats (0.602, 0.716)
    QTest::newRow("Q1_0") << uint(GGML_TYPE_Q1_0) << 0.66;
    QTest::newRow("Q2_0") << uint(GGML_TYPE_Q2_0) << 0.78;
}

void TestQuant::round_trip() {
    QFETCH(uint, type);
    QFETCH(double, bound);
    const int64_t n = 65536;
    std::vector<float> x = gaussian(size_t(n), 7);
    // Vary the scale across the row, as real weight rows do, so the per-block
    // scales are exercised over a range rather than around one value.
    for (int64_t i = 0; i < n; ++i)
        x[size_t(i)] *= 0.01f + 2.0f * float((i / 1024) % 8) / 8.0f;
    const std::vector<float> y = dequantized(type, quantized(type, x), n);
    std::vector<float> err(static_cast<size_t>(n));
    for (size_t i = 0; i < size_t(n); ++i) {
        QVERIFY(std::isfinite(y[i]));
        err[i] = y[i] - x[i];
    }
    const double rel = rms(err) / rms(x);
    qInfo("%s: RMS error / RMS data = %.5f (bound %.5f)", type_name(type), rel, bound);
    if (bound == 0.0) {
        QCOMPARE(rel, 0.0);
    } else {
        QVERIFY2(rel < bound, qPrintable(QString("relative RMS error %1").arg(rel)));
        QVERIFY(rel > 0.0);
    }
}

void TestQuant::zeros_and_constants_data() {
    QTest::addColumn<uint>("type");
    for (uint32_t t : k_supported)
        QTest::newRow(type_name(t)) << uint(t);
}

void TestQuant::zeros_and_constants() {
    QFETCH(uint, type);
    const int64_t n = 512;
    // all zeros must come back as zeros (no NaN from 0/0 scales)
    std::vector<float> y = dequantized(type, quantized(type, std::vector<float>(size_t(n), 0.0f)), n);
    for (float v : y)
        QCOMPARE(v, 0.0f);
    // a constant row, positive then negative, must come back close
    for (float c : { 0.75f, -1.5f }) {
        y = dequantized(type, quantized(type, std::vector<float>(size_t(n), c)), n);
        for (float v : y)
            QVERIFY2(std::fabs(v - c) <= 0.01f * std::fabs(c), qPrintable(QString::number(v)));
    }
    // large and tiny magnitudes side by side in separate blocks; the ternary
    // formats and Q1_0/Q2_0 have one magnitude per block, so they cannot hold
    // this data, and NVFP4's E4M3 scales flush blocks below ~1e-3 to zero
    if (type == GGML_TYPE_TQ1_0 || type == GGML_TYPE_TQ2_0 || type == GGML_TYPE_Q1_0 || type == GGML_TYPE_Q2_0
        || type == GGML_TYPE_NVFP4) {
        return;
    }
    // FP4's levels are up to 50% apart (4, 6), and ggml's MXFP4 exponent can
    // leave the largest value just above the top level (1000 -> 768)
    const float tol = type == GGML_TYPE_MXFP4 ? 0.25f : 0.1f;
    std::vector<float> x(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        x[size_t(i)] = (i < 256 ? 1000.0f : 1e-3f) * (i % 2 ? 1.0f : -0.5f);
    y = dequantized(type, quantized(type, x), n);
    for (int64_t i = 0; i < n; ++i) {
        QVERIFY2(std::fabs(y[size_t(i)] - x[size_t(i)]) <= tol * std::fabs(x[size_t(i)]),
            qPrintable(QString("%1: %2 vs %3").arg(i).arg(double(y[size_t(i)])).arg(double(x[size_t(i)]))));
    }
}

// ---------------------------------------------------------------------------
// Dot products

void TestQuant::vec_dot_data() {
    QTest::addColumn<uint>("type");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<bool>("simd");
    for (bool simd : { true, false }) {
        for (uint32_t t : k_supported) {
            for (qint64 n : { 256, 4096, 11008 }) {
                const QByteArray tag
                    = QByteArray(type_name(t)) + " n=" + QByteArray::number(n) + (simd ? " avx2" : " scalar");
                QTest::newRow(tag.constData()) << uint(t) << n << simd;
            }
        }
    }
}

void TestQuant::vec_dot() {
    QFETCH(uint, type);
    QFETCH(qint64, n);
    QFETCH(bool, simd);
    if (simd && !cpu_has_avx2()) QSKIP("no AVX2 on this CPU");
    set_simd_enabled(simd);
    QCOMPARE(simd_enabled(), simd);

    const std::vector<float> w = gaussian(size_t(n), 11);
    std::vector<float> x = gaussian(size_t(n), 12);
    for (float& v : x)
        v += 0.3f; // a non-zero mean exercises the K-quant min terms
    const std::vector<uint8_t> q = quantized(type, w);
    const std::vector<float> wd = dequantized(type, q, n);
    double ref = 0, mag = 0;
    for (size_t i = 0; i < size_t(n); ++i) {
        ref += double(wd[i]) * double(x[i]);
        mag += std::fabs(double(wd[i]) * double(x[i]));
    }
    // Rows sit at 2-byte offsets inside GGUF tensors (row sizes are even, not
    // multiples of 32): read from a deliberately misaligned copy.
    std::vector<uint8_t> buf(q.size() + 64);
    uint8_t* row = buf.data() + (32 - reinterpret_cast<uintptr_t>(buf.data()) % 32) % 32 + 2;
    if (type == GGML_TYPE_F32) row += 2; // keep floats 4-byte aligned
    std::memcpy(row, q.data(), q.size());
    const double got = moe::vec_dot(type, row, x.data(), n);
    // and once from the exactly sized buffer, so the sanitizer build sees any over-read
    QCOMPARE(moe::vec_dot(type, q.data(), x.data(), n), float(got));
    // Float accumulation error grows with n but stays far below 1e-5 of the
    // sum of magnitudes; a mis-ordered element or wrong scale costs ~1e-2.
    QVERIFY2(std::fabs(got - ref) <= 1e-5 * mag,
        qPrintable(
            QString("vec_dot %1, reference %2, |diff|/mag %3").arg(got).arg(ref).arg(std::fabs(got - ref) / mag)));
}

void TestQuant::vec_dot_float_tails_data() {
    QTest::addColumn<uint>("type");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<bool>("simd");
    for (bool simd : { true, false }) {
        for (uint32_t t : { GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_BF16 }) {
            for (qint64 n : { 1, 7, 8, 33, 63, 100 }) {
                const QByteArray tag
                    = QByteArray(type_name(t)) + " n=" + QByteArray::number(n) + (simd ? " avx2" : " scalar");
                QTest::newRow(tag.constData()) << uint(t) << n << simd;
            }
        }
    }
}

void TestQuant::vec_dot_float_tails() {
    // F32/F16/BF16 rows need not be a multiple of the vector width.
    QFETCH(uint, type);
    QFETCH(qint64, n);
    QFETCH(bool, simd);
    if (simd && !cpu_has_avx2()) QSKIP("no AVX2 on this CPU");
    set_simd_enabled(simd);
    const std::vector<float> w = gaussian(size_t(n), 21), x = gaussian(size_t(n), 22);
    const std::vector<uint8_t> q = quantized(type, w);
    const std::vector<float> wd = dequantized(type, q, n);
    double ref = 0, mag = 0;
    for (size_t i = 0; i < size_t(n); ++i) {
        ref += double(wd[i]) * double(x[i]);
        mag += std::fabs(double(wd[i]) * double(x[i]));
    }
    const double got = moe::vec_dot(type, q.data(), x.data(), n);
    QVERIFY2(std::fabs(got - ref) <= 1e-6 * mag + 1e-30, qPrintable(QString("%1 vs %2").arg(got).arg(ref)));
}

void TestQuant::dequantize_simd_matches_scalar() {
    if (!cpu_has_avx2()) QSKIP("no AVX2 on this CPU");
    const int64_t n = 1027; // not a multiple of 8: covers the tail
    std::vector<uint8_t> h(static_cast<size_t>(2 * n));
    for (int64_t i = 0; i < n; ++i)
        put_u16(&h[size_t(2 * i)], uint16_t(i * 63 + 17)); // includes inf/NaN patterns
    set_simd_enabled(true);
    const std::vector<float> a = dequantized(GGML_TYPE_F16, h, n);
    set_simd_enabled(false);
    const std::vector<float> b = dequantized(GGML_TYPE_F16, h, n);
    for (size_t i = 0; i < size_t(n); ++i)
        QCOMPARE(float_to_bits(a[i]), float_to_bits(b[i]));
}

QTEST_GUILESS_MAIN(TestQuant)
#include "tst_quant.moc"
