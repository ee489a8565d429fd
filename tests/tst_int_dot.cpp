// Tests for engine/quant/int_dot.h, the fast path's integer dot products:
// each kernel against dequantize-then-multiply in double with the same
// activation quantization, on random blocks (quantized Gaussian rows and raw
// random bytes with sane scales), 1, 7 and 33 blocks, on the portable and the
// AVX2 path; activation quantization identical on both paths; the error of
// the fast path against the exact float dot product; the tiled kernels of
// prompt processing against the single-row ones, bit for bit.
#include "error.h"
#include "quant/int_dot.h"
#include "quant/quant.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <set>
#include <vector>

using namespace moe;

namespace {

struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed)
        : s(seed * 0x9E3779B97F4A7C15ull + 1) { }
    uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    double uniform() { return (double((next() >> 11) & ((1ull << 53) - 1)) + 0.5) / double(1ull << 53); }
    float gaussian() { return float(std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform())); }
};

// Gaussian values with a scale that changes every 64 elements (blocks with
// small and large ranges side by side).
std::vector<float> values(int64_t n, uint64_t seed) {
    Rng r(seed);
    std::vector<float> v(static_cast<size_t>(n));
    float scale = 1.0f;
    for (int64_t i = 0; i < n; ++i) {
        if (i % 64 == 0) scale = float(0.01 + 2.0 * r.uniform());
        v[size_t(i)] = scale * r.gaussian();
    }
    return v;
}

// Where each format keeps its scale fields: (offset, bytes) of every fp16 (2)
// or E8M0 (1) scale in a block, set to sane values in random-byte blocks.
struct ScaleField {
    int offset, bytes;
};
std::vector<ScaleField> scale_fields(uint32_t type) {
    switch (type) {
    case GGML_TYPE_Q4_K:
    case GGML_TYPE_Q5_K:
    case GGML_TYPE_Q4_1: // d and m
    case GGML_TYPE_Q5_1:
        return { { 0, 2 }, { 2, 2 } };
    case GGML_TYPE_Q2_K:
        return { { 80, 2 }, { 82, 2 } };
    case GGML_TYPE_Q3_K:
        return { { 108, 2 } };
    case GGML_TYPE_Q6_K:
        return { { 208, 2 } };
    case GGML_TYPE_MXFP4:
        return { { 0, 1 } };
    case GGML_TYPE_IQ1_M:
        return {}; // d is spread over four nibbles: random_blocks sets it
    default:
        return { { 0, 2 } };
    }
}

// n_blocks blocks of raw random bytes, scales replaced by values in [2^-8, 2^-4).
std::vector<uint8_t> random_blocks(uint32_t type, int64_t n, uint64_t seed) {
    Rng r(seed);
    const TypeTraits* t = type_traits(type);
    std::vector<uint8_t> row(row_size(type, n));
    for (auto& b : row)
        b = uint8_t(r.next() >> 56);
    for (int64_t blk = 0; blk < n / t->block_size; ++blk) {
        uint8_t* p = row.data() + size_t(blk) * t->type_size;
        for (const ScaleField& f : scale_fields(type)) {
            if (f.bytes == 1) {
                p[f.offset] = uint8_t(120 + r.next() % 8);
            } else {
                const uint16_t h = fp32_to_fp16(float(std::ldexp(1.0 + r.uniform(), -8 + int(r.next() % 4))));
                std::memcpy(p + f.offset, &h, 2);
            }
        }
        if (type == GGML_TYPE_IQ1_M) { // d's 16 bits in the top nibbles of the four uint16 scales at 48
            const uint16_t h = fp32_to_fp16(float(std::ldexp(1.0 + r.uniform(), -8 + int(r.next() % 4))));
            for (int i = 0; i < 4; ++i)
                p[49 + 2 * i] = uint8_t((p[49 + 2 * i] & 0x0F) | (((h >> (4 * i)) & 0x0F) << 4));
        }
    }
    return row;
}

