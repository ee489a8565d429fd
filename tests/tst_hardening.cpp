// Issue 15, the engine's side: hostile or broken inputs end in a moe::Error
// (the CLI: a message and a non-zero exit) naming what is wrong, in bounded
// time and memory, and bad weights never pass silently. Every input is one
// the probe used, rebuilt here from a tiny synthetic model (hardening/probes).
#include "hardening/probes.h"

#include "gguf/gguf.h"
#include "model/model.h"
#include "model/verify.h"
#include "quant/quant.h"
#include "runtime/session.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"

#include <fmt/format.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>

#include <sys/stat.h>
#include <unistd.h>

using namespace moe;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The message of the moe::Error that f throws ("" and a test failure when none).
template <class F> std::string error_of(F&& f) {
    try {
        f();
    } catch (const moe::Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not a moe::Error: ") + e.what();
    }
    return "";
}

const uint16_t k_f16_nan = 0x7E00, k_f16_inf = 0x7C00;

} // namespace

class TestHardening : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void hugeCountsRefusedFast_data();
    void hugeCountsRefusedFast();
    void badHyperparameters_data();
    void badHyperparameters();
    void nonFiniteWeights_data();
    void nonFiniteWeights();
    void overflowWithFiniteWeights();
    void verifyTensorsCleanModel();
    void vocabularyMismatch_data();
    void vocabularyMismatch();
    void byteTokenThatIsNotAByte();
    void nonRegularAndHugeTextFiles_data();
    void nonRegularAndHugeTextFiles();
    void cliRefusesNonRegularFiles_data();
    void cliRefusesNonRegularFiles();
    void hugeBuffersInTheMemoryCheck();
    void cliOptionMessages_data();
    void cliOptionMessages();
    void cliCheckCommand();
    void cliRunsImportDeleteEmpty();

private:
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }
    QTemporaryDir m_dir;
    std::string m_q8; // qwen3moe, Q8_0 weights
    std::string m_f16; // qwen3moe, F16 weights
    std::string m_sp; // llama (SentencePiece vocabulary), F32
};

void TestHardening::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_q8 = path("q8.gguf");
    m_f16 = path("f16.gguf");
    m_sp = path("sp.gguf");
    probes::write_tiny_model(m_q8, "qwen3moe", GGML_TYPE_Q8_0);
    probes::write_tiny_model(m_f16, "qwen3moe", GGML_TYPE_F16);
    probes::write_tiny_model(m_sp, "llama", GGML_TYPE_F32);
}

// Finding 1: counts are bounded by what the file holds before anything is
// sized from them. The probe: block_count 2^24 in a file of a few hundred KB
// took 55 s and 9 GB; now moe-cli must refuse it in under 1 s and 300 MB.
void TestHardening::hugeCountsRefusedFast_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<quint64>("value");
    QTest::addColumn<QString>("expect"); // in the message
    QTest::newRow("block_count 2^24") << "qwen3moe.block_count" << (quint64(1) << 24) << "qwen3moe.block_count";
    QTest::newRow("block_count 2^30") << "qwen3moe.block_count" << (quint64(1) << 30) << "qwen3moe.block_count";
    QTest::newRow("block_count 3") << "qwen3moe.block_count" << quint64(3) << "missing tensor blk.2";
    QTest::newRow("expert_count 2^30") << "qwen3moe.expert_count" << (quint64(1) << 30) << "expected";
    QTest::newRow("embedding_length 2^30") << "qwen3moe.embedding_length" << (quint64(1) << 30) << "expected";
    QTest::newRow("head_count 2^30") << "qwen3moe.attention.head_count" << (quint64(1) << 30) << "expected";
    QTest::newRow("expert ff 2^30") << "qwen3moe.expert_feed_forward_length" << (quint64(1) << 30) << "expected";
}

