// moe-cli whatif and offload-plan end to end: bench runs of the demo model
// and of a synthetic small qwen3moe are recorded into a fresh store, then
// projected and planned from it as table, JSON and CSV; the exported
// --override-tensor rule and --n-cpu-moe go through llama.cpp's own
// argument parser (llama-bench from tests/llamacpp/setup.sh; skipped
// without it).
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace {

struct Result {
    int code = -1;
    QString out, err;
};

Result run(const QString& program, const QStringList& args, int timeout_ms = 300000) {
    QProcess p;
    p.start(program, args);
    Result r;
    if (!p.waitForFinished(timeout_ms)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

Result cli(const QStringList& args) {
    return run(QStringLiteral(MOE_CLI_PATH), args);
}

} // namespace

class TestWhatifCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("runs.sqlite"));
        m_small = m_dir.filePath(QStringLiteral("small-qwen3moe.gguf"));
        Result r = cli({ QStringLiteral("make-model"), QStringLiteral("--arch"), QStringLiteral("qwen3moe"),
            QStringLiteral("--preset"), QStringLiteral("small"), QStringLiteral("--quant"), QStringLiteral("Q8_0"),
            QStringLiteral("-o"), m_small });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        m_small_run = bench(m_small);
        m_demo_run = bench(QStringLiteral(MOE_DEMO_MODEL));
        QVERIFY(m_small_run > 0 && m_demo_run > 0 && m_small_run != m_demo_run);
    }
    void whatifJsonOnEveryDevice_data() {
        QTest::addColumn<int>("which");
        QTest::newRow("demo model") << 0;
        QTest::newRow("small qwen3moe") << 1;
    }
    void whatifJsonOnEveryDevice() {
        QFETCH(int, which);
        const int id = which == 0 ? m_demo_run : m_small_run;
        const Result r = cli({ QStringLiteral("whatif"), QString::number(id), QStringLiteral("--format"),
            QStringLiteral("json"), QStringLiteral("--db"), m_db });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject basis = j[QStringLiteral("basis")].toObject();
        const double eff = basis[QStringLiteral("efficiency")].toDouble();
        const double bytes = basis[QStringLiteral("bytes_per_token")].toDouble();
        QVERIFY(eff > 0 && std::isfinite(eff)); // a model in the caches can read faster than main memory
        QVERIFY(bytes > 0);
        QVERIFY(!basis[QStringLiteral("batch_curve")].toArray().isEmpty());
        const QJsonArray devices = j[QStringLiteral("devices")].toArray();
        QVERIFY(devices.size() >= 14);
        for (const auto& v : devices) {
            const QJsonObject d = v.toObject();
            // the printed speed is the formula's: efficiency x bandwidth / bytes per token
            const double expect = eff * d[QStringLiteral("bandwidth_gb_s")].toDouble() * 1e9 / bytes;
            QVERIFY(std::abs(d[QStringLiteral("decode_tokens_per_s")].toDouble() / expect - 1) < 1e-9);
            QCOMPARE(d[QStringLiteral("devices")].toInt(), 1); // a tiny model fits anywhere
            QVERIFY(!d[QStringLiteral("source")].toString().isEmpty());
        }
    }
    void whatifTableAndCsvForChosenDevices() {
        const Result t = cli({ QStringLiteral("whatif"), QString::number(m_small_run), QStringLiteral("--device"),
            QStringLiteral("H100"), QStringLiteral("--device"), QStringLiteral("rubin"), QStringLiteral("--efficiency"),
            QStringLiteral("0.8"), QStringLiteral("--db"), m_db });
        QVERIFY2(t.code == 0, qPrintable(t.err));
        QVERIFY(t.out.contains(QStringLiteral("H100 SXM")));
        QVERIFY(t.out.contains(QStringLiteral("announced"))); // Rubin
        QVERIFY(t.out.contains(QStringLiteral("at 80 %")));
        QVERIFY(!t.out.contains(QStringLiteral("MI300X")));
        const Result c = cli({ QStringLiteral("whatif"), QString::number(m_small_run), QStringLiteral("--format"),
            QStringLiteral("csv"), QStringLiteral("--db"), m_db });
        QVERIFY2(c.code == 0, qPrintable(c.err));
        const QStringList lines = c.out.trimmed().split(QLatin1Char('\n'));
        QVERIFY(lines.size() >= 15);
        QVERIFY(lines[0].startsWith(QStringLiteral("device,status,memory GB,GB/s,devices,decode tok/s")));
        const Result bad = cli({ QStringLiteral("whatif"), QString::number(m_small_run), QStringLiteral("--device"),
            QStringLiteral("TPU v9"), QStringLiteral("--db"), m_db });
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains(QStringLiteral("no device 'TPU v9'")), qPrintable(bad.err));
        const Result missing = cli({ QStringLiteral("whatif"), QStringLiteral("9999"), QStringLiteral("--db"), m_db });
        QCOMPARE(missing.code, 1);
    }
    void brokenDeviceFileIsNamed() {
        const QString path = m_dir.filePath(QStringLiteral("devices.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"devices\": [{\"name\": \"H200 SXM\", \"bandwidth_gb_s\": 0}]}");
        f.close();
        const Result r = cli({ QStringLiteral("whatif"), QString::number(m_small_run), QStringLiteral("--devices-file"),
            path, QStringLiteral("--db"), m_db });
        QCOMPARE(r.code, 1);
        QVERIFY2(
            r.err.contains(path + QStringLiteral(": device 1 (\"H200 SXM\"): 'bandwidth_gb_s'")), qPrintable(r.err));
    }
    void offloadPlanJson() {
        // the small model's non-expert part plus a third of its experts
        const Result info = cli({ QStringLiteral("offload-plan"), QString::number(m_small_run),
            QStringLiteral("--vram"), QStringLiteral("100GiB"), QStringLiteral("--format"), QStringLiteral("json"),
            QStringLiteral("--db"), m_db });
        QVERIFY2(info.code == 0, qPrintable(info.err));
        const QJsonObject all = QJsonDocument::fromJson(info.out.toUtf8()).object();
        QVERIFY(all[QStringLiteral("fits_whole")].toBool());
        QCOMPARE(all[QStringLiteral("llamacpp")].toObject()[QStringLiteral("n_cpu_moe")].toInt(), 0);
        const double resident = all[QStringLiteral("resident_bytes")].toDouble()
            + all[QStringLiteral("kv_bytes")].toDouble() + all[QStringLiteral("reserve_bytes")].toDouble();
        QVERIFY(all[QStringLiteral("expert_budget")].toDouble() > 0);
        const Result r = cli({ QStringLiteral("offload-plan"), QString::number(m_small_run), QStringLiteral("--vram"),
            QString::number(qint64(resident) + 2 * 1024 * 1024), QStringLiteral("--format"), QStringLiteral("json"),
            QStringLiteral("--db"), m_db });
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY(!j[QStringLiteral("fits_whole")].toBool());
        const QJsonObject pol = j[QStringLiteral("policies")].toObject();
        for (const char* name : { "static", "lru", "lfu", "belady" }) {
            const double h = pol[QLatin1String(name)].toObject()[QStringLiteral("hit_rate")].toDouble();
            QVERIFY(h >= 0 && h <= 1);
        }
        const double belady = pol[QStringLiteral("belady")].toObject()[QStringLiteral("hit_rate")].toDouble();
        QVERIFY(belady >= pol[QStringLiteral("lru")].toObject()[QStringLiteral("hit_rate")].toDouble());
        QVERIFY(belady >= pol[QStringLiteral("lfu")].toObject()[QStringLiteral("hit_rate")].toDouble());
        const QJsonObject l = j[QStringLiteral("llamacpp")].toObject();
        m_rule = l[QStringLiteral("override_tensor")].toString();
        m_n_cpu_moe = l[QStringLiteral("n_cpu_moe")].toInt();
        QVERIFY2(m_rule.startsWith(QStringLiteral("blk\\.(0")), qPrintable(m_rule));
        QVERIFY(m_rule.endsWith(QStringLiteral("\\.ffn_(up|down|gate)_exps\\.weight=CPU")));
        QVERIFY(m_n_cpu_moe > 0);
        // the table says the same
        const Result t = cli({ QStringLiteral("offload-plan"), QString::number(m_small_run), QStringLiteral("--vram"),
            QString::number(qint64(resident) + 2 * 1024 * 1024), QStringLiteral("--db"), m_db });
        QVERIFY2(t.code == 0, qPrintable(t.err));
        QVERIFY(t.out.contains(m_rule));
        QVERIFY(t.out.contains(QStringLiteral("belady")));
        const Result layers = cli({ QStringLiteral("offload-plan"), QString::number(m_demo_run),
            QStringLiteral("--vram"), QStringLiteral("1MiB"), QStringLiteral("--layers"), QStringLiteral("--format"),
            QStringLiteral("csv"), QStringLiteral("--db"), m_db });
        QVERIFY2(layers.code == 0, qPrintable(layers.err));
        QVERIFY(layers.out.startsWith(QStringLiteral("layer,static,lru,lfu,belady,llama.cpp")));
        const Result bad = cli({ QStringLiteral("offload-plan"), QString::number(m_small_run), QStringLiteral("--vram"),
            QStringLiteral("lots"), QStringLiteral("--db"), m_db });
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains(QStringLiteral("'lots' is not a size")), qPrintable(bad.err));
    }
    void llamaCppAcceptsTheRules() {
        const QString bench = QStringLiteral(MOE_LLAMA_BENCH);
        const QString ppl = QStringLiteral(MOE_LLAMA_PERPLEXITY);
        if (!QFile::exists(bench) || !QFile::exists(ppl))
            QSKIP("llama.cpp's tools are not built (tests/llamacpp/setup.sh)");
        QVERIFY(!m_rule.isEmpty());
        // llama-bench's parser (';' and ',' separate rules there)
        const QStringList common = { QStringLiteral("-m"), m_small, QStringLiteral("-p"), QStringLiteral("0"),
            QStringLiteral("-n"), QStringLiteral("1"), QStringLiteral("-r"), QStringLiteral("1"), QStringLiteral("-t"),
            QStringLiteral("1") };
        const Result ot = run(bench, common + QStringList { QStringLiteral("-ot"), m_rule }, 120000);
        QVERIFY2(ot.code == 0, qPrintable(ot.out + ot.err));
        const Result nc
            = run(bench, common + QStringList { QStringLiteral("-ncmoe"), QString::number(m_n_cpu_moe) }, 120000);
        QVERIFY2(nc.code == 0, qPrintable(nc.out + nc.err));
        // ... which does refuse a broken rule, so acceptance means something
        const Result broken
            = run(bench, common + QStringList { QStringLiteral("-ot"), QStringLiteral("blk.0=NOPE") }, 120000);
        QVERIFY(broken.code != 0);
        // llama.cpp's common parser (llama-cli, llama-server): the tensors it moves to the CPU, as its
        // loader reports them, are the plan's, and --n-cpu-moe moves the same ones
        const QString text = m_dir.filePath(QStringLiteral("text.txt"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("To be, or not to be, that is the question. ").repeated(40));
        f.close();
        auto moved = [&](const QStringList& extra) {
            const Result r = run(ppl,
                QStringList { QStringLiteral("-m"), m_small, QStringLiteral("-f"), text, QStringLiteral("-c"),
                    QStringLiteral("64"), QStringLiteral("--chunks"), QStringLiteral("1"), QStringLiteral("-t"),
                    QStringLiteral("1"), QStringLiteral("-v") }
                    + extra,
                120000);
            QSet<QString> names;
            static const QRegularExpression re(QStringLiteral("tensor (\\S+) \\(.*buffer type overridden to CPU"));
            for (const QString& line : (r.out + r.err).split(QLatin1Char('\n'))) {
                const QRegularExpressionMatch m = re.match(line);
                if (m.hasMatch()) names.insert(m.captured(1));
            }
            return qMakePair(r.code, names);
        };
        const auto byRule = moved({ QStringLiteral("-ot"), m_rule });
        QCOMPARE(byRule.first, 0);
        QSet<QString> expected;
        for (int b = 0; b < m_n_cpu_moe; ++b)
            for (const char* m : { "gate", "up", "down" })
                expected.insert(QStringLiteral("blk.%1.ffn_%2_exps.weight").arg(b).arg(QLatin1String(m)));
        QCOMPARE(byRule.second, expected);
        const auto byCount = moved({ QStringLiteral("--n-cpu-moe"), QString::number(m_n_cpu_moe) });
        QCOMPARE(byCount.first, 0);
        QCOMPARE(byCount.second, expected);
    }

private:
    int bench(const QString& model) {
        const Result r = cli({ QStringLiteral("bench"), model, QStringLiteral("-p"), QStringLiteral("16"),
            QStringLiteral("-n"), QStringLiteral("16"), QStringLiteral("-r"), QStringLiteral("1"), QStringLiteral("-t"),
            QStringLiteral("2"), QStringLiteral("--db"), m_db, QStringLiteral("--json") });
        if (r.code != 0) {
            qWarning("%s", qPrintable(r.err));
            return 0;
        }
        const Result list = cli(
            { QStringLiteral("runs"), QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--db"), m_db });
        const QJsonArray runs = QJsonDocument::fromJson(list.out.toUtf8()).array();
        int best = 0;
        for (const auto& v : runs)
            best = std::max(best, v.toObject()[QStringLiteral("id")].toInt());
        return best;
    }

    QTemporaryDir m_dir;
    QString m_db, m_small, m_rule;
    int m_small_run = 0, m_demo_run = 0, m_n_cpu_moe = 0;
};

QTEST_GUILESS_MAIN(TestWhatifCli)
#include "tst_whatif_cli.moc"