// A row of n weights: Gaussian values quantized, or for the formats we cannot
// quantize (the lattice i-quants want an importance matrix) random blocks.
std::vector<uint8_t> weights(uint32_t type, int64_t n, uint64_t seed) {
    if (!type_traits(type)->can_quantize) return random_blocks(type, n, seed);
    std::vector<uint8_t> row(row_size(type, n));
    quantize_row(type, values(n, seed).data(), row.data(), n);
    return row;
}

const uint32_t k_types[] = { GGML_TYPE_Q8_0, GGML_TYPE_Q4_0, GGML_TYPE_Q5_0, GGML_TYPE_IQ4_NL, GGML_TYPE_MXFP4,
    GGML_TYPE_Q4_1, GGML_TYPE_Q5_1, GGML_TYPE_Q2_K, GGML_TYPE_Q3_K, GGML_TYPE_Q4_K, GGML_TYPE_Q5_K, GGML_TYPE_Q6_K,
    GGML_TYPE_IQ4_XS, GGML_TYPE_IQ2_XXS, GGML_TYPE_IQ2_XS, GGML_TYPE_IQ2_S, GGML_TYPE_IQ3_XXS, GGML_TYPE_IQ3_S,
    GGML_TYPE_IQ1_S, GGML_TYPE_IQ1_M };

bool have_avx2() {
    const bool was = simd_enabled();
    set_simd_enabled(true);
    const bool on = simd_enabled();
    set_simd_enabled(was);
    return on;
}

} // namespace

class tst_IntDot : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { set_simd_enabled(true); }

    void matchesDequantizedProduct_data();
    void matchesDequantizedProduct();
    void activationQuantizationSameOnBothPaths_data();
    void activationQuantizationSameOnBothPaths();
    void closeToExactFloatDot_data();
    void closeToExactFloatDot();
    void tokensMatchSingleDots();
    void tileMatchesSingleRows_data();
    void tileMatchesSingleRows();
    void typesWithoutIntegerPath();
    void refusesPartialBlocks();
};

void tst_IntDot::matchesDequantizedProduct_data() {
    QTest::addColumn<uint32_t>("type");
    QTest::addColumn<int>("blocks");
    QTest::addColumn<bool>("simd");
    QTest::addColumn<bool>("rawBytes");
    for (uint32_t type : k_types) {
        for (int blocks : { 1, 7, 33 }) {
            for (bool simd : { false, true }) {
                for (bool raw : { false, true }) {
                    if (!raw && !type_traits(type)->can_quantize) continue; // no quantizer: random blocks only
                    QTest::addRow("%s/%d/%s/%s", type_name(type), blocks, simd ? "avx2" : "portable",
                        raw ? "random-bytes" : "quantized")
                        << type << blocks << simd << raw;
                }
            }
        }
    }
}

// int_dot == Σ dequantize_row(w)[i] · dequantize_act(x)[i] (in double), to
// float rounding of the scale products: 2e-5 of Σ |w_i x_i|.
void tst_IntDot::matchesDequantizedProduct() {
    QFETCH(uint32_t, type);
    QFETCH(int, blocks);
    QFETCH(bool, simd);
    QFETCH(bool, rawBytes);
    if (simd && !have_avx2()) QSKIP("no AVX2 on this CPU");
    set_simd_enabled(simd);
    const int64_t n = int64_t(blocks) * type_traits(type)->block_size;
    const uint64_t seed = uint64_t(type) * 1000 + uint64_t(blocks) * 10 + (rawBytes ? 1 : 0);
    std::vector<uint8_t> row;
    if (rawBytes) {
        row = random_blocks(type, n, seed);
    } else {
        row.resize(row_size(type, n));
        const std::vector<float> w = values(n, seed);
        quantize_row(type, w.data(), row.data(), n);
    }
    const ActFormat f = act_format(type);
    QVERIFY(f != ActFormat::none);
    const std::vector<float> x = values(n, seed + 7);
    std::vector<uint8_t> qx(act_row_bytes(f, n));
    quantize_act(f, x.data(), qx.data(), n);

    std::vector<float> wd(static_cast<size_t>(n)), xd(static_cast<size_t>(n));
    dequantize_row(type, row.data(), wd.data(), n);
    dequantize_act(f, qx.data(), xd.data(), n);
    double ref = 0.0, mag = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        ref += double(wd[size_t(i)]) * double(xd[size_t(i)]);
        mag += std::fabs(double(wd[size_t(i)]) * double(xd[size_t(i)]));
    }
    const float got = int_dot(type, row.data(), qx.data(), n);
    QVERIFY2(std::isfinite(got), "not finite");
    QVERIFY2(std::fabs(double(got) - ref) <= 2e-5 * mag + 1e-30,
        qPrintable(QString("int_dot %1, dequantized product %2 (sum |w x| %3)").arg(got).arg(ref).arg(mag)));
}