void TestHardening::hugeCountsRefusedFast() {
    QFETCH(QString, key);
    QFETCH(quint64, value);
    QFETCH(QString, expect);
    const std::string probe = path("count.gguf");
    probes::rewrite(m_q8, probe, [&](GgufWriter& w) { w.set_uint32(key.toStdString(), uint32_t(value)); });
    struct stat st { };
    QCOMPARE(stat(probe.c_str(), &st), 0);
    QVERIFY(st.st_size < 1 << 20);

    const std::string msg = error_of([&] { Model::load(probe); });
    QVERIFY2(msg.find(expect.toStdString()) != std::string::npos, msg.c_str());

    const probes::ChildResult r = probes::run({ MOE_CLI_PATH, "info", probe }, 30);
    qInfo("%s = %llu, %lld-byte file: moe-cli info exit %d in %.3f s, peak RSS %.1f MB", qPrintable(key),
        (unsigned long long)value, (long long)st.st_size, r.status, r.seconds, r.max_rss_kib / 1024.0);
    QVERIFY2(r.status != 0 && r.status < 128, r.output.c_str());
    QVERIFY2(r.output.find(expect.toStdString()) != std::string::npos, r.output.c_str());
    QVERIFY2(r.seconds < 1.0, qPrintable(QString::number(r.seconds)));
    QVERIFY2(r.max_rss_kib < 300 * 1024, qPrintable(QString::number(r.max_rss_kib)));
}

// Finding 2, at load: NaN, zero, negative or infinite epsilon and RoPE base.
void TestHardening::badHyperparameters_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<float>("value");
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    for (const char* k : { "qwen3moe.attention.layer_norm_rms_epsilon", "qwen3moe.rope.freq_base" }) {
        QTest::newRow(qPrintable(QString("%1 nan").arg(k))) << k << nan;
        QTest::newRow(qPrintable(QString("%1 0").arg(k))) << k << 0.0f;
        QTest::newRow(qPrintable(QString("%1 -1").arg(k))) << k << -1.0f;
        QTest::newRow(qPrintable(QString("%1 inf").arg(k))) << k << inf;
    }
}

void TestHardening::badHyperparameters() {
    QFETCH(QString, key);
    QFETCH(float, value);
    const std::string probe = path("hparam.gguf");
    probes::rewrite(m_q8, probe, [&](GgufWriter& w) { w.set_float32(key.toStdString(), value); });
    const std::string msg = error_of([&] { Model::load(probe); });
    QVERIFY2(msg.find(key.toStdString() + " = ") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("out of range") != std::string::npos, msg.c_str());
}

// Finding 2, at run time: a NaN/Inf in one tensor stops generation and
// scoring with a message naming that tensor, and the scan finds it.
void TestHardening::nonFiniteWeights_data() {
    QTest::addColumn<bool>("f16");
    QTest::addColumn<QString>("tensor");
    QTest::addColumn<qint64>("byte"); // byte offset inside the tensor's data
    QTest::addColumn<int>(
        "kind"); // 0: F16 NaN (a Q8_0 block scale or an F16 weight), 1: F16 Inf, 2: F32 NaN, 3: F32 +Inf
    // token 5 is in the prompt: its embedding row (Q8_0: 128 elements = 4 blocks of 34 bytes)
    QTest::newRow("embedding row, Q8_0 scale") << false << "token_embd.weight" << qint64(5 * 136) << 0;
    QTest::newRow("router, F32") << false << "blk.1.ffn_gate_inp.weight" << qint64(32) << 2;
    QTest::newRow("output, Q8_0 scale") << false << "output.weight" << qint64(0) << 0;
    QTest::newRow("attention norm, F32") << false << "blk.0.attn_norm.weight" << qint64(8) << 2;
    QTest::newRow("output norm, F32 inf") << false << "output_norm.weight" << qint64(0) << 3;
    QTest::newRow("attn_q, F16 NaN") << true << "blk.0.attn_q.weight" << qint64(2) << 0;
    QTest::newRow("attn_v, F16 Inf") << true << "blk.1.attn_v.weight" << qint64(64) << 1;
    QTest::newRow("every expert, F16") << true << "blk.0.ffn_down_exps.weight" << qint64(0) << 0;
}

