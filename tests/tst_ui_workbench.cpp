// The workbench window end to end on a tiny synthetic model (offscreen):
// load, chat, live views, Stop, History, Compare, export, bad files.
#include "chartexporter.h"
#include "enginecontroller.h"
#include "heatmaps.h"
#include "mainwindow.h"
#include "models.h"
#include "panels.h"
#include "routingdata.h"
#include "views.h"

#include "model/synth.h"
#include "quant/quant.h"

#include <QChart>
#include <QDir>
#include <QImage>
#include <QImageReader>
#include <QLineSeries>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

class TestWorkbench : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_model2;
    std::unique_ptr<MainWindow> m_w;

    GenerationSettings settings(int maxTokens) const {
        GenerationSettings s;
        s.temperature = 0.0; // greedy: the same prompt routes the same way
        s.maxTokens = maxTokens;
        s.seed = 7;
        return s;
    }
    RunView chat(const QString& text, int maxTokens) {
        m_w->settingsPanel()->setSettings(settings(maxTokens));
        QSignalSpy done(m_w->controller(), &EngineController::generationFinished);
        Q_EMIT m_w->chat()->sendRequested(text);
        [&] { QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000); }();
        return done.count() ? done.first().first().value<RunView>() : RunView {};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // Settings and the run store go to the temporary folder, not the user's.
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("moe-workbench-test"));
        moe::SynthOptions so;
        so.arch = "qwen3moe";
        QVERIFY(moe::type_from_name("Q8_0", &so.quant));
        m_model = m_dir.filePath(QStringLiteral("tiny.gguf"));
        moe::write_synthetic_model(so, m_model.toStdString());
        so.arch = "olmoe";
        m_model2 = m_dir.filePath(QStringLiteral("tiny-olmoe.gguf"));
        moe::write_synthetic_model(so, m_model2.toStdString());
        m_w = std::make_unique<MainWindow>();
        m_w->setMeasureBandwidth(false);
        m_w->resize(1300, 820);
        m_w->show();
    }
    void cleanupTestCase() { m_w.reset(); }

    void badFileIsAnErrorNotACrash() {
        const QString bad = m_dir.filePath(QStringLiteral("bad.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF but not really");
        f.close();
        QSignalSpy failed(m_w->controller(), &EngineController::loadFailed);
        m_w->openModel(bad);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QVERIFY(!failed.first().first().toString().isEmpty());
        QCOMPARE(m_w->lastWarning(), failed.first().first().toString());
        QVERIFY(!m_w->controller()->hasModel());
        m_w->openModel(m_dir.filePath(QStringLiteral("missing.gguf")));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 20000);
    }

    void cancelledLoadDeliversNothing() {
        QSignalSpy loaded(m_w->controller(), &EngineController::modelLoaded);
        QSignalSpy cancelled(m_w->controller(), &EngineController::loadCancelled);
        m_w->openModel(m_model);
        m_w->controller()->cancelLoad();
        QCOMPARE(cancelled.count(), 1);
        QTest::qWait(500);
        QCOMPARE(loaded.count(), 0);
        QVERIFY(!m_w->controller()->hasModel());
    }

    void loadShowsTheModelCard() {
        QSignalSpy loaded(m_w->controller(), &EngineController::modelLoaded);
        m_w->openModel(m_model);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        const ModelCard card = loaded.first().first().value<ModelCard>();
        QCOMPARE(card.architecture, QStringLiteral("qwen3moe"));
        QCOMPARE(card.experts, 8);
        QCOMPARE(card.expertsUsed, 2);
        QVERIFY(card.totalParams > card.activeParams);
        QVERIFY(m_w->modelCard()->fieldText(QStringLiteral("experts")).contains(QLatin1String("8")));
        QVERIFY(m_w->modelCard()->fieldText(QStringLiteral("quant")).contains(QLatin1String("Q8_0")));
        QVERIFY(m_w->modelCard()->fieldText(QStringLiteral("deactivated")).contains(QLatin1String("%")));
        QCOMPARE(m_w->routingData()->nLayers(), 2);
    }

    void chatStreamsIntoEveryView() {
        int batches = 0, maxTokensPerBatch = 0;
        auto c = connect(m_w->controller(), &EngineController::batchAvailable, this, [&](const StreamBatch& b) {
            ++batches;
            maxTokensPerBatch = std::max(maxTokensPerBatch, int(b.tokens.size()));
        });
        const RunView run = chat(QStringLiteral("Hello, experts!"), 24);
        disconnect(c);
        QVERIFY(run.nGenerated > 0);
        QVERIFY(batches >= 1);
        // Tokens appear in the chat.
        const QString transcript = m_w->chat()->transcriptText();
        QVERIFY2(transcript.contains(QLatin1String("Hello, experts!")), qPrintable(transcript));
        QVERIFY(transcript.size() > QStringLiteral("You\nHello, experts!\nAssistant\n").size());
        // Routing reached the heatmaps.
        RoutingData* data = m_w->routingData();
        QVERIFY(data->frameCount() >= run.nPrompt);
        QCOMPARE(data->k(), 2);
        m_w->tabs()->setCurrentWidget(m_w->experts());
        m_w->experts()->refresh();
        QCOMPARE(m_w->experts()->loadHeatmap()->rows(), 2);
        QCOMPARE(m_w->experts()->loadHeatmap()->columns(), 8);
        double sum = 0;
        for (int e = 0; e < 8; ++e)
            sum += m_w->experts()->loadHeatmap()->value(0, e);
        QCOMPARE(sum, double(data->frameCount() * 2));
        const HeatmapMapping m = m_w->experts()->tokenHeatmap()->mapping();
        const QPointF cell = m.cellRect(data->frameCount() - 1, data->ids(data->frameCount() - 1, 0)[0]).center();
        QVERIFY(m_w->experts()->tokenHeatmap()->describeAt(cell.toPoint()).contains(QLatin1String("gate weight")));
        // Clicking a token shows its routing across all layers.
        m_w->experts()->showFrame(1);
        QCOMPARE(m_w->experts()->frameHeatmap()->rows(), 2);
        double w = 0;
        for (int e = 0; e < 8; ++e)
            w += m_w->experts()->frameHeatmap()->value(1, e);
        QVERIFY(w > 0.0);
        // Balance and throughput charts read from their models.
        m_w->tabs()->setCurrentWidget(m_w->balance());
        m_w->balance()->refresh();
        QCOMPARE(m_w->balance()->layerModel()->rowCount(), 2);
        QVERIFY(m_w->balance()->layerModel()->value(1, LayerBalanceModel::ImbalanceColumn) >= 1.0);
        QVERIFY(m_w->balance()->coactivation()->rows() == 8);
        QVERIFY(m_w->throughputModel()->rowCount() > 0);
        m_w->throughput()->refresh();
        auto* speed = qobject_cast<QLineSeries*>(m_w->throughput()->speedChart()->series().first());
        QVERIFY(speed);
        QCOMPARE(speed->count(), m_w->throughputModel()->rowCount());
        // The run is in History.
        QVERIFY(m_w->runsModel()->rowCount() >= 1);
        bool found = false;
        for (const RunView& r : m_w->runsModel()->runs())
            found = found || r.id == run.id;
        QVERIFY(found);
    }

    void historyComesFromTheStore() {
        QSignalSpy listed(m_w->controller(), &EngineController::runsAvailable);
        m_w->controller()->refreshRuns();
        QTRY_COMPARE_WITH_TIMEOUT(listed.count(), 1, 20000);
        const auto runs = listed.first().first().value<QVector<RunView>>();
        QVERIFY(!runs.isEmpty());
        bool stored = false;
        for (const RunView& r : runs)
            stored = stored || r.fromStore;
        QVERIFY2(stored, "the run was not read back from the run store");
        QCOMPARE(m_w->runsModel()->rowCount(), runs.size());
        m_w->history()->setFilterText(QStringLiteral("no such run anywhere"));
        QCOMPARE(m_w->history()->proxy()->rowCount(), 0);
        m_w->history()->setFilterText(QString());
        QCOMPARE(m_w->history()->proxy()->rowCount(), runs.size());
    }

    void stopEndsWithinOneToken() {
        m_w->settingsPanel()->setSettings(settings(400));
        m_w->controller()->setStepDelayForTesting(20); // the tiny model would finish before the click
        QSignalSpy done(m_w->controller(), &EngineController::generationFinished);
        Q_EMIT m_w->chat()->sendRequested(QStringLiteral("Tell me a long story"));
        QTRY_VERIFY_WITH_TIMEOUT(m_w->throughputModel()->rowCount() >= 3, 60000);
        m_w->controller()->stop();
        const int atStop = m_w->controller()->tokensAtStop();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        m_w->controller()->setStepDelayForTesting(0);
        const RunView run = done.first().first().value<RunView>();
        QCOMPARE(run.stopReason, QStringLiteral("cancelled"));
        QVERIFY(atStop >= 3);
        QVERIFY2(run.nGenerated <= atStop + 1,
            qPrintable(QStringLiteral("%1 tokens, %2 when stopped").arg(run.nGenerated).arg(atStop)));
    }

    void regenerateReplacesTheLastReply() {
        const int before = m_w->runsModel()->rowCount();
        m_w->settingsPanel()->setSettings(settings(8));
        QSignalSpy done(m_w->controller(), &EngineController::generationFinished);
        Q_EMIT m_w->chat()->regenerateRequested();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(m_w->chat()->transcriptText().count(QStringLiteral("Tell me a long story")), 1);
        QCOMPARE(m_w->runsModel()->rowCount(), before + 1);
    }

    void compareShowsBothRuns() {
        // Two runs of the same prompt: one at the model's top-2, one at top-4.
        m_w->controller()->newConversation();
        const RunView a = chat(QStringLiteral("Compare me"), 12);
        QSignalSpy loaded(m_w->controller(), &EngineController::modelLoaded);
        LoadOptions o;
        o.expertsPerToken = 4;
        o.measureBandwidth = false;
        m_w->controller()->loadModel(m_model, o);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QCOMPARE(m_w->routingData()->k(), 4);
        const RunView b = chat(QStringLiteral("Compare me"), 12);
        QSignalSpy compared(m_w->controller(), &EngineController::runsLoaded);
        m_w->compareRuns({ a.id, b.id });
        QTRY_COMPARE_WITH_TIMEOUT(compared.count(), 1, 20000);
        CompareView* cv = m_w->compare();
        QCOMPARE(cv->runs().size(), 2);
        QCOMPARE(cv->runs()[0].id, a.id);
        QCOMPARE(cv->settingsTable()->columnCount(), 3);
        // The generated texts side by side, first.
        QCOMPARE(cv->settingsTable()->item(0, 0)->text(), QStringLiteral("Reply"));
        QCOMPARE(cv->settingsTable()->item(0, 1)->text(), a.output.trimmed());
        QCOMPARE(cv->settingsTable()->item(0, 2)->text(), b.output.trimmed());
        QCOMPARE(cv->latencyChart()->series().size(), 2);
        QCOMPARE(cv->imbalanceChart()->series().size(), 2);
        // Experts per token differ, and the row says so.
        bool marked = false;
        for (int r = 0; r < cv->settingsTable()->rowCount(); ++r)
            if (cv->settingsTable()->item(r, 0)->text().endsWith(QLatin1String("Settings: experts per token")))
                marked = cv->settingsTable()->item(r, 0)->text().startsWith(QChar(0x25cf));
        QVERIFY(marked);
        QVERIFY2(cv->agreementText().contains(QLatin1String("common tokens")), qPrintable(cv->agreementText()));
        QCOMPARE(cv->agreementChart()->series().size(), 1);
    }

    void exportWritesValidFiles() {
        m_w->tabs()->setCurrentWidget(m_w->balance());
        m_w->balance()->refresh();
        QTest::qWait(50);
        ChartPanel* panel = m_w->balance()->panels().first();
        const QString base = m_dir.filePath(QStringLiteral("load"));
        QString error;
        QVERIFY2(panel->exportChart(base + QStringLiteral(".png"), &error), qPrintable(error));
        QVERIFY2(panel->exportChart(base + QStringLiteral(".svg"), &error), qPrintable(error));
        QVERIFY2(panel->exportChart(base + QStringLiteral(".pdf"), &error), qPrintable(error));
        QVERIFY2(panel->exportData(base + QStringLiteral(".csv"), &error), qPrintable(error));
        QImageReader reader(base + QStringLiteral(".png"));
        QCOMPARE(reader.format(), QByteArray("png"));
        const QImage png = reader.read();
        QVERIFY(!png.isNull());
        QVERIFY(png.width() >= panel->content()->width());
        QVERIFY(png.text(QStringLiteral("Description")).contains(QLatin1String("model: synthetic tiny qwen3moe")));
        QFile svg(base + QStringLiteral(".svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QByteArray s = svg.readAll();
        QVERIFY(s.contains("<svg"));
        QVERIFY(s.contains("</svg>"));
        QVERIFY(s.contains("synthetic tiny qwen3moe"));
        QFile pdf(base + QStringLiteral(".pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray p = pdf.readAll();
        QVERIFY(p.startsWith("%PDF-"));
        QVERIFY(p.trimmed().endsWith("%%EOF"));
        QFile csv(base + QStringLiteral(".csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        QCOMPARE(lines.first(), QByteArray("Expert,Tokens,Load share"));
        QVERIFY(lines.size() >= 1 + m_w->routingData()->nExperts());
        // A custom-painted heatmap exports too, and a bad suffix is refused.
        ChartPanel* heat = m_w->experts()->panels().first();
        QVERIFY2(heat->exportChart(m_dir.filePath(QStringLiteral("heat.png")), &error), qPrintable(error));
        // Its data: one row per token with the layer's experts and weights.
        QVERIFY2(heat->exportData(m_dir.filePath(QStringLiteral("heat.csv")), &error), qPrintable(error));
        QFile heatCsv(m_dir.filePath(QStringLiteral("heat.csv")));
        QVERIFY(heatCsv.open(QIODevice::ReadOnly));
        const QByteArray heatText = heatCsv.readAll();
        QByteArray header("#,Token,Id,Phase");
        for (int j = 1; j <= m_w->routingData()->k(); ++j)
            header += ",Expert " + QByteArray::number(j) + ",Weight " + QByteArray::number(j);
        QVERIFY2(heatText.startsWith(header + '\n'), heatText.left(120).constData());
        int records = 0; // line ends outside quoted fields (token texts may hold line breaks)
        bool quoted = false;
        for (char ch : heatText) {
            if (ch == '"') quoted = !quoted;
            if (ch == '\n' && !quoted) ++records;
        }
        QCOMPARE(records, 1 + m_w->routingData()->frameCount());
        QVERIFY(!heat->exportChart(m_dir.filePath(QStringLiteral("heat.bmpx")), &error));
        QVERIFY(error.contains(QLatin1String("bmpx")));
    }

    void anUnwritableStoreLosesNothing() {
        // A damaged store file: the turn completes, the window says the run was
        // not recorded and where it is kept, and History still shows it.
        const QString corrupt = m_dir.filePath(QStringLiteral("corrupt.sqlite"));
        QFile f(corrupt);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        // runs that cannot be saved are kept in the user's data folder
        const QString tmp = m_dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(tmp));
        const QByteArray oldTmp = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", tmp.toUtf8());
        m_w->controller()->setStorePath(corrupt);
        QSignalSpy said(m_w->controller(), &EngineController::storeMessage);
        const int before = m_w->runsModel()->rowCount();
        const RunView run = chat(QStringLiteral("Keep me"), 6);
        QVERIFY(run.nGenerated > 0);
        QTRY_VERIFY_WITH_TIMEOUT(!said.isEmpty(), 10000);
        QString all;
        for (const auto& args : said)
            all += args.first().toString() + QLatin1Char('\n');
        QVERIFY2(all.contains(QLatin1String("not recorded")), qPrintable(all));
        const QStringList kept
            = QDir(tmp + QStringLiteral("/moe-workbench/unsaved")).entryList({ QStringLiteral("*.json") });
        QCOMPARE(kept.size(), 1);
        QVERIFY2(all.contains(kept.first()), qPrintable(all));
        QCOMPARE(m_w->runsModel()->rowCount(), before + 1);
        QFile back(corrupt);
        QVERIFY(back.open(QIODevice::ReadOnly));
        QCOMPARE(back.readAll(), QByteArray(8192, 'x')); // the damaged file is left as it was
        m_w->controller()->setStorePath(QString());
        qputenv("XDG_DATA_HOME", oldTmp);
    }

    void closingDuringGenerationIsClean() {
        auto w = std::make_unique<MainWindow>();
        w->setMeasureBandwidth(false);
        QSignalSpy loaded(w->controller(), &EngineController::modelLoaded);
        w->openModel(m_model2);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        w->settingsPanel()->setSettings(settings(400));
        Q_EMIT w->chat()->sendRequested(QStringLiteral("go"));
        QTRY_VERIFY_WITH_TIMEOUT(w->throughputModel()->rowCount() >= 1, 60000);
        w.reset(); // the worker stops and joins; nothing hangs or crashes
        QVERIFY(true);
    }
};

QTEST_MAIN(TestWorkbench)
#include "tst_ui_workbench.moc"