void tst_IntDot::activationQuantizationSameOnBothPaths_data() {
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("n");
    for (int n : { 32, 7 * 32, 33 * 32 })
        QTest::addRow("q8_32/%d", n) << int(ActFormat::q8_32) << n;
    for (int n : { 256, 7 * 256, 33 * 256 })
        QTest::addRow("q8_256/%d", n) << int(ActFormat::q8_256) << n;
}

// Same bytes from both paths (scales, levels, the q8_256 sums of 16); levels
// within half a step of x; zero blocks stay zero.
void tst_IntDot::activationQuantizationSameOnBothPaths() {
    QFETCH(int, format);
    QFETCH(int, n);
    if (!have_avx2()) QSKIP("no AVX2 on this CPU");
    const auto f = ActFormat(format);
    std::vector<float> x = values(n, uint64_t(n));
    std::fill(x.begin(), x.begin() + 32, 0.0f); // an all-zero first block
    if (n > 42) x[40] = 0.5f * (x[41] + x[42]); // arbitrary values elsewhere; ties are rare (n = 32 has one block)
    std::vector<uint8_t> a(act_row_bytes(f, n)), b(a.size());
    set_simd_enabled(false);
    quantize_act(f, x.data(), a.data(), n);
    set_simd_enabled(true);
    quantize_act(f, x.data(), b.data(), n);
    QVERIFY(a == b);
    std::vector<float> back(static_cast<size_t>(n));
    dequantize_act(f, a.data(), back.data(), n);
    const int block = f == ActFormat::q8_32 ? 32 : 256;
    for (int blk = 0; blk < n / block; ++blk) {
        float amax = 0.0f;
        for (int i = 0; i < block; ++i)
            amax = std::max(amax, std::fabs(x[size_t(blk * block + i)]));
        for (int i = 0; i < block; ++i) {
            const size_t k = size_t(blk * block + i);
            QVERIFY2(std::fabs(back[k] - x[k]) <= 0.5001f * amax / 127.0f,
                qPrintable(QString("element %1: %2 back as %3").arg(k).arg(x[k]).arg(back[k])));
        }
    }
    for (int i = 0; i < 32; ++i)
        QCOMPARE(back[size_t(i)], 0.0f);
    if (f == ActFormat::q8_256) { // the sums of 16 levels, recomputed from the levels
        for (int blk = 0; blk < n / 256; ++blk) {
            const uint8_t* p = a.data() + size_t(blk) * act_row_bytes(f, 256);
            for (int g = 0; g < 16; ++g) {
                int16_t s;
                std::memcpy(&s, p + 4 + 2 * g, 2);
                int sum = 0;
                for (int j = 0; j < 16; ++j)
                    sum += int(reinterpret_cast<const int8_t*>(p + 36)[16 * g + j]);
                QCOMPARE(int(s), sum);
            }
        }
    }
}

void tst_IntDot::closeToExactFloatDot_data() {
    QTest::addColumn<uint32_t>("type");
    for (uint32_t type : k_types)
        QTest::addRow("%s", type_name(type)) << type;
}