void TestHardening::nonFiniteWeights() {
    QFETCH(bool, f16);
    QFETCH(QString, tensor);
    QFETCH(qint64, byte);
    QFETCH(int, kind);
    const std::string probe = path("nonfinite.gguf");
    QVERIFY(QFile::remove(QString::fromStdString(probe)) || !QFile::exists(QString::fromStdString(probe)));
    QVERIFY(QFile::copy(QString::fromStdString(f16 ? m_f16 : m_q8), QString::fromStdString(probe)));
    const std::string name = tensor.toStdString();
    const uint64_t at = probes::tensor_offset(probe, name) + uint64_t(byte);
    const float f32 = kind == 2 ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    const uint16_t h = kind == 1 ? k_f16_inf : k_f16_nan;
    if (kind >= 2) {
        probes::patch(probe, at, &f32, 4);
    } else {
        probes::patch(probe, at, &h, 2);
    }
    if (name == "blk.0.ffn_down_exps.weight") {
        // one NaN in every expert's first row, so the routed expert always reads one
        const GgufFile f = GgufFile::open(probe);
        const GgufTensorInfo* t = f.find_tensor(name);
        const uint64_t per_expert = t->nbytes / uint64_t(t->ne[2]);
        for (int64_t e = 0; e < t->ne[2]; ++e)
            probes::patch(probe, at + uint64_t(e) * per_expert, &h, 2);
    }

    auto model = Model::load(probe); // loading does not read every weight: the run and the scan find it
    const TensorScan scan = verify_tensors(*model, 2);
    QCOMPARE(scan.n_scanned, scan.n_tensors);
    QVERIFY(scan.skipped.empty());
    QCOMPARE(int(scan.bad.size()), 1);
    QCOMPARE(scan.bad[0].tensor, name);
    QVERIFY2(scan.bad[0].describe().find(kind == 1 || kind == 3 ? "Inf" : "NaN") != std::string::npos,
        scan.bad[0].describe().c_str());

    BackendOptions bo;
    bo.n_threads = 2;
    bo.n_ctx = 64;
    Session s(model, make_backend(BackendKind::cpu, model, bo));
    GenerateOptions go;
    go.n_predict = 8;
    go.sampler.temperature = 0.0f;
    const std::vector<int32_t> prompt = { 1, 5, 9, 200 };
    const std::string msg = error_of([&] { s.generate(prompt, go); });
    qInfo("%s", msg.c_str());
    QVERIFY2(msg.find("non-finite") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("weight " + name) != std::string::npos, msg.c_str());
    const std::string score_msg = error_of([&] { s.score(prompt); });
    QVERIFY2(score_msg.find("weight " + name) != std::string::npos, score_msg.c_str());
}

// Finite weights whose products overflow: the message says so rather than
// blaming a tensor.
void TestHardening::overflowWithFiniteWeights() {
    const std::string probe = path("overflow.gguf");
    QVERIFY(QFile::remove(QString::fromStdString(probe)) || !QFile::exists(QString::fromStdString(probe)));
    QVERIFY(QFile::copy(QString::fromStdString(m_q8), QString::fromStdString(probe)));
    const uint64_t at = probes::tensor_offset(probe, "blk.0.ffn_norm.weight");
    const std::vector<float> huge(128, 3e38f);
    probes::patch(probe, at, huge.data(), huge.size() * 4);
    auto model = Model::load(probe);
    QVERIFY(verify_tensors(*model, 1).bad.empty());
    BackendOptions bo;
    bo.n_threads = 1;
    bo.n_ctx = 32;
    Session s(model, make_backend(BackendKind::cpu, model, bo));
    const std::vector<int32_t> prompt = { 1, 2, 3 };
    const std::string msg = error_of([&] { s.score(prompt); });
    QVERIFY2(msg.find("activations overflowed") != std::string::npos, msg.c_str());
}

void TestHardening::verifyTensorsCleanModel() {
    for (const std::string& p : { m_q8, m_f16, m_sp }) {
        auto model = Model::load(p);
        const auto t0 = std::chrono::steady_clock::now();
        const TensorScan scan = verify_tensors(*model);
        qInfo("%s: %llu tensors, %.1f KB scanned in %.1f ms", p.c_str(), (unsigned long long)scan.n_scanned,
            scan.bytes_scanned / 1024.0, seconds_since(t0) * 1e3);
        QCOMPARE(scan.n_scanned, scan.n_tensors);
        QCOMPARE(scan.n_scanned, model->stats().n_tensors);
        QVERIFY(scan.bad.empty());
    }
}

// Finding 3: the tokenizer's vocabulary and the embedding disagree.
void TestHardening::vocabularyMismatch_data() {
    QTest::addColumn<int>("n_tokens");
    QTest::newRow("300 tokens, 512 rows") << 300;
    QTest::newRow("1512 tokens, 512 rows") << 1512;
}

void TestHardening::vocabularyMismatch() {
    QFETCH(int, n_tokens);
    const std::string probe = path("vocab.gguf");
    probes::rewrite(m_q8, probe, [&](GgufWriter& w) {
        const GgufFile f = GgufFile::open(m_q8);
        const GgufKV* toks = f.find("tokenizer.ggml.tokens");
        std::vector<std::string> t(toks->arr_strings.begin(), toks->arr_strings.end());
        std::vector<int32_t> types(t.size(), 1);
        while (int(t.size()) < n_tokens)
            t.push_back("<extra_" + std::to_string(t.size()) + ">");
        t.resize(size_t(n_tokens));
        types.resize(size_t(n_tokens), 1);
        w.set_string_array("tokenizer.ggml.tokens", t);
        w.set_int32_array("tokenizer.ggml.token_type", types);
    });
    const std::string msg = error_of([&] { Model::load(probe); });
    QVERIFY2(msg.find(std::to_string(n_tokens) + " tokens") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("512 rows") != std::string::npos, msg.c_str());
}

