// GGUF reader and writer: round trips through GgufWriter, a table of
// handcrafted bad files (one row per applicable row of the "Model files"
// table in RELIABILITY.md), and a sweep over every truncation of a valid file.
#include "gguf/gguf.h"
#include "quant/quant.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <sys/resource.h>

using namespace moe;

namespace {

constexpr uint64_t k_u64_max = std::numeric_limits<uint64_t>::max();
const char* const k_t0 = "blk.0.attn_q.weight";

// Little-endian byte builder for handcrafted files. Unlike GgufWriter it
// writes whatever it is told, so a test can make any field wrong.
struct Bytes {
    std::vector<uint8_t> b;

    Bytes& raw(const void* p, size_t n) {
        const auto* c = static_cast<const uint8_t*>(p);
        b.insert(b.end(), c, c + n);
        return *this;
    }
    template <class T> Bytes& put(T v) { return raw(&v, sizeof v); }
    Bytes& u8(uint8_t v) { return put(v); }
    Bytes& u32(uint32_t v) { return put(v); }
    Bytes& u64(uint64_t v) { return put(v); }
    Bytes& i64(int64_t v) { return put(v); }
    Bytes& str(std::string_view s) { return u64(s.size()).raw(s.data(), s.size()); }
    Bytes& zeros(size_t n) {
        b.insert(b.end(), n, 0);
        return *this;
    }
    Bytes& pad(size_t alignment) { return zeros((alignment - b.size() % alignment) % alignment); }
    Bytes& header(uint32_t version, uint64_t n_tensors, uint64_t n_kv) {
        return raw("GGUF", 4).u32(version).u64(n_tensors).u64(n_kv);
    }
    Bytes& key(std::string_view k, GgufValueType t) { return str(k).u32(uint32_t(t)); }
    Bytes& kv_u32(std::string_view k, uint32_t v) { return key(k, GgufValueType::UINT32).u32(v); }
    Bytes& kv_str(std::string_view k, std::string_view v) { return key(k, GgufValueType::STRING).str(v); }
    Bytes& tensor(std::string_view name, const std::vector<int64_t>& ne, uint32_t type, uint64_t offset) {
        str(name).u32(uint32_t(ne.size()));
        for (int64_t d : ne)
            i64(d);
        return u32(type).u64(offset);
    }
    Bytes& cut(size_t n) {
        b.resize(b.size() - n);
        return *this;
    }
    QByteArray bytes() const { return QByteArray(reinterpret_cast<const char*>(b.data()), qsizetype(b.size())); }
};

// Returns the GgufError message, or nothing when the call succeeded. Other
// exception types escape and fail the test.
template <class F> std::optional<std::string> gguf_error_of(F f) {
    try {
        f();
    } catch (const GgufError& e) {
        return std::string(e.what());
    }
    return std::nullopt;
}

// An exact-size heap copy: a read one byte past the end trips ASan.
std::vector<uint8_t> exact_copy(const QByteArray& a) {
    return std::vector<uint8_t>(a.begin(), a.end());
}

bool write_file(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size() && f.flush();
}

uint8_t pattern(size_t tensor, size_t k) {
    return uint8_t(k * 31 + tensor * 7 + 1);
}

struct TensorSpec {
    const char* name;
    uint32_t type;
    std::vector<int64_t> ne;
};

const std::vector<TensorSpec>& round_trip_tensors() {
    static const std::vector<TensorSpec> specs = {
        { "token_embd.weight", GGML_TYPE_F32, { 5, 3 } }, // 60 bytes: needs padding after
        { "blk.0.attn_norm.weight", GGML_TYPE_F16, { 7 } }, // 14 bytes
        { "blk.0.ffn_gate_exps.weight", GGML_TYPE_Q8_0, { 64, 3, 2 } },
        { "blk.0.ffn_down_exps.weight", GGML_TYPE_F32, { 2, 3, 1, 2 } },
        { "output_norm.weight", GGML_TYPE_F16, { 3 } }, // 6 bytes: the file ends in padding
    };
    return specs;
}

const std::vector<std::string> k_strings = { "a", "", "<|im_end|>", std::string(300, 'x'), "na\xc3\xafve" };
const std::vector<float> k_floats = { 1.5f, -2.25f, 0.0f, 3.0e38f };
const std::vector<int32_t> k_ints = { -1, 0, 2147483647, -2147483647 - 1 };

GgufWriter make_round_trip_writer(uint32_t version, uint64_t alignment, std::vector<std::pair<size_t, size_t>>* calls) {
    GgufWriter w(version, alignment);
    w.set_string("general.architecture", "qwen3moe");
    w.set_uint32("test.u32", 4000000000u);
    w.set_int32("test.i32", -123456);
    w.set_uint64("test.u64", (uint64_t(1) << 40) + 7);
    w.set_float32("test.f32", 0.15625f);
    w.set_bool("test.true", true);
    w.set_bool("test.false", false);
    w.set_string("test.empty_string", "");
    w.set_string_array("test.strings", k_strings);
    w.set_string_array("test.empty_strings", {});
    w.set_float32_array("test.floats", k_floats);
    w.set_int32_array("test.ints", k_ints);
    w.set_int32_array("test.empty_ints", {});
    // setting a key again replaces it in place, type and all
    w.set_uint32("test.replaced", 1);
    w.set_string("test.replaced", "second");
    const auto& specs = round_trip_tensors();
    for (size_t t = 0; t < specs.size(); ++t) {
        w.add_tensor(specs[t].name, specs[t].type, specs[t].ne, [t, calls](uint8_t* dst, size_t n) {
            if (calls) calls->push_back({ t, n });
            for (size_t k = 0; k < n; ++k)
                dst[k] = pattern(t, k);
        });
    }
    return w;
}

constexpr size_t k_round_trip_kvs = 14;

void check_round_trip(const GgufFile& f, uint32_t version, uint64_t alignment) {
    QCOMPARE(f.version(), version);
    QCOMPARE(f.alignment(), alignment);
    QCOMPARE(f.kvs().size(), k_round_trip_kvs + (alignment != 32 ? 1 : 0));
    if (alignment != 32) {
        QVERIFY(f.find("general.alignment"));
        QCOMPARE(f.find("general.alignment")->type, GgufValueType::UINT32);
        QCOMPARE(f.get_uint("general.alignment"), alignment);
    } else {
        QVERIFY(!f.find("general.alignment"));
    }

    QCOMPARE(f.get_string("general.architecture"), std::string("qwen3moe"));
    QCOMPARE(f.find("test.u32")->type, GgufValueType::UINT32);
    QCOMPARE(f.get_uint("test.u32"), uint64_t(4000000000u));
    QCOMPARE(f.find("test.i32")->type, GgufValueType::INT32);
    QCOMPARE(f.find("test.i32")->i, int64_t(-123456));
    QCOMPARE(f.get_float("test.i32"), -123456.0);
    QCOMPARE(f.find("test.u64")->type, GgufValueType::UINT64);
    QCOMPARE(f.get_uint("test.u64"), (uint64_t(1) << 40) + 7);
    QCOMPARE(f.find("test.f32")->type, GgufValueType::FLOAT32);
    QCOMPARE(f.get_float("test.f32"), 0.15625);
    QCOMPARE(f.get_bool("test.true", false), true);
    QCOMPARE(f.get_bool("test.false", true), false);
    QCOMPARE(f.get_string("test.empty_string", "fallback"), std::string());
    QCOMPARE(f.get_string("test.replaced"), std::string("second"));

    const GgufKV* s = f.find("test.strings");
    QVERIFY(s);
    QCOMPARE(s->type, GgufValueType::ARRAY);
    QCOMPARE(s->arr_type, GgufValueType::STRING);
    QCOMPARE(s->arr_n, uint64_t(k_strings.size()));
    QCOMPARE(s->arr_strings.size(), k_strings.size());
    for (size_t k = 0; k < k_strings.size(); ++k)
        QCOMPARE(std::string(s->arr_strings[k]), k_strings[k]);
    QCOMPARE(f.find("test.empty_strings")->arr_n, uint64_t(0));
    QVERIFY(f.find("test.empty_strings")->arr_strings.empty());

    const std::vector<double> floats = f.get_float_array("test.floats");
    QCOMPARE(floats.size(), k_floats.size());
    for (size_t k = 0; k < k_floats.size(); ++k)
        QCOMPARE(floats[k], double(k_floats[k]));
    const std::vector<int64_t> ints = f.get_int_array("test.ints");
    QCOMPARE(ints.size(), k_ints.size());
    for (size_t k = 0; k < k_ints.size(); ++k)
        QCOMPARE(ints[k], int64_t(k_ints[k]));
    QCOMPARE(f.get_float_array("test.ints").at(3), -2147483648.0);
    QVERIFY(f.get_int_array("test.empty_ints").empty());

    const auto& specs = round_trip_tensors();
    QCOMPARE(f.tensors().size(), specs.size());
    QCOMPARE(f.data_offset() % alignment, uint64_t(0));
    uint64_t end = 0;
    for (size_t t = 0; t < specs.size(); ++t) {
        const GgufTensorInfo& ti = f.tensors()[t];
        QCOMPARE(ti.name, std::string(specs[t].name));
        QCOMPARE(f.find_tensor(specs[t].name), &ti);
        QCOMPARE(ti.type, specs[t].type);
        QCOMPARE(ti.n_dims, uint32_t(specs[t].ne.size()));
        int64_t rows = 1;
        for (int j = 0; j < GGUF_MAX_DIMS; ++j) {
            const int64_t want = size_t(j) < specs[t].ne.size() ? specs[t].ne[size_t(j)] : 1;
            QCOMPARE(ti.ne[j], want);
            if (j > 0) rows *= want;
        }
        QCOMPARE(ti.nbytes, uint64_t(row_size(specs[t].type, specs[t].ne[0])) * uint64_t(rows));
        QCOMPARE(ti.offset % alignment, uint64_t(0));
        QVERIFY(ti.offset >= end); // in order, no overlap
        end = ti.offset + ti.nbytes;
        QVERIFY(f.data_offset() + end <= f.file_size());
        for (size_t k = 0; k < ti.nbytes; ++k) {
            if (ti.data[k] != pattern(t, k)) QFAIL(qPrintable(QStringLiteral("%1 byte %2").arg(specs[t].name).arg(k)));
        }
    }
    // ggml pads after the last tensor too
    QCOMPARE(f.file_size(), (f.data_offset() + end + alignment - 1) / alignment * alignment);
    QVERIFY(!f.find_tensor("blk.0.attn_k.weight"));
    QVERIFY(!f.find("no.such.key"));
}

// A valid handcrafted file: one key, one F32 tensor of 16 floats at offset 0.
Bytes good_file() {
    Bytes b;
    b.header(3, 1, 1)
        .kv_str("general.architecture", "llama")
        .tensor(k_t0, { 8, 2 }, GGML_TYPE_F32, 0)
        .pad(32)
        .zeros(64);
    return b;
}

// header + one string key, ready for one tensor info
Bytes tensor_prefix(uint64_t n_tensors = 1) {
    Bytes b;
    b.header(3, n_tensors, 1).kv_str("general.architecture", "llama");
    return b;
}

} // namespace

