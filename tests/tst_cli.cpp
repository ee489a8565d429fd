// moe-cli end to end, as a person uses it: make a model, inspect it,
// generate and score with --json, and get a clear error and a non-zero exit
// for bad input.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void info();
    void infoJson();
    void generateJson();
    void generateIsSeeded();
    void scoreJson();
    void errors_data();
    void errors();

private:
    struct Result {
        int code;
        QByteArray out;
        QByteArray err;
    };
    Result run(const QStringList& args);
    QTemporaryDir m_dir;
    QString m_model;
};

TestCli::Result TestCli::run(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(MOE_CLI_PATH), args);
    if (!p.waitForFinished(300000)) return { -1, {}, "timed out" };
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
        p.readAllStandardError() };
}

void TestCli::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_model = m_dir.filePath("olmoe.gguf");
    Result r
        = run({ "make-model", "--arch", "olmoe", "--preset", "tiny", "--quant", "Q8_0", "--seed", "3", "-o", m_model });
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestCli::info() {
    Result r = run({ "info", m_model });
    QVERIFY2(r.code == 0, r.err.constData());
    const QString out = QString::fromUtf8(r.out);
    QVERIFY(out.contains("architecture    olmoe"));
    QVERIFY(out.contains("8 per layer, 2 used per token"));
    QVERIFY(out.contains("% deactivated"));
    QVERIFY(out.contains("Q8_0"));
    QVERIFY(out.contains("memory needed"));
}

void TestCli::infoJson() {
    Result r = run({ "info", m_model, "--json" });
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o["architecture"].toString(), QString("olmoe"));
    QCOMPARE(o["experts"].toInt(), 8);
    QCOMPARE(o["experts_used"].toInt(), 2);
    QCOMPARE(o["layers"].toInt(), 2);
    QVERIFY(o["active_params"].toDouble() < o["total_params"].toDouble());
    QVERIFY(o["deactivated_percent"].toDouble() > 0.0);
}

void TestCli::generateJson() {
    Result r = run({ "generate", m_model, "--tokens", "1,2,3", "-n", "8", "--temp", "0", "--json", "-t", "2" });
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o["tokens"].toArray().size(), 8);
    const QJsonArray routing = o["routing"].toArray();
    QCOMPARE(routing.size(), 3 + 8 - 1); // every token processed
    const QJsonArray layers = routing[0].toArray();
    QCOMPARE(layers.size(), 2);
    QCOMPARE(layers[1].toObject()["layer"].toInt(), 1);
    QCOMPARE(layers[1].toObject()["experts"].toArray().size(), 2);
    QCOMPARE(layers[1].toObject()["weights"].toArray().size(), 2);
    // per-layer load balance over the same tokens: counts sum to k × tokens
    const QJsonArray balance = o["balance"].toArray();
    QCOMPARE(balance.size(), 2);
    double sum = 0;
    for (const auto& c : balance[0].toObject()["loads"].toArray())
        sum += c.toDouble();
    QCOMPARE(sum, 2.0 * routing.size());
    QVERIFY(balance[0].toObject()["imbalance"].toDouble() >= 1.0);
}

void TestCli::generateIsSeeded() {
    const QStringList args
        = { "generate", m_model, "--tokens", "4,5", "-n", "16", "--temp", "1.0", "--seed", "7", "--json" };
    Result a = run(args), b = run(args);
    QCOMPARE(a.code, 0);
    QCOMPARE(QJsonDocument::fromJson(a.out).object()["tokens"], QJsonDocument::fromJson(b.out).object()["tokens"]);
}

void TestCli::scoreJson() {
    Result r = run({ "score", m_model, "--tokens", "1,2,3,4,5,6", "--json", "--top-k", "3" });
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o["nll"].toArray().size(), 5);
    QCOMPARE(o["top_k"].toInt(), 3);
    QVERIFY(o["perplexity"].toDouble() > 1.0);
    QCOMPARE(o["routing"].toArray()[0].toArray()[0].toObject()["experts"].toArray().size(), 3);
}

void TestCli::errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing file") << QStringList { "info", "/nonexistent/x.gguf" } << "/nonexistent/x.gguf";
    QTest::newRow("not a gguf") << QStringList { "info", QStringLiteral(MOE_CLI_PATH) } << "magic";
    QTest::newRow("bad token list") << QStringList { "generate", "MODEL", "--tokens", "1,x,3" }
                                    << "'x' is not a token id";
    QTest::newRow("token past vocabulary")
        << QStringList { "score", "MODEL", "--tokens", "1,99999" } << "outside the vocabulary";
    QTest::newRow("cuda in a cpu build") << QStringList { "generate", "MODEL", "--tokens", "1", "--backend", "cuda" }
                                         << "CUDA";
    QTest::newRow("unknown preset") << QStringList { "make-model", "--preset", "gpt-5", "-o", "OUT" }
                                    << "unknown preset 'gpt-5'";
    QTest::newRow("unknown quant") << QStringList { "make-model", "--quant", "Q3_X", "-o", "OUT" }
                                   << "unknown --quant 'Q3_X'";
}

void TestCli::errors() {
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    args.replaceInStrings("MODEL", m_model);
    args.replaceInStrings("OUT", m_dir.filePath("out.gguf"));
    Result r = run(args);
    QVERIFY(r.code != 0);
    QVERIFY2(QString::fromUtf8(r.err).contains(expected), r.err.constData());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