// Finding 7: a SentencePiece byte token that spells no byte ("<0xG00"):
// refused at load naming the token, where decoding once said "stoi".
void TestHardening::byteTokenThatIsNotAByte() {
    const std::string probe = path("bytetok.gguf");
    int32_t id = -1;
    probes::rewrite(m_sp, probe, [&](GgufWriter& w) {
        const GgufFile f = GgufFile::open(m_sp);
        const GgufKV* toks = f.find("tokenizer.ggml.tokens");
        std::vector<std::string> t(toks->arr_strings.begin(), toks->arr_strings.end());
        for (size_t i = 0; i < t.size(); ++i) {
            if (t[i] == "<0x47>") {
                t[i] = "<0xG00";
                id = int32_t(i);
            }
        }
        w.set_string_array("tokenizer.ggml.tokens", t);
    });
    QVERIFY(id >= 0);
    const GgufFile f = GgufFile::open(probe);
    const std::string msg = error_of([&] { Tokenizer::from_gguf(f); });
    QVERIFY2(msg.find(fmt::format("token {} '<0xG00'", id)) != std::string::npos, msg.c_str());
}

// Finding 6: files that are not files, or too big, or that expand without
// bound, are refused at once with the cap named.
void TestHardening::nonRegularAndHugeTextFiles_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expect");
    QTest::newRow("fifo") << "fifo"
                          << "not a regular file";
    QTest::newRow("directory") << "dir"
                               << "is a directory";
    QTest::newRow("/dev/zero") << "zero"
                               << "not a regular file";
    QTest::newRow("257 MiB file") << "big"
                                  << "limit of 256 MiB";
    QTest::newRow("zstd bomb, 300 MiB of zeros") << "bomb"
                                                 << "expands to more than the limit of 256 MiB";
    QTest::newRow("template of 2 MiB") << "template"
                                       << "limit of 1 MiB";
    QTest::newRow("template fifo") << "template-fifo"
                                   << "not a regular file";
}

void TestHardening::nonRegularAndHugeTextFiles() {
    QFETCH(QString, kind);
    QFETCH(QString, expect);
    std::string p;
    if (kind == "fifo" || kind == "template-fifo") {
        p = path("pipe");
        unlink(p.c_str());
        QCOMPARE(mkfifo(p.c_str(), 0600), 0);
    } else if (kind == "dir") {
        p = m_dir.path().toStdString();
    } else if (kind == "zero") {
        p = "/dev/zero";
    } else if (kind == "big") {
        p = path("big.txt");
        std::ofstream(p).put('x');
        QCOMPARE(truncate(p.c_str(), off_t(257) << 20), 0); // sparse: no disk used
    } else if (kind == "bomb") {
        p = path("bomb.json.zst");
        probes::write_zstd_zeros(p, uint64_t(300) << 20);
        struct stat st { };
        stat(p.c_str(), &st);
        qInfo("zstd bomb: %lld bytes on disk", (long long)st.st_size);
    } else if (kind == "template") {
        p = path("template.json");
        std::ofstream(p) << std::string(2 << 20, ' ') << "{}";
    }
    const auto t0 = std::chrono::steady_clock::now();
    const std::string msg = kind.startsWith("template") ? error_of([&] { ChatTemplate::from_file(p); })
                                                        : error_of([&] { read_text_file(p); });
    const double s = seconds_since(t0);
    qInfo("%s refused in %.3f s: %s", qPrintable(kind), s, msg.c_str());
    QVERIFY2(msg.find(expect.toStdString()) != std::string::npos, msg.c_str());
    QVERIFY2(msg.find(p) != std::string::npos, msg.c_str());
    QVERIFY(s < 5.0);
}

// The same through moe-cli: -f and --template on a FIFO, a directory and
// /dev/zero exit non-zero at once instead of hanging or reading forever.
void TestHardening::cliRefusesNonRegularFiles_data() {
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("kind");
    for (const char* o : { "-f", "--template" }) {
        QTest::newRow(qPrintable(QString("%1 fifo").arg(o))) << o << "fifo";
        QTest::newRow(qPrintable(QString("%1 dir").arg(o))) << o << "dir";
        QTest::newRow(qPrintable(QString("%1 /dev/zero").arg(o))) << o << "zero";
    }
}

