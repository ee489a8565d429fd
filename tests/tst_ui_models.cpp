// Item models of the workbench under QAbstractItemModelTester, fed by
// synthetic stream batches (no engine run needed).
#include "chartexporter.h"
#include "models.h"
#include "panels.h"
#include "routingdata.h"
#include "runview.h"

#include "model/model.h"
#include "model/synth.h"
#include "run/description.h"
#include "telemetry/routing.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>

namespace {

// frames x layers x k routing: token t goes to experts (t + j*layer + j) % E.
StreamBatch makeBatch(int first, int frames, int layers, int experts, int k, bool prompt) {
    StreamBatch b;
    b.firstFrame = first;
    b.nLayers = layers;
    b.k = k;
    for (int f = 0; f < frames; ++f) {
        const int t = first + f;
        b.frameTokens << t % 50;
        b.framePos << t;
        b.frameText << QStringLiteral("t%1").arg(t);
        b.framePrompt << prompt;
        b.frameBytes << 1000.0;
        for (int l = 0; l < layers; ++l)
            for (int j = 0; j < k; ++j) {
                b.ids << (t + j * (l + 1) + j) % experts;
                b.weights << float(1.0 / (j + 2));
            }
        if (!prompt) b.tokens << StreamToken { t % 50, QStringLiteral("t%1").arg(t), 10.0 + f, t + 1 };
    }
    return b;
}

} // namespace

class TestUiModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The window's card says what is particular to a family, from the same
    // lines as `moe-cli info`: gpt-oss's windowed blocks, sinks and experts.
    void cardShowsTheDesign() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        moe::SynthOptions o;
        o.arch = "gpt-oss";
        o.preset = "tiny";
        const std::string path = dir.filePath(QStringLiteral("oss.gguf")).toStdString();
        moe::write_synthetic_model(o, path);
        const moe::ModelDescription d = moe::describe_model(*moe::Model::load(path));
        const ModelCard card = cardFromDescription(d);
        QVERIFY(!d.notes.empty());
        QCOMPARE(card.design.count(), int(d.notes.size()) + 3); // blocks, attention, gating, and each note
        QCOMPARE(card.design.first().first, QStringLiteral("blocks"));
        ModelCardView view;
        view.setCard(card);
        const QString text = view.fieldText(QStringLiteral("design"));
        QVERIFY2(text.contains(QLatin1String("window")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("attention sinks")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("SwiGLU")), qPrintable(text));
        view.clear();
        QCOMPARE(view.fieldText(QStringLiteral("design")), QStringLiteral("\u2014"));
    }

    void tokenModelStreams() {
        RoutingData data;
        data.reset(3, 8, 2);
        TokenModel model(&data);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        int inserts = 0, resets = 0;
        connect(&model, &QAbstractItemModel::rowsInserted, this, [&] { ++inserts; });
        connect(&model, &QAbstractItemModel::modelReset, this, [&] { ++resets; });
        data.append(makeBatch(0, 5, 3, 8, 2, true));
        data.append(makeBatch(5, 4, 3, 8, 2, false));
        QCOMPARE(model.rowCount(), 9);
        QCOMPARE(inserts, 2); // one insert per batch ...
        QCOMPARE(resets, 0); // ... and never a reset while streaming
        QCOMPARE(model.data(model.index(6, TokenModel::TextColumn)).toString(), QStringLiteral("t6"));
        QCOMPARE(model.data(model.index(6, TokenModel::PhaseColumn), RawValueRole).toInt(), 1);
        QCOMPARE(model.data(model.index(2, TokenModel::PhaseColumn), RawValueRole).toInt(), 0);
        model.setLayer(2);
        QCOMPARE(model.data(model.index(6, TokenModel::TopExpertColumn), RawValueRole).toInt(), data.ids(6, 2)[0]);
        // Every one of the k experts and weights of the layer, in gate order.
        QCOMPARE(model.columnCount(), TokenModel::FirstRouteColumn + 2 * 2);
        QCOMPARE(
            model.headerData(TokenModel::FirstRouteColumn + 3, Qt::Horizontal).toString(), QStringLiteral("Weight 2"));
        QCOMPARE(model.data(model.index(6, TokenModel::FirstRouteColumn + 2), RawValueRole).toInt(), data.ids(6, 2)[1]);
        QCOMPARE(model.data(model.index(6, TokenModel::FirstRouteColumn + 3), RawValueRole).toDouble(),
            double(data.weights(6, 2)[1]));
        // A restarted transcript (first frame 0 again) clears.
        data.append(makeBatch(0, 2, 3, 8, 2, true));
        QCOMPARE(model.rowCount(), 2);
    }

    void routingDataCounts() {
        RoutingData data;
        data.reset(2, 4, 2);
        data.append(makeBatch(0, 10, 2, 4, 2, false));
        qint64 total = 0;
        for (int e = 0; e < 4; ++e)
            total += data.count(1, e);
        QCOMPARE(total, qint64(10 * 2));
        const QVector<qint64> last3 = data.loadMatrix(3);
        qint64 t3 = 0;
        for (int e = 0; e < 4; ++e)
            t3 += last3[4 + e];
        QCOMPARE(t3, qint64(3 * 2));
        QCOMPARE(data.weightOf(0, 0, data.ids(0, 0)[0]), data.weights(0, 0)[0]);
        const QVector<int> frames = data.framesOfExpert(0, data.ids(9, 0)[0], 100);
        QVERIFY(!frames.isEmpty());
        QCOMPARE(frames.first(), 9);
    }

    void aDiscardedReplyLeavesTheData() {
        // Frames are numbered by context position: a batch from position 6
        // (a regenerated reply) replaces frames 6.. and everything counts only the rest.
        RoutingData data;
        data.reset(2, 4, 2);
        TokenModel tokens(&data);
        BalanceTimeModel time(&data, 4);
        QAbstractItemModelTester t1(&tokens, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&time, QAbstractItemModelTester::FailureReportingMode::QtTest);
        data.append(makeBatch(0, 6, 2, 4, 2, true));
        data.append(makeBatch(6, 10, 2, 4, 2, false));
        QCOMPARE(data.frameCount(), 16);
        StreamBatch again = makeBatch(6, 3, 2, 4, 2, false);
        for (QString& t : again.frameText)
            t = QStringLiteral("new");
        data.append(again);
        QCOMPARE(data.frameCount(), 9);
        QCOMPARE(tokens.rowCount(), 9);
        QCOMPARE(data.text(5), QStringLiteral("t5"));
        QCOMPARE(data.text(6), QStringLiteral("new"));
        QCOMPARE(data.trace().pos(8), 8);
        for (int l = 0; l < 2; ++l) {
            qint64 total = 0;
            for (int e = 0; e < 4; ++e)
                total += data.count(l, e);
            QCOMPARE(total, qint64(9 * 2));
        }
        QCOMPARE(time.rowCount(), 2); // windows of 4 over the 9 frames kept
    }

    void balanceModels() {
        RoutingData data;
        data.reset(2, 4, 2);
        LayerBalanceModel layers(&data);
        ExpertLoadModel load(&data);
        BalanceTimeModel time(&data, 4);
        QAbstractItemModelTester t1(&layers, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&load, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(&time, QAbstractItemModelTester::FailureReportingMode::QtTest);
        data.reset(2, 4, 2);
        QCOMPARE(layers.rowCount(), 2);
        QCOMPARE(load.rowCount(), 4);
        data.append(makeBatch(0, 10, 2, 4, 2, false));
        layers.recompute();
        QVERIFY(layers.value(0, LayerBalanceModel::ImbalanceColumn) >= 1.0);
        QVERIFY(layers.value(0, LayerBalanceModel::CoverageColumn) > 0.0);
        QCOMPARE(time.rowCount(), 2); // two complete windows of 4
        data.append(makeBatch(10, 3, 2, 4, 2, false));
        QCOMPARE(time.rowCount(), 3);
        QCOMPARE(time.value(2, BalanceTimeModel::FrameColumn), 12.0);
        load.setLayer(1);
        qint64 sum = 0;
        for (int e = 0; e < 4; ++e)
            sum += load.data(load.index(e, ExpertLoadModel::CountColumn), RawValueRole).toLongLong();
        QCOMPARE(sum, qint64(13 * 2));
    }

    void throughputModel() {
        ThroughputModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.append({ StreamToken { 1, QStringLiteral("a"), 10.0, 0 }, StreamToken { 2, QStringLiteral("b"), 30.0, 1 } });
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.latency(1), 30.0);
        QCOMPARE(m.tokensPerSecond(1), 1000.0 * 2 / 40.0);
        m.clear();
        QCOMPARE(m.rowCount(), 0);
    }

    void runsModelSortsAndFilters() {
        RunsModel m;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&m);
        proxy.setSortRole(RawValueRole);
        proxy.setFilterKeyColumn(-1);
        proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester ptester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RunView a, b;
        a.id = QStringLiteral("1");
        a.model = QStringLiteral("alpha");
        a.decodeTps = 9.5;
        a.nGenerated = 20;
        b.id = QStringLiteral("2");
        b.model = QStringLiteral("beta");
        b.decodeTps = 80.0;
        b.nGenerated = 20;
        m.setRuns({ a });
        m.addRun(b);
        m.addRun(b); // same id: ignored
        QCOMPARE(m.rowCount(), 2);
        proxy.sort(RunsModel::DecodeColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.data(proxy.index(0, RunsModel::ModelColumn)).toString(), QStringLiteral("beta"));
        proxy.sort(RunsModel::DecodeColumn, Qt::AscendingOrder);
        QCOMPARE(proxy.data(proxy.index(0, RunsModel::ModelColumn)).toString(), QStringLiteral("alpha"));
        proxy.setFilterFixedString(QStringLiteral("ALPH"));
        QCOMPARE(proxy.rowCount(), 1);
        // A run stopped before its first token has no speed or latency to show: a dash, not 0.0.
        RunView c;
        c.id = QStringLiteral("3");
        c.stopReason = QStringLiteral("cancelled");
        m.addRun(c);
        for (int col :
            { RunsModel::DecodeColumn, RunsModel::TtftColumn, RunsModel::PrefillColumn, RunsModel::BandwidthColumn })
            QCOMPARE(m.data(m.index(2, col)).toString(), QStringLiteral("\u2014"));
        QCOMPARE(m.data(m.index(2, RunsModel::StopColumn)).toString(), QStringLiteral("stopped"));
    }

    void csvExport() {
        QTemporaryDir dir;
        ThroughputModel m;
        m.append({ StreamToken { 1, QStringLiteral("a"), 12.5, 0 }, StreamToken { 2, QStringLiteral("b"), 7.5, 1 } });
        const QString path = dir.filePath(QStringLiteral("t.csv"));
        QString error;
        QVERIFY2(ChartExporter::exportCsv(&m, path, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QStringLiteral("Token,Latency (ms),Tokens/s"));
        QCOMPARE(lines[1].section(QLatin1Char(','), 1, 1), QStringLiteral("12.5"));
        QCOMPARE(ChartExporter::csvField(QStringLiteral("a,\"b\"")), QStringLiteral("\"a,\"\"b\"\"\""));
    }
};

QTEST_MAIN(TestUiModels)
#include "tst_ui_models.moc"