// The fast path's error against vec_dot with float activations (the exact
// path) on a 4096-element Gaussian row: below 1 % of sqrt(Σ (w x)²)·sqrt(n)
// in every one of 20 rows, and below 0.5 % on average: the activation
// rounding, not a wrong level or scale (which gives errors of order 100 %).
void tst_IntDot::closeToExactFloatDot() {
    QFETCH(uint32_t, type);
    const int64_t n = 4096;
    const ActFormat f = act_format(type);
    double worst = 0.0, mean = 0.0;
    for (int rep = 0; rep < 20; ++rep) {
        const std::vector<float> x = values(n, 200 + uint64_t(rep));
        const std::vector<uint8_t> row = weights(type, n, 100 + uint64_t(rep));
        std::vector<uint8_t> qx(act_row_bytes(f, n));
        quantize_act(f, x.data(), qx.data(), n);
        std::vector<float> wd(static_cast<size_t>(n));
        dequantize_row(type, row.data(), wd.data(), n);
        double norm = 0.0;
        for (int64_t i = 0; i < n; ++i)
            norm += double(wd[size_t(i)]) * wd[size_t(i)] * double(x[size_t(i)]) * x[size_t(i)];
        const double scale = std::sqrt(norm * double(n));
        const double err
            = std::fabs(double(int_dot(type, row.data(), qx.data(), n)) - vec_dot(type, row.data(), x.data(), n))
            / scale;
        worst = std::max(worst, err);
        mean += err / 20.0;
    }
    QVERIFY2(worst < 0.01 && mean < 0.005, qPrintable(QString("worst %1, mean %2").arg(worst).arg(mean)));
}

// int_dot_tokens: each token's value equals int_dot's, at the output stride.
void tst_IntDot::tokensMatchSingleDots() {
    for (uint32_t type : { GGML_TYPE_Q4_K, GGML_TYPE_Q8_0 }) {
        const int64_t n = 512;
        const ActFormat f = act_format(type);
        const size_t ab = act_row_bytes(f, n);
        std::vector<uint8_t> row(row_size(type, n));
        quantize_row(type, values(n, 1).data(), row.data(), n);
        const int T = 5;
        std::vector<uint8_t> qx(ab * T);
        for (int t = 0; t < T; ++t)
            quantize_act(f, values(n, 10 + uint64_t(t)).data(), qx.data() + ab * size_t(t), n);
        std::vector<float> out(size_t(T) * 3, -1.0f);
        int_dot_tokens(type, row.data(), qx.data(), ab, T, n, out.data(), 3);
        for (int t = 0; t < T; ++t) {
            QCOMPARE(out[size_t(t) * 3], int_dot(type, row.data(), qx.data() + ab * size_t(t), n));
            QCOMPARE(out[size_t(t) * 3 + 1], -1.0f);
        }
    }
}

void tst_IntDot::tileMatchesSingleRows_data() {
    QTest::addColumn<uint32_t>("type");
    QTest::addColumn<bool>("simd");
    for (uint32_t type : k_types) {
        for (bool simd : { false, true })
            QTest::addRow("%s/%s", type_name(type), simd ? "avx2" : "portable") << type << simd;
    }
}