class TestGguf : public QObject {
    Q_OBJECT

private slots:
    void round_trip_data() {
        QTest::addColumn<uint>("version");
        QTest::addColumn<quint64>("alignment");
        QTest::newRow("v3 align 32") << 3u << quint64(32);
        QTest::newRow("v2 align 32") << 2u << quint64(32);
        QTest::newRow("v3 align 64") << 3u << quint64(64);
        QTest::newRow("v2 align 64") << 2u << quint64(64);
        QTest::newRow("v3 align 1") << 3u << quint64(1);
        QTest::newRow("v3 align 4096") << 3u << quint64(4096);
    }

    void round_trip() {
        QFETCH(uint, version);
        QFETCH(quint64, alignment);

        std::vector<std::pair<size_t, size_t>> calls;
        const GgufWriter w = make_round_trip_writer(version, alignment, &calls);
        const std::vector<uint8_t> bytes = w.to_bytes();
        // fill callbacks: once per tensor, in order, with exactly nbytes
        const auto& specs = round_trip_tensors();
        QCOMPARE(calls.size(), specs.size());
        for (size_t t = 0; t < specs.size(); ++t) {
            QCOMPARE(calls[t].first, t);
            int64_t rows = 1;
            for (size_t j = 1; j < specs[t].ne.size(); ++j)
                rows *= specs[t].ne[j];
            QCOMPARE(calls[t].second, row_size(specs[t].type, specs[t].ne[0]) * size_t(rows));
        }

        {
            const GgufFile f = GgufFile::from_memory(bytes.data(), bytes.size());
            QCOMPARE(f.file_size(), uint64_t(bytes.size()));
            check_round_trip(f, version, alignment);
            if (QTest::currentTestFailed()) return;
        }

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("model.gguf").toStdString();
        calls.clear();
        w.write(path);
        QCOMPARE(calls.size(), specs.size());
        QVERIFY(!QFile::exists(QString::fromStdString(path + ".tmp")));
        QFile written(QString::fromStdString(path));
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray on_disk = written.readAll();
        QCOMPARE(on_disk.size(), qsizetype(bytes.size()));
        QVERIFY(std::memcmp(on_disk.constData(), bytes.data(), bytes.size()) == 0);

        GgufFile f = GgufFile::open(path);
        QCOMPARE(f.path(), path);
        check_round_trip(f, version, alignment);
        if (QTest::currentTestFailed()) return;

        // moves hand the mapping over; the moved-from object owns nothing
        GgufFile g(std::move(f));
        check_round_trip(g, version, alignment);
        if (QTest::currentTestFailed()) return;
        GgufFile h = GgufFile::from_memory(bytes.data(), bytes.size());
        h = std::move(g);
        QCOMPARE(h.path(), path);
        check_round_trip(h, version, alignment);
    }