void TestHardening::cliRefusesNonRegularFiles() {
    QFETCH(QString, option);
    QFETCH(QString, kind);
    std::string p = kind == "dir" ? m_dir.path().toStdString() : "/dev/zero";
    if (kind == "fifo") {
        p = path("cli-pipe");
        unlink(p.c_str());
        QCOMPARE(mkfifo(p.c_str(), 0600), 0);
    }
    std::vector<std::string> argv = { MOE_CLI_PATH, "generate", m_q8, "-n", "1", "--no-record" };
    if (option == "-f") {
        argv.insert(argv.end(), { "-f", p });
    } else {
        argv.insert(argv.end(), { "--chat", "-p", "hi", "--template", p });
    }
    const probes::ChildResult r = probes::run(argv, 20);
    qInfo("moe-cli %s %s: exit %d in %.2f s, peak RSS %.1f MB", qPrintable(option), p.c_str(), r.status, r.seconds,
        r.max_rss_kib / 1024.0);
    QVERIFY2(r.status != 0 && r.status < 128, r.output.c_str()); // not killed by the timeout
    QVERIFY2(r.output.find(p) != std::string::npos, r.output.c_str());
    QVERIFY2(
        r.output.find(kind == "dir" ? "is a directory" : "not a regular file") != std::string::npos, r.output.c_str());
}

// Finding 7: the batch, context and thread buffers are in the memory check,
// so absurd sizes give a message instead of std::bad_alloc.
void TestHardening::hugeBuffersInTheMemoryCheck() {
    // a model trained on 2^30 positions, so the context asked for is allowed
    const std::string probe = path("longctx.gguf");
    probes::rewrite(m_q8, probe, [](GgufWriter& w) { w.set_uint32("qwen3moe.context_length", 1u << 30); });
    auto model = Model::load(probe);
    BackendOptions bo;
    bo.n_threads = 40000;
    bo.n_ctx = 40000000;
    const std::string msg = error_of([&] { make_backend(BackendKind::cpu, model, bo); });
    QVERIFY2(msg.find("memory available") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("40000 threads") != std::string::npos, msg.c_str());

    BackendOptions big_batch;
    big_batch.n_threads = 1;
    big_batch.n_ctx = 256;
    big_batch.max_batch = std::numeric_limits<int>::max();
    auto b = make_backend(BackendKind::cpu, model, big_batch);
    QCOMPARE(b->max_batch(), 256); // a batch never exceeds the context
}

// Finding 7, the options: each bad value is refused before anything loads
// (or, for the context, at load) with a message a person can act on.
void TestHardening::cliOptionMessages_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expect");
    QTest::newRow("--top-k 0") << QStringList { "--top-k", "0" } << "'0' is not a whole number from 1 to 65536";
    QTest::newRow("-c 100000") << QStringList { "-c", "100000" }
                               << "--ctx 100000 is more than the model's context of 512";
    QTest::newRow("--seed -5") << QStringList { "--seed", "-5" } << "'-5' is not a whole number from 0 to";
    QTest::newRow("--temp inf") << QStringList { "--temp", "inf" } << "'inf' is not a finite number of at least 0";
    QTest::newRow("--temp nan") << QStringList { "--temp", "nan" } << "'nan' is not a finite number";
    QTest::newRow("-t 10000") << QStringList { "-t", "10000" } << "'10000' is not a whole number from 0 to 1024";
    QTest::newRow("--batch 0") << QStringList { "--batch", "0" } << "'0' is not a whole number from 1 to 2147483647";
    QTest::newRow("-n -1") << QStringList { "-n", "-1" } << "'-1' is not a whole number from 0 to 2147483647";
}

void TestHardening::cliOptionMessages() {
    QFETCH(QStringList, args);
    QFETCH(QString, expect);
    std::vector<std::string> argv = { MOE_CLI_PATH, "generate", m_q8, "--tokens", "1,2", "--no-record" };
    for (const QString& a : args)
        argv.push_back(a.toStdString());
    const probes::ChildResult r = probes::run(argv, 30);
    QVERIFY2(r.status != 0 && r.status < 128, r.output.c_str());
    QVERIFY2(r.output.find(expect.toStdString()) != std::string::npos, r.output.c_str());
    QVERIFY2(
        r.output.find("1.79769") == std::string::npos && r.output.find("17976") == std::string::npos, r.output.c_str());
    // and a batch as large as an int is fine: it is the context at most
    const probes::ChildResult ok = probes::run(
        { MOE_CLI_PATH, "generate", m_q8, "--tokens", "1,2", "-n", "2", "--no-record", "--batch", "2147483647" }, 60);
    QVERIFY2(ok.status == 0, ok.output.c_str());
}