// int_dot_tile: every (row, token) equals int_dot of that row and token bit
// for bit, for every count of rows 1..9 and tokens 1..10 (every remainder
// of the tiles of up to 4 rows × 4 tokens, and several whole tiles), with
// the tokens picked through an index out of order and a wider output
// stride whose padding must stay untouched. Every row and token holds
// different random blocks and all the products of a shape are distinct, so
// a tile that swapped rows or tokens, or wrote a value to the wrong place,
// would fail.
void tst_IntDot::tileMatchesSingleRows() {
    QFETCH(uint32_t, type);
    QFETCH(bool, simd);
    if (simd && !have_avx2()) QSKIP("no AVX2 on this CPU");
    set_simd_enabled(simd);
    const ActFormat f = act_format(type);
    const int64_t n = 3 * (f == ActFormat::q8_32 ? 32 : 256); // three blocks
    const size_t rb = row_size(type, n), ab = act_row_bytes(f, n);
    const int max_rows = 9, max_tok = 10, pool = 13; // tokens picked from 13 quantized rows
    std::vector<uint8_t> w(rb * max_rows), qx(ab * pool);
    for (int r = 0; r < max_rows; ++r) {
        // quantized values and raw bytes (every level, extreme ones included)
        const std::vector<uint8_t> raw = random_blocks(type, n, 100 + uint64_t(r));
        if (r % 2) {
            std::memcpy(w.data() + rb * size_t(r), raw.data(), rb);
        } else {
            std::memcpy(w.data() + rb * size_t(r), weights(type, n, 200 + uint64_t(r)).data(), rb);
        }
    }
    for (int t = 0; t < pool; ++t)
        quantize_act(f, values(n, 300 + uint64_t(t)).data(), qx.data() + ab * size_t(t), n);
    const int32_t index[max_tok] = { 12, 0, 7, 3, 3, 9, 1, 11, 5, 8 }; // a repeat, as never in use, is harmless
    for (int rows = 1; rows <= max_rows; ++rows) {
        for (int tok = 1; tok <= max_tok; ++tok) {
            for (bool indexed : { false, true }) {
                const size_t ldo = size_t(rows) + 2;
                std::vector<float> out(ldo * size_t(tok), -7.0f);
                int_dot_tile(
                    type, w.data(), rb, rows, qx.data(), ab, indexed ? index : nullptr, tok, n, out.data(), ldo);
                std::set<float> distinct;
                for (int t = 0; t < tok; ++t) {
                    const int i = indexed ? index[t] : t;
                    for (int r = 0; r < rows; ++r) {
                        const float want = int_dot(type, w.data() + rb * size_t(r), qx.data() + ab * size_t(i), n);
                        const float got = out[size_t(t) * ldo + size_t(r)];
                        if (std::memcmp(&got, &want, sizeof got) != 0) {
                            QFAIL(qPrintable(QString("%1 rows × %2 tokens%3: row %4, token %5: %6, single row %7")
                                                 .arg(rows)
                                                 .arg(tok)
                                                 .arg(indexed ? " (indexed)" : "")
                                                 .arg(r)
                                                 .arg(t)
                                                 .arg(double(got), 0, 'g', 9)
                                                 .arg(double(want), 0, 'g', 9)));
                        }
                        if (!(indexed && t == 4)) distinct.insert(got); // token 4 repeats token 3
                    }
                    QCOMPARE(out[size_t(t) * ldo + size_t(rows)], -7.0f);
                    QCOMPARE(out[size_t(t) * ldo + size_t(rows) + 1], -7.0f);
                }
                const int pairs = rows * (indexed && tok > 4 ? tok - 1 : tok);
                QCOMPARE(int(distinct.size()), pairs);
            }
        }
    }
}

// The formats without an integer path say so (and keep the float path).
void tst_IntDot::typesWithoutIntegerPath() {
    for (uint32_t type :
        { GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_BF16, GGML_TYPE_TQ1_0, GGML_TYPE_TQ2_0, GGML_TYPE_NVFP4 }) {
        QCOMPARE(int(act_format(type)), int(ActFormat::none));
        QVERIFY_THROWS_EXCEPTION(Error, int_dot_kernel(type));
        QVERIFY_THROWS_EXCEPTION(Error, int_dot_tile_kernel(type));
    }
}

void tst_IntDot::refusesPartialBlocks() {
    std::vector<uint8_t> row(row_size(GGML_TYPE_Q4_K, 256)), qx(act_row_bytes(ActFormat::q8_256, 256));
    QVERIFY_THROWS_EXCEPTION(Error, int_dot(GGML_TYPE_Q4_K, row.data(), qx.data(), 128));
    std::vector<float> x(48);
    QVERIFY_THROWS_EXCEPTION(Error, quantize_act(ActFormat::q8_32, x.data(), qx.data(), 48));
}

QTEST_APPLESS_MAIN(tst_IntDot)
#include "tst_int_dot.moc"