    // Every scalar type and every numeric array type, which GgufWriter does not all produce.
    void all_value_types() {
        Bytes b;
        b.header(3, 0, 22);
        b.key("u8", GgufValueType::UINT8).u8(255);
        b.key("i8", GgufValueType::INT8).u8(0x80);
        b.key("u16", GgufValueType::UINT16).put(uint16_t(65535));
        b.key("i16", GgufValueType::INT16).put(int16_t(-300));
        b.key("u32", GgufValueType::UINT32).u32(7);
        b.key("i32", GgufValueType::INT32).put(int32_t(42));
        b.key("f32", GgufValueType::FLOAT32).put(-0.5f);
        b.key("bool", GgufValueType::BOOL).u8(1);
        b.key("str", GgufValueType::STRING).str("hello");
        b.key("u64", GgufValueType::UINT64).u64(k_u64_max);
        b.key("i64", GgufValueType::INT64).i64(std::numeric_limits<int64_t>::min());
        b.key("f64", GgufValueType::FLOAT64).put(1e300);
        auto arr = [&b](const char* k, GgufValueType t, uint64_t n) -> Bytes& {
            return b.key(k, GgufValueType::ARRAY).u32(uint32_t(t)).u64(n);
        };
        arr("a.u8", GgufValueType::UINT8, 2).u8(1).u8(255);
        arr("a.i8", GgufValueType::INT8, 2).u8(0xff).u8(3);
        arr("a.u16", GgufValueType::UINT16, 1).put(uint16_t(500));
        arr("a.i16", GgufValueType::INT16, 1).put(int16_t(-500));
        arr("a.u64", GgufValueType::UINT64, 2).u64(5).u64(k_u64_max);
        arr("a.i64", GgufValueType::INT64, 1).i64(-5);
        arr("a.f64", GgufValueType::FLOAT64, 1).put(2.5);
        arr("a.bool", GgufValueType::BOOL, 3).u8(1).u8(0).u8(1);
        arr("a.u32", GgufValueType::UINT32, 1).u32(9);
        arr("a.i32", GgufValueType::INT32, 1).put(int32_t(-9));

        const std::vector<uint8_t> bytes = b.b;
        const GgufFile f = GgufFile::from_memory(bytes.data(), bytes.size());
        QCOMPARE(f.kvs().size(), size_t(22));
        QCOMPARE(f.tensors().size(), size_t(0));
        QCOMPARE(f.get_uint("u8"), uint64_t(255));
        QCOMPARE(f.find("i8")->i, int64_t(-128));
        QCOMPARE(f.get_float("i8"), -128.0);
        QCOMPARE(f.get_uint("u16"), uint64_t(65535));
        QCOMPARE(f.find("i16")->i, int64_t(-300));
        QCOMPARE(f.get_uint("u32"), uint64_t(7));
        QCOMPARE(f.get_uint("i32"), uint64_t(42)); // a non-negative signed value fits
        QCOMPARE(f.get_float("f32"), -0.5);
        QCOMPARE(f.get_bool("bool", false), true);
        QCOMPARE(f.get_string("str"), std::string("hello"));
        QCOMPARE(f.get_uint("u64"), k_u64_max);
        QCOMPARE(f.find("i64")->i, std::numeric_limits<int64_t>::min());
        QCOMPARE(f.get_float("f64"), 1e300);

        QCOMPARE(f.get_int_array("a.u8"), (std::vector<int64_t> { 1, 255 }));
        QCOMPARE(f.get_int_array("a.i8"), (std::vector<int64_t> { -1, 3 }));
        QCOMPARE(f.get_int_array("a.u16"), (std::vector<int64_t> { 500 }));
        QCOMPARE(f.get_int_array("a.i16"), (std::vector<int64_t> { -500 }));
        QCOMPARE(f.get_int_array("a.i64"), (std::vector<int64_t> { -5 }));
        QCOMPARE(f.get_int_array("a.bool"), (std::vector<int64_t> { 1, 0, 1 }));
        QCOMPARE(f.get_int_array("a.u32"), (std::vector<int64_t> { 9 }));
        QCOMPARE(f.get_int_array("a.i32"), (std::vector<int64_t> { -9 }));
        QCOMPARE(f.get_float_array("a.f64"), (std::vector<double> { 2.5 }));
        QCOMPARE(f.get_float_array("a.u64"), (std::vector<double> { 5.0, double(k_u64_max) }));
        QCOMPARE(f.find("a.u64")->arr_n, uint64_t(2));
        // a u64 element above INT64_MAX cannot become an int64
        const auto big = gguf_error_of([&] { f.get_int_array("a.u64"); });
        QVERIFY(big);
        QVERIFY2(big->find("does not fit") != std::string::npos, big->c_str());
    }