// moe-cli check: exit 0 on a sound model, 1 naming the tensor with a NaN.
void TestHardening::cliCheckCommand() {
    const probes::ChildResult good = probes::run({ MOE_CLI_PATH, "check", m_q8 }, 60);
    QVERIFY2(good.status == 0, good.output.c_str());
    QVERIFY2(good.output.find("27 of 27 tensors read") != std::string::npos, good.output.c_str());
    QVERIFY2(good.output.find("every value is finite") != std::string::npos, good.output.c_str());

    const std::string probe = path("check.gguf");
    QVERIFY(QFile::remove(QString::fromStdString(probe)) || !QFile::exists(QString::fromStdString(probe)));
    QVERIFY(QFile::copy(QString::fromStdString(m_q8), QString::fromStdString(probe)));
    probes::patch(probe, probes::tensor_offset(probe, "blk.1.ffn_up_exps.weight") + 34 * 7, &k_f16_nan, 2);
    const probes::ChildResult bad = probes::run({ MOE_CLI_PATH, "check", probe }, 60);
    QVERIFY2(bad.status == 1, bad.output.c_str());
    QVERIFY2(bad.output.find("blk.1.ffn_up_exps.weight: 32 non-finite values, first NaN at element 224")
            != std::string::npos,
        bad.output.c_str());
}

// Finding 8: importing the same runs twice adds them once, `runs delete`
// checks every id before deleting any, and an empty import says so.
void TestHardening::cliRunsImportDeleteEmpty() {
    const std::string db = path("runs.sqlite"), db2 = path("runs2.sqlite"), exported = path("export.json");
    for (const char* f : { "runs.sqlite", "runs2.sqlite" })
        QFile::remove(m_dir.filePath(f));
    for (int i = 0; i < 2; ++i) {
        const probes::ChildResult g
            = probes::run({ MOE_CLI_PATH, "generate", m_q8, "--tokens", "1,2,3", "-n", "3", "--db", db }, 60);
        QVERIFY2(g.status == 0, g.output.c_str());
    }
    const probes::ChildResult e
        = probes::run({ MOE_CLI_PATH, "runs", "export", "1", "2", "--format", "json", "-o", exported, "--db", db }, 60);
    QVERIFY2(e.status == 0, e.output.c_str());
    const probes::ChildResult i1 = probes::run({ MOE_CLI_PATH, "runs", "import", exported, "--db", db2 }, 60);
    QVERIFY2(i1.status == 0 && i1.output.find("imported run 2 as run 2") != std::string::npos, i1.output.c_str());
    const probes::ChildResult i2 = probes::run({ MOE_CLI_PATH, "runs", "import", exported, "--db", db2 }, 60);
    QVERIFY2(i2.status == 0, i2.output.c_str());
    QVERIFY2(i2.output.find("2 of 2 runs were already in the store") != std::string::npos, i2.output.c_str());
    // into the store they came from: also already there
    const probes::ChildResult i3 = probes::run({ MOE_CLI_PATH, "runs", "import", exported, "--db", db }, 60);
    QVERIFY2(i3.output.find("2 of 2 runs were already in the store") != std::string::npos, i3.output.c_str());

    const probes::ChildResult d = probes::run({ MOE_CLI_PATH, "runs", "delete", "1", "999", "--db", db2 }, 60);
    QVERIFY2(d.status == 1 && d.output.find("there is no run 999") != std::string::npos, d.output.c_str());
    QVERIFY2(d.output.find("nothing was deleted") != std::string::npos, d.output.c_str());
    const probes::ChildResult list = probes::run({ MOE_CLI_PATH, "runs", "list", "--json", "--db", db2 }, 60);
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(list.output)).array().size(), 2);

    const std::string empty = path("empty.json");
    std::ofstream(empty) << "[]";
    const probes::ChildResult none = probes::run({ MOE_CLI_PATH, "runs", "import", empty, "--db", db2 }, 60);
    QVERIFY2(none.output.find("holds no runs; nothing imported") != std::string::npos, none.output.c_str());
}

QTEST_GUILESS_MAIN(TestHardening)
#include "tst_hardening.moc"