    void getter_errors_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("expected");
        QTest::newRow("string as integer") << 0 << "key llama.block_count is STRING, expected an integer";
        QTest::newRow("missing key") << 1 << "missing key llama.expert_count";
        QTest::newRow("negative as unsigned") << 2 << "key neg is INT32 -3, expected a non-negative integer";
        QTest::newRow("float as integer") << 3 << "key eps is FLOAT32, expected an integer";
        QTest::newRow("string as float") << 4 << "key llama.block_count is STRING, expected a number";
        QTest::newRow("int as string") << 5 << "key neg is INT32, expected STRING";
        QTest::newRow("int as bool") << 6 << "key neg is INT32, expected BOOL";
        QTest::newRow("string array as floats") << 7 << "key toks is an array of STRING, expected an array of numbers";
        QTest::newRow("float array as ints") << 8 << "key scores is an array of FLOAT32, expected an array of integers";
        QTest::newRow("scalar as array") << 9 << "key neg is INT32, expected an array of integers";
        QTest::newRow("wrong type with fallback") << 10 << "key llama.block_count is STRING, expected an integer";
        QTest::newRow("missing string") << 11 << "missing key general.name";
    }

    void getter_errors() {
        QFETCH(int, which);
        QFETCH(QString, expected);
        GgufWriter w;
        w.set_string("llama.block_count", "twelve");
        w.set_int32("neg", -3);
        w.set_float32("eps", 1e-6f);
        w.set_string_array("toks", { "a", "b" });
        w.set_float32_array("scores", { 0.5f });
        const std::vector<uint8_t> bytes = w.to_bytes();
        const GgufFile f = GgufFile::from_memory(bytes.data(), bytes.size(), "test.gguf");
        const auto msg = gguf_error_of([&] {
            switch (which) {
            case 0:
                f.get_uint("llama.block_count");
                break;
            case 1:
                f.get_uint("llama.expert_count");
                break;
            case 2:
                f.get_uint("neg");
                break;
            case 3:
                f.get_uint("eps");
                break;
            case 4:
                f.get_float("llama.block_count");
                break;
            case 5:
                f.get_string("neg");
                break;
            case 6:
                f.get_bool("neg", false);
                break;
            case 7:
                f.get_float_array("toks");
                break;
            case 8:
                f.get_int_array("scores");
                break;
            case 9:
                f.get_int_array("neg");
                break;
            case 10:
                f.get_uint("llama.block_count", 4);
                break;
            case 11:
                f.get_string("general.name");
                break;
            }
        });
        QVERIFY2(msg, "no error");
        QVERIFY2(msg->find(expected.toStdString()) != std::string::npos, msg->c_str());
        QVERIFY2(msg->rfind("test.gguf: ", 0) == 0, msg->c_str());
        // fallbacks apply only to absent keys
        QCOMPARE(f.get_uint("absent", 9), uint64_t(9));
        QCOMPARE(f.get_float("absent", 0.25), 0.25);
        QCOMPARE(f.get_string("absent", "x"), std::string("x"));
        QCOMPARE(f.get_float("neg"), -3.0);
    }

    void handcrafted_valid() {
        const std::vector<uint8_t> bytes = good_file().b;
        const GgufFile f = GgufFile::from_memory(bytes.data(), bytes.size());
        QCOMPARE(f.tensors().size(), size_t(1));
        QCOMPARE(f.tensors()[0].nbytes, uint64_t(64));
        QCOMPARE(f.data_offset() + 64, uint64_t(bytes.size()));
        // no tensors: the header may end without padding
        Bytes b;
        b.header(2, 0, 1).kv_u32("general.alignment", 64);
        const GgufFile g = GgufFile::from_memory(b.b.data(), b.b.size());
        QCOMPARE(g.alignment(), uint64_t(64));
        QCOMPARE(g.data_offset(), uint64_t(b.b.size()));
    }

    void bad_files_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, const Bytes& b, const char* expected) {
            QTest::newRow(name) << b.bytes() << QString::fromUtf8(expected);
        };
        const std::string t0 = k_t0;
        Bytes b;

        // empty file, or shorter than the header
        row("empty", Bytes {}, "not a GGUF file: 0 bytes");
        row("7 bytes", Bytes {}.raw("GGUF\x03\0\0", 7), "not a GGUF file: 7 bytes");
        row("header minus one byte", Bytes {}.header(3, 0, 0).cut(1), "not a GGUF file: 23 bytes");

        // wrong magic; unsupported version
        row("wrong magic", Bytes {}.raw("GGML", 4).u32(3).u64(0).u64(0), "magic is 47 47 4d 4c (\"GGML\")");
        row("zero magic", Bytes {}.zeros(24), "magic is 00 00 00 00");
        row("version 1", Bytes {}.header(1, 0, 0), "unsupported GGUF version 1 (supported: 2, 3)");
        row("version 0", Bytes {}.header(0, 0, 0), "unsupported GGUF version 0");
        row("version 4", Bytes {}.header(4, 0, 0), "unsupported GGUF version 4");
        row("big-endian version", Bytes {}.header(0x03000000, 0, 0), "big-endian");

        // key/value or tensor count larger than the file could hold
        row("tensor count 2^64-1", Bytes {}.header(3, k_u64_max, 0).zeros(64), "tensor count 18446744073709551615");
        row("tensor count 2 in 30 bytes", Bytes {}.header(3, 2, 0).zeros(30), "tensor count 2 ");
        row("kv count 2^64-1", Bytes {}.header(3, 0, k_u64_max).zeros(64), "kv count 18446744073709551615");
        row("kv count 10 for one kv", Bytes {}.header(3, 0, 10).kv_u32("a.b", 1), "kv count 10 ");
        row("counts together too many", Bytes {}.header(3, 1, 1).zeros(30), "need at least 37 bytes");

        // string length past the end, or absurd
        b = Bytes {};
        b.header(3, 0, 1).u64(k_u64_max).u32(4).u8(0);
        row("key length 2^64-1", b, "string length 18446744073709551615 of key name of key #0 at offset 24");
        b = Bytes {};
        b.header(3, 0, 1).u64(100).raw("general.na", 10).zeros(3);
        row("key length past end", b, "string length 100 of key name of key #0 at offset 24 runs past the end");
        b = Bytes {};
        b.header(3, 0, 1).key("general.name", GgufValueType::STRING).u64(1000).raw("abc", 3);
        row("string value past end", b, "string length 1000 of string value of key general.name at offset 48");
        b = tensor_prefix();
        b.u64(500).raw("blk", 3).zeros(24);
        row("tensor name past end", b, "string length 500 of tensor name of tensor #0");

        // unknown value type
        b = Bytes {};
        b.header(3, 0, 1).str("general.x").u32(13).u32(0);
        row("value type 13", b, "key general.x has unknown value type 13 at offset 41");
        b = Bytes {};
        b.header(3, 0, 1).key("general.x", GgufValueType::ARRAY).u32(77).u64(0);
        row("array of value type 77", b, "array of unknown value type 77");
        b = Bytes {};
        b.header(3, 0, 1).key("general.x", GgufValueType::ARRAY).u32(9).u64(1).u32(4).u64(0);
        row("array of arrays", b, "key general.x is an array of arrays");

        // array count x element size overflowing 64 bits or past the end
        b = Bytes {};
        b.header(3, 0, 1).key("a", GgufValueType::ARRAY).u32(uint32_t(GgufValueType::UINT64)).u64(uint64_t(1) << 61);
        row("array bytes overflow", b,
            "key a: array of 2305843009213693952 UINT64 at offset 41: size in bytes overflows 64 bits");
        b = Bytes {};
        b.header(3, 0, 1).key("a", GgufValueType::ARRAY).u32(uint32_t(GgufValueType::UINT32)).u64(1000).zeros(8);
        row("array past end", b, "array of 1000 UINT32 (4000 bytes) at offset 41 runs past the end");
        b = Bytes {};
        b.header(3, 0, 1).key("t", GgufValueType::ARRAY).u32(uint32_t(GgufValueType::STRING)).u64(uint64_t(1) << 40);
        row("string array count past end", b, "array of 1099511627776 strings");
        b = Bytes {};
        b.header(3, 0, 1)
            .key("t", GgufValueType::ARRAY)
            .u32(uint32_t(GgufValueType::STRING))
            .u64(2)
            .str("a")
            .u64(999)
            .zeros(4);
        row("string array element past end", b, "string length 999 of array element of key t");

        // duplicate key; general.alignment of a wrong type or value
        b = Bytes {};
        b.header(3, 0, 3).kv_str("general.name", "x").kv_u32("a", 1).kv_str("general.name", "y");
        row("duplicate key", b, "duplicate key general.name");
        b = Bytes {};
        b.header(3, 0, 1).key("general.alignment", GgufValueType::UINT64).u64(32);
        row("alignment as UINT64", b, "key general.alignment is UINT64, expected UINT32");
        b = Bytes {};
        b.header(3, 0, 1).kv_str("general.alignment", "32");
        row("alignment as STRING", b, "key general.alignment is STRING, expected UINT32");
        b = Bytes {};
        b.header(3, 0, 1).kv_u32("general.alignment", 48);
        row("alignment 48", b, "key general.alignment is 48, expected a nonzero power of two");
        b = Bytes {};
        b.header(3, 0, 1).kv_u32("general.alignment", 0);
        row("alignment 0", b, "key general.alignment is 0, expected a nonzero power of two");

        // unknown tensor type
        b = tensor_prefix();
        b.tensor(t0, { 32 }, 99, 0).pad(32).zeros(128);
        row("tensor type 99", b, "tensor blk.0.attn_q.weight has unknown type 99");
        b = tensor_prefix();
        b.tensor(t0, { 32 }, 0xffffffffu, 0).pad(32).zeros(128);
        row("tensor type 2^32-1", b, "unknown type 4294967295");

        // n_dims 0 or > 4; a dimension 0 or negative; element count or size overflowing
        b = tensor_prefix();
        b.tensor(t0, {}, GGML_TYPE_F32, 0).pad(32).zeros(64);
        row("n_dims 0", b, "tensor blk.0.attn_q.weight has n_dims 0");
        b = tensor_prefix();
        b.tensor(t0, { 1, 1, 1, 1, 1 }, GGML_TYPE_F32, 0).pad(32).zeros(64);
        row("n_dims 5", b, "tensor blk.0.attn_q.weight has n_dims 5");
        b = tensor_prefix();
        b.tensor(t0, { 4, 0 }, GGML_TYPE_F32, 0).pad(32).zeros(64);
        row("dimension 0", b, "tensor blk.0.attn_q.weight dimension 1 is 0");
        b = tensor_prefix();
        b.tensor(t0, { -4 }, GGML_TYPE_F32, 0).pad(32).zeros(64);
        row("negative dimension", b, "tensor blk.0.attn_q.weight dimension 0 is -4");
        b = tensor_prefix();
        b.tensor(t0, { int64_t(1) << 32, int64_t(1) << 32 }, GGML_TYPE_F32, 0).pad(32).zeros(64);
        row("element count overflow", b,
            "blk.0.attn_q.weight of shape [4294967296, 4294967296]: element count overflows");
        b = tensor_prefix();
        b.tensor(t0, { int64_t(1) << 31, int64_t(1) << 31 }, GGML_TYPE_F32, 0).pad(32).zeros(64);
        row("size in bytes overflow", b,
            "blk.0.attn_q.weight of type F32 and shape [2147483648, 2147483648]: size in bytes overflows");
        b = tensor_prefix();
        b.tensor(t0, { 31, 2 }, GGML_TYPE_Q8_0, 0).pad(32).zeros(128);
        row("row not a multiple of the block", b, "rows of 31 elements, not a multiple of the block size 32");

        // tensor data offset not aligned, past the end, overlapping
        b = tensor_prefix();
        b.tensor(t0, { 8 }, GGML_TYPE_F32, 16).pad(32).zeros(64);
        row("offset not aligned", b,
            "tensor blk.0.attn_q.weight: data offset 16 is not a multiple of the alignment 32");
        b = tensor_prefix();
        b.tensor(t0, { 8 }, GGML_TYPE_F32, uint64_t(1) << 40).pad(32).zeros(64);
        row("offset past end", b,
            "tensor blk.0.attn_q.weight: data (32 bytes at data offset 1099511627776) runs past the end");
        b = tensor_prefix();
        b.tensor(t0, { 8 }, GGML_TYPE_F32, k_u64_max - 31).pad(32).zeros(64);
        row("offset + size wraps", b,
            "tensor blk.0.attn_q.weight: data (32 bytes at data offset 18446744073709551584)");
        b = tensor_prefix();
        b.tensor(t0, { 16 }, GGML_TYPE_F32, 0).pad(32).zeros(63);
        row("data one byte short", b, "tensor blk.0.attn_q.weight: data (64 bytes at data offset 0) runs past the end");
        b = tensor_prefix(2);
        b.tensor(t0, { 16 }, GGML_TYPE_F32, 0)
            .tensor("blk.0.attn_k.weight", { 8 }, GGML_TYPE_F32, 32)
            .pad(32)
            .zeros(96);
        row("overlapping tensors", b,
            "tensor blk.0.attn_k.weight (data bytes 32 to 64) overlaps tensor blk.0.attn_q.weight (data bytes 0 to "
            "64)");
        b = tensor_prefix(2);
        b.tensor("blk.0.attn_k.weight", { 8 }, GGML_TYPE_F32, 0).tensor(t0, { 8 }, GGML_TYPE_F32, 0).pad(32).zeros(96);
        row("tensors at the same offset", b, "overlaps tensor");
        b = tensor_prefix(2);
        b.tensor(t0, { 8 }, GGML_TYPE_F32, 0).tensor(t0, { 8 }, GGML_TYPE_F32, 32).pad(32).zeros(96);
        row("duplicate tensor name", b, "duplicate tensor name blk.0.attn_q.weight");
        b = Bytes {};
        b.header(3, 1, 1).kv_u32("general.alignment", 64).tensor(t0, { 8 }, GGML_TYPE_F32, 32).pad(64).zeros(128);
        row("offset aligned to 32, not 64", b, "data offset 32 is not a multiple of the alignment 64");

        // truncated at every section boundary (good_file: kv at 24, value at 56, tensor info at 69, data at 128)
        b = Bytes {};
        b.header(3, 0, 2).kv_u32("general.file_type", 1).u32(5);
        row("truncated in a key", b, "truncated: key name of key #1 at offset 57 needs 8 bytes, only 4 left");
        b = good_file();
        b.b.resize(61);
        row("truncated in a value length", b,
            "truncated: string value of key general.architecture at offset 56 needs 8 bytes, only 5 left");
        b = good_file();
        b.b.resize(66);
        row("truncated in a value", b,
            "string length 5 of string value of key general.architecture at offset 56 runs past the end of the file (2 "
            "bytes left)");
        b = good_file();
        b.b.resize(69 + 8 + 19 + 4 + 8 + 3);
        row("truncated in a tensor info", b,
            "truncated: dimension of tensor blk.0.attn_q.weight at offset 108 needs 8 bytes, only 3 left");
        b = tensor_prefix();
        b.tensor(t0, { 8 }, GGML_TYPE_F32, 0);
        row("truncated before the data section", b,
            "the tensor data section starts at offset 128 (end of header 120 padded to 32) but the file is 120 bytes");
        b = good_file();
        b.b.resize(128 + 32);
        row("truncated in the data", b,
            "tensor blk.0.attn_q.weight: data (64 bytes at data offset 0) runs past the end");
    }

    void bad_files() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const std::string want = expected.toStdString();

        const std::vector<uint8_t> exact = exact_copy(bytes);
        const auto mem = gguf_error_of([&] { GgufFile::from_memory(exact.data(), exact.size(), "bad.gguf"); });
        QVERIFY2(mem, "accepted by from_memory");
        QVERIFY2(mem->find(want) != std::string::npos, mem->c_str());
        QVERIFY2(mem->rfind("bad.gguf: ", 0) == 0, mem->c_str());

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("bad.gguf");
        QVERIFY(write_file(path, bytes));
        const auto disk = gguf_error_of([&] { GgufFile::open(path.toStdString()); });
        QVERIFY2(disk, "accepted by open");
        QVERIFY2(disk->find(want) != std::string::npos, disk->c_str());
        QVERIFY2(disk->rfind(path.toStdString() + ": ", 0) == 0, disk->c_str());
    }

    void open_errors() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string missing = dir.filePath("missing.gguf").toStdString();
        auto msg = gguf_error_of([&] { GgufFile::open(missing); });
        QVERIFY(msg);
        QVERIFY2(msg->find("cannot open " + missing + ": No such file") != std::string::npos, msg->c_str());
        msg = gguf_error_of([&] { GgufFile::open(dir.path().toStdString()); });
        QVERIFY(msg);
        QVERIFY2(msg->find("is a directory") != std::string::npos, msg->c_str());
    }

    // Every prefix of a valid file that cuts into the header, the kv pairs, the
    // tensor infos or any tensor's data must be refused without a read past
    // the end; prefixes that only lose the trailing padding still load.
    void truncation_sweep() {
        GgufWriter w(3, 32);
        w.set_string("general.architecture", "qwen3moe");
        w.set_uint32("qwen3moe.block_count", 1);
        w.set_string_array("tokenizer.ggml.tokens", { "a", "bc", "" });
        w.set_float32_array("tokenizer.ggml.scores", { 0.5f, 1.0f, -1.0f });
        w.add_tensor("blk.0.ffn_gate_exps.weight", GGML_TYPE_Q8_0, { 32, 2 }, nullptr);
        w.add_tensor(
            "output_norm.weight", GGML_TYPE_F32, { 5 }, [](uint8_t* dst, size_t n) { std::memset(dst, 0x3c, n); });
        const std::vector<uint8_t> full = w.to_bytes();
        const GgufFile ref = GgufFile::from_memory(full.data(), full.size());
        uint64_t data_end = 0;
        for (const GgufTensorInfo& t : ref.tensors())
            data_end = std::max(data_end, ref.data_offset() + t.offset + t.nbytes);
        QVERIFY(data_end < full.size()); // the sweep covers trailing padding too

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("prefix.gguf").toStdString();
        for (size_t n = 0; n <= full.size(); ++n) {
            const std::vector<uint8_t> prefix(full.begin(), full.begin() + ptrdiff_t(n));
            const auto mem = gguf_error_of([&] { GgufFile::from_memory(prefix.data(), prefix.size()); });
            const QByteArray as_qt(reinterpret_cast<const char*>(prefix.data()), qsizetype(n));
            QVERIFY(write_file(QString::fromStdString(path), as_qt));
            const auto disk = gguf_error_of([&] { GgufFile::open(path); });
            if (n < data_end) {
                if (!mem || !disk) QFAIL(qPrintable(QStringLiteral("prefix of %1 bytes accepted").arg(n)));
            } else {
                if (mem) QFAIL(mem->c_str());
                if (disk) QFAIL(disk->c_str());
            }
        }
    }

    void writer_errors_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("expected");
        QTest::newRow("version 1") << 0 << "cannot write GGUF version 1";
        QTest::newRow("alignment 48") << 1 << "alignment 48 is not a power of two";
        QTest::newRow("alignment 0") << 2 << "alignment 0 is not a power of two";
        QTest::newRow("duplicate tensor") << 3 << "duplicate tensor name a";
        QTest::newRow("bad block multiple") << 4 << "not a multiple of the block size 32";
        QTest::newRow("unknown type") << 5 << "unknown type 99";
        QTest::newRow("no dims") << 6 << "has 0 dimensions";
        QTest::newRow("zero dim") << 7 << "dimension 1 is 0";
        QTest::newRow("long name") << 8 << "must be 1 to 63 bytes";
        QTest::newRow("alignment key type") << 9 << "general.alignment is set from the writer's alignment";
        QTest::newRow("alignment key value") << 10 << "general.alignment 24 is not a power of two";
        QTest::newRow("cannot create") << 11
                                       << "cannot create /nonexistent-moe-dir/x.gguf.tmp: No such file or directory";
    }

    void writer_errors() {
        QFETCH(int, which);
        QFETCH(QString, expected);
        std::string msg;
        try {
            GgufWriter w;
            switch (which) {
            case 0:
                GgufWriter(1, 32);
                break;
            case 1:
                GgufWriter(3, 48);
                break;
            case 2:
                GgufWriter(3, 0);
                break;
            case 3:
                w.add_tensor("a", GGML_TYPE_F32, { 4 }, nullptr);
                w.add_tensor("a", GGML_TYPE_F32, { 4 }, nullptr);
                break;
            case 4:
                w.add_tensor("a", GGML_TYPE_Q8_0, { 48 }, nullptr);
                break;
            case 5:
                w.add_tensor("a", 99, { 4 }, nullptr);
                break;
            case 6:
                w.add_tensor("a", GGML_TYPE_F32, {}, nullptr);
                break;
            case 7:
                w.add_tensor("a", GGML_TYPE_F32, { 4, 0 }, nullptr);
                break;
            case 8:
                w.add_tensor(std::string(64, 'n'), GGML_TYPE_F32, { 4 }, nullptr);
                break;
            case 9:
                w.set_string("general.alignment", "64");
                break;
            case 10:
                w.set_uint32("general.alignment", 24);
                break;
            case 11:
                w.write("/nonexistent-moe-dir/x.gguf");
                break;
            }
        } catch (const Error& e) {
            msg = e.what();
        }
        QVERIFY2(msg.find(expected.toStdString()) != std::string::npos, msg.c_str());
    }

    void writer_alignment_key() {
        // set_uint32("general.alignment") is the same as the constructor argument
        GgufWriter w;
        w.set_uint32("general.alignment", 128);
        w.add_tensor("a", GGML_TYPE_F32, { 3 }, nullptr);
        w.add_tensor("b", GGML_TYPE_F32, { 3 }, nullptr);
        const std::vector<uint8_t> bytes = w.to_bytes();
        const GgufFile f = GgufFile::from_memory(bytes.data(), bytes.size());
        QCOMPARE(f.alignment(), uint64_t(128));
        QCOMPARE(f.tensors()[1].offset, uint64_t(128));
        QCOMPARE(f.file_size(), f.data_offset() + 256);
    }

    void writer_failures_leave_no_file() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("out.gguf").toStdString();
        const QString qpath = QString::fromStdString(path);

        // a fill that throws (a cancelled conversion): nothing is left behind
        GgufWriter w;
        w.add_tensor("a", GGML_TYPE_F32, { 4 }, [](uint8_t*, size_t) { throw Error("cancelled"); });
        QVERIFY_THROWS_EXCEPTION(Error, w.write(path));
        QVERIFY(!QFile::exists(qpath));
        QVERIFY(!QFile::exists(qpath + ".tmp"));

        // a full disk, simulated with a file size limit: the write error names the file
        GgufWriter big;
        big.add_tensor("a", GGML_TYPE_F32, { 1 << 18 }, nullptr); // 1 MiB
        struct rlimit old { };
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
        auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 64 * 1024;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
        std::string msg;
        try {
            big.write(path);
        } catch (const Error& e) {
            msg = e.what();
        }
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, old_handler);
        QVERIFY2(msg.find("cannot write " + path + ".tmp: File too large") != std::string::npos, msg.c_str());
        QVERIFY(!QFile::exists(qpath));
        QVERIFY(!QFile::exists(qpath + ".tmp"));

        // an existing file is replaced whole
        GgufWriter small_writer;
        small_writer.set_string("general.name", "second");
        QVERIFY(write_file(qpath, QByteArray(5000, 'x')));
        small_writer.write(path);
        const GgufFile f = GgufFile::open(path);
        QCOMPARE(f.get_string("general.name"), std::string("second"));
        QCOMPARE(f.file_size(), uint64_t(QFile(qpath).size()));
    }
};

QTEST_GUILESS_MAIN(TestGguf)
#include "tst_gguf.moc"
