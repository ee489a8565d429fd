// The Experiments tab (ui/routinglab.h) on the real window, offscreen, with
// the bundled demo model: a sweep fills the chart and the table and records
// its runs, Cancel stops one, a policy applied from the controls (masking by
// clicking the grid, or from the Experts tab's heatmap menu) changes the
// routing of the next chat turn, a sweep is one stored record that History
// lists, opens and compares, and the sweep's table passes
// QAbstractItemModelTester. The routing views' load over position and one
// expert's tokens show the engine's numbers on a made-up trace.
#include "enginecontroller.h"
#include "heatmaps.h"
#include "mainwindow.h"
#include "models.h"
#include "panels.h"
#include "routingdata.h"
#include "routinglab.h"
#include "views.h"

#include "telemetry/routing_stats.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QChart>
#include <QLineSeries>
#include <QMenu>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

namespace {

// A made-up conversation: 2 layers, 4 experts, top-2, 96 tokens cycling
// through ids 0..4. Layer 0 routes token t to experts t % 4 and (t + 1) % 4;
// layer 1 uses experts 0 and 1 for the first half, 2 and 3 for the second.
void fillMadeUp(RoutingData& data) {
    constexpr int kFrames = 96, L = 2, K = 2;
    data.reset(L, 4, K);
    StreamBatch b;
    b.nLayers = L;
    b.k = K;
    for (int f = 0; f < kFrames; ++f) {
        const int t = f % 5;
        b.frameTokens << t;
        b.framePos << f;
        b.frameText << QStringLiteral("t%1").arg(t);
        b.framePrompt << (f < 8);
        b.frameBytes << 1000.0;
        b.ids << (t % 4) << ((t + 1) % 4) << (f < kFrames / 2 ? 0 : 2) << (f < kFrames / 2 ? 1 : 3);
        b.weights << 0.6f << 0.4f << 0.5f << 0.5f;
    }
    data.append(b);
}

} // namespace

class TestRoutingLab : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_w;
    RoutingLabView* lab() const { return m_w->routingLab(); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("moe-workbench-routinglab"));
        m_w = std::make_unique<MainWindow>();
        m_w->setMeasureBandwidth(false);
        m_w->resize(1400, 900);
        m_w->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_w.get()));
        QSignalSpy loaded(m_w->controller(), &EngineController::modelLoaded);
        m_w->openModel(QStringLiteral(MOE_DEMO_MODEL));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        m_w->tabs()->setCurrentWidget(lab());
    }
    void cleanupTestCase() { m_w.reset(); }

    void sweepFillsTheChartAndTable() {
        new QAbstractItemModelTester(lab()->sweepModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, this);
        QVERIFY2(!lab()->policyText().contains('='), qPrintable(lab()->policyText())); // the model's own
        lab()->setSweepText(QStringLiteral("ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the "
                                           "east, and Juliet is the sun.\n"));
        lab()->setSweepSpec(QStringLiteral("top-k=1..3; top-p=0.6"));
        lab()->setDecodeTokens(4);
        QSignalSpy done(lab(), &RoutingLabView::sweepFinished);
        QSignalSpy recorded(m_w->controller(), &EngineController::runsAvailable);
        lab()->startSweep();
        QVERIFY(lab()->isSweeping());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.first().first().toBool(), false);
        SweepModel* m = lab()->sweepModel();
        QCOMPARE(m->rowCount(), 5); // the model's own, top-k 1..3, top-p 0.6
        QCOMPARE(m->data(m->index(0, SweepModel::Policy)).toString(), QStringLiteral("model's own"));
        // top-k=2 is the demo model's own routing: the same perplexity
        QCOMPARE(m->data(m->index(2, SweepModel::Perplexity), Qt::UserRole).toDouble(),
            m->data(m->index(0, SweepModel::Perplexity), Qt::UserRole).toDouble());
        QVERIFY(m->data(m->index(1, SweepModel::Perplexity), Qt::UserRole).toDouble()
            > m->data(m->index(0, SweepModel::Perplexity), Qt::UserRole).toDouble());
        // the chart: one curve per family with its points, the model's own and the Pareto-best marked
        int lines = 0, points = 0, pareto = 0;
        for (QAbstractSeries* s : lab()->chart()->series()) {
            if (auto* l = qobject_cast<QLineSeries*>(s); l && !qobject_cast<QScatterSeries*>(s)) {
                ++lines;
                points += int(l->count());
            }
            if (auto* sc = qobject_cast<QScatterSeries*>(s); sc && sc->name() == QStringLiteral("Pareto-best"))
                pareto = int(sc->count());
        }
        QCOMPARE(lines, 2);
        QCOMPARE(points, 4);
        QVERIFY(pareto >= 1);
        // exports like every chart
        QString error;
        const QString png = m_dir.filePath(QStringLiteral("frontier.png"));
        QVERIFY2(lab()->chartPanel()->exportChart(png, &error), qPrintable(error));
        QVERIFY(QFileInfo(png).size() > 1000);
        const QString csv = m_dir.filePath(QStringLiteral("frontier.csv"));
        QVERIFY2(lab()->chartPanel()->exportData(csv, &error), qPrintable(error));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('\n'), 6);
        // each setting is a score run, and History hears of them
        // (an earlier listing may still be on its way: wait for the one after the sweep)
        auto listed
            = [&] { return recorded.isEmpty() ? 0 : int(recorded.last().first().value<QVector<RunView>>().size()); };
        QTRY_VERIFY2_WITH_TIMEOUT(listed() >= 5, qPrintable(QString::number(listed())), 10000);
    }

    void aSweepIsOneStoredRecord() {
        // the sweep just run is stored whole; History lists it, opens it, compares its runs and exports it
        const moe::SweepResult shown = lab()->shownSweep();
        QVERIFY(shown.id > 0);
        HistoryView* h = m_w->history();
        auto listedIndex = [&] {
            for (size_t i = 0; i < h->sweeps().size(); ++i)
                if (h->sweeps()[i].id == shown.id) return int(i);
            return -1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(listedIndex() >= 0, 10000);
        const moe::SweepResult& stored = h->sweeps()[size_t(listedIndex())];
        QCOMPARE(stored.points.size(), size_t(5));
        QCOMPARE(stored.settings, std::string("top-k=1..3; top-p=0.6"));
        for (size_t i = 0; i < stored.points.size(); ++i) {
            QCOMPARE(stored.points[i].policy, shown.points[i].policy);
            QCOMPARE(stored.points[i].perplexity, shown.points[i].perplexity);
            QCOMPARE(stored.points[i].pareto, shown.points[i].pareto);
            QVERIFY(stored.points[i].run_id > 0);
        }
        QCOMPARE(h->sweepTable()->item(listedIndex(), 0)->text(), QStringLiteral("s%1").arg(shown.id));
        h->selectSweep(listedIndex());
        QSignalSpy compare(h, &HistoryView::compareRequested);
        h->compareSelectedSweep();
        QCOMPARE(compare.count(), 1);
        QCOMPARE(compare.first().first().toStringList().size(), 5);
        // opened again in the Experiments tab after clearing it
        lab()->sweepModel()->clear();
        h->openSelectedSweep();
        QCOMPARE(lab()->sweepModel()->rowCount(), 5);
        QVERIFY(lab()->statusText().contains(QStringLiteral("s%1").arg(shown.id)));
        QString error;
        const QString csv = m_dir.filePath(QStringLiteral("sweep.csv"));
        QVERIFY2(RoutingLabView::exportSweep(stored, csv, &error), qPrintable(error));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('\n'), 6);
    }

    void cancelStopsASweep() {
        lab()->setSweepSpec(QStringLiteral("top-k=1..8; top-p=0.3:0.95:0.05"));
        lab()->setDecodeTokens(64);
        QSignalSpy done(lab(), &RoutingLabView::sweepFinished);
        lab()->startSweep();
        QTRY_VERIFY_WITH_TIMEOUT(lab()->sweepModel()->rowCount() >= 1, 30000);
        lab()->cancelSweep();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.first().first().toBool(), true);
        QVERIFY(lab()->sweepModel()->rowCount() < 23);
        QVERIFY(!lab()->isSweeping());
        // the setting cut short is said to be discarded (tst_routing_policy counts the tokens after the cancel)
        QVERIFY2(lab()->statusText().startsWith(QStringLiteral("Cancelled")), qPrintable(lab()->statusText()));
        if (!lab()->shownSweep().discarded.empty()) QVERIFY(lab()->statusText().contains(QStringLiteral("discarded")));
    }

    void maskingFromTheGridReachesTheEngine() {
        // mask expert 3 of layer 0 (one click), force expert 5 of layer 1 (two clicks)
        lab()->toggleCell(0, 3);
        lab()->toggleCell(1, 5);
        lab()->toggleCell(1, 5);
        QCOMPARE(lab()->cellState(0, 3), 1);
        QCOMPARE(lab()->cellState(1, 5), 2);
        QCOMPARE(lab()->policyText(), QStringLiteral("mask=0:3,force=1:5"));
        QSignalSpy applied(lab(), &RoutingLabView::policyApplied);
        lab()->applyPolicy();
        QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, 10000);
        QCOMPARE(lab()->policyInEffect(), QStringLiteral("top-k=2,mask=0:3,force=1:5"));
        // the next turn routes by it, and records it
        GenerationSettings s = m_w->settingsPanel()->settings();
        s.temperature = 0.0;
        s.maxTokens = 8;
        m_w->settingsPanel()->setSettings(s);
        QSignalSpy finished(m_w->controller(), &EngineController::generationFinished);
        Q_EMIT m_w->chat()->sendRequested(QStringLiteral("JULIET:\n"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const RunView run = finished.first().first().value<RunView>();
        QVERIFY(run.record);
        QCOMPARE(run.record->settings.routing_policy, std::string("top-k=2,mask=0:3,force=1:5"));
        const moe::RoutingTrace& t = run.record->routing;
        QVERIFY(t.size() > 0);
        for (size_t i = 0; i < t.size(); ++i) {
            const int32_t* l0 = t.ids(i, 0);
            const int32_t* l1 = t.ids(i, 1);
            QVERIFY(std::find(l0, l0 + t.k(), 3) == l0 + t.k());
            QVERIFY(std::find(l1, l1 + t.k(), 5) != l1 + t.k());
        }
        // a bad policy is refused in words, the one in effect stays
        lab()->toggleCell(1, 5); // clear
        for (int e = 0; e < 8; ++e)
            if (lab()->cellState(2, e) == 0) lab()->toggleCell(2, e); // every expert of layer 2 masked
        QSignalSpy failed(lab(), &RoutingLabView::policyFailed);
        lab()->applyPolicy();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("every expert of layer 2 is masked")),
            qPrintable(failed.first().first().toString()));
        QCOMPARE(lab()->policyInEffect(), QStringLiteral("top-k=2,mask=0:3,force=1:5"));
    }

    void maskFromTheHeatmapReachesTheNextRun() {
        for (int l = 0; l < 4; ++l)
            for (int e = 0; e < 8; ++e)
                lab()->setCellState(l, e, 0);
        ExpertsView* ev = m_w->experts();
        auto trigger = [&](int layer, int expert, const QString& text) {
            QMenu* menu = ev->cellMenu(layer, expert);
            QAction* hit = nullptr;
            for (QAction* a : menu->actions())
                if (a->text() == text) hit = a;
            QVERIFY2(hit, qPrintable(text));
            QVERIFY(hit->isEnabled());
            hit->trigger();
            delete menu;
        };
        // the expert layer 1 used most so far in the conversation (5 was forced): masked, it must vanish
        RoutingData* data = m_w->routingData();
        int busiest = 0;
        for (int e = 0; e < data->nExperts(); ++e)
            if (e != 5 && data->count(1, e) > data->count(1, busiest)) busiest = e;
        QVERIFY(data->count(1, busiest) > 0);
        QSignalSpy applied(lab(), &RoutingLabView::policyApplied);
        trigger(1, busiest, QStringLiteral("Mask this expert"));
        QCOMPARE(lab()->cellState(1, busiest), 1);
        QCOMPARE(ev->loadHeatmap()->cellMark(1, busiest), 1); // drawn crossed out
        QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 1, 10000);
        QCOMPARE(lab()->policyInEffect(), QStringLiteral("top-k=2,mask=1:%1").arg(busiest));
        QSignalSpy finished(m_w->controller(), &EngineController::generationFinished);
        Q_EMIT m_w->chat()->sendRequested(QStringLiteral("ROMEO:\n"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const RunView run = finished.first().first().value<RunView>();
        QVERIFY(run.record);
        const moe::RoutingTrace& t = run.record->routing;
        QVERIFY(t.size() > 0);
        for (size_t i = 0; i < t.size(); ++i) {
            const int32_t* l1 = t.ids(i, 1);
            QVERIFY(std::find(l1, l1 + t.k(), busiest) == l1 + t.k());
        }
        // forced, then cleared from the same menu
        trigger(0, 6, QStringLiteral("Force this expert"));
        QCOMPARE(ev->loadHeatmap()->cellMark(0, 6), 2);
        trigger(0, 6, QStringLiteral("Clear"));
        trigger(1, busiest, QStringLiteral("Clear"));
        QCOMPARE(lab()->cellState(1, busiest), 0);
        QCOMPARE(ev->loadHeatmap()->cellMark(1, busiest), 0);
        QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 4, 10000);
        QCOMPARE(lab()->policyInEffect(), QString());
    }

    void loadOverPositionShowsTheEngineNumbers() {
        RoutingData data;
        fillMadeUp(data);
        BalanceView v(&data);
        v.resize(900, 700);
        v.setLayer(1);
        v.setPositionWindow(16);
        v.refresh();
        new QAbstractItemModelTester(v.positionModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, &v);
        const moe::LoadOverPosition lp = moe::load_over_position(data.trace(), 1, 4, 16);
        MatrixHeatmap* h = v.positionHeatmap();
        QCOMPARE(h->rows(), 4);
        QCOMPARE(h->columns(), 6);
        QCOMPARE(size_t(h->columns()), lp.windows.size());
        for (int w = 0; w < h->columns(); ++w)
            for (int e = 0; e < 4; ++e)
                QCOMPARE(h->value(e, w), lp.windows[size_t(w)].share[size_t(e)]);
        // by hand: the first half uses experts 0 and 1 alone, the second 2 and 3
        QCOMPARE(h->value(0, 0), 0.5);
        QCOMPARE(h->value(2, 0), 0.0);
        QCOMPARE(h->value(3, 5), 0.5);
        QCOMPARE(v.positionModel()->rowCount(), 6);
        QCOMPARE(v.positionModel()->item(5, 0)->text(), QStringLiteral("80"));
        QCOMPARE(v.positionModel()->item(5, 1)->text(), QStringLiteral("95"));
        QCOMPARE(v.positionModel()->item(2, 3)->data(RawValueRole).toDouble(), lp.windows[2].drift);
        QVERIFY2(v.positionCaption().contains(QString::number(lp.max_drift, 'f', 4)), qPrintable(v.positionCaption()));
        // it follows the conversation: more tokens, more windows
        StreamBatch more;
        more.firstFrame = 96;
        more.nLayers = 2;
        more.k = 2;
        for (int f = 96; f < 112; ++f) {
            more.frameTokens << 0;
            more.framePos << f;
            more.frameText << QStringLiteral("t0");
            more.framePrompt << false;
            more.frameBytes << 1000.0;
            more.ids << 0 << 1 << 0 << 1;
            more.weights << 0.5f << 0.5f << 0.5f << 0.5f;
        }
        data.append(more);
        v.refresh();
        QCOMPARE(h->columns(), 7);
        QCOMPARE(h->value(0, 6), 0.5);
    }

    void clickingACellShowsItsExpertTokens() {
        RoutingData data;
        fillMadeUp(data);
        ExpertsView v(&data);
        v.resize(1200, 800);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.refresh();
        new QAbstractItemModelTester(v.expertTokensModel(), QAbstractItemModelTester::FailureReportingMode::QtTest, &v);
        MatrixHeatmap* load = v.loadHeatmap();
        const QPoint cell = load->mapping().cellRect(2, 0).center().toPoint(); // layer 0, expert 2
        QTest::mouseClick(load, Qt::LeftButton, {}, cell);
        QCOMPARE(v.selectedLayer(), 0);
        QCOMPARE(v.selectedExpert(), 2);
        // the engine's affinity (as `runs show --experts-for`): tokens 1 and 2, every occurrence
        const auto aff = moe::expert_token_affinity(data.trace(), 0, 4, 16, 2)[2];
        QStandardItemModel* m = v.expertTokensModel();
        QCOMPARE(size_t(m->rowCount()), aff.size());
        QCOMPARE(m->rowCount(), 2);
        for (int r = 0; r < m->rowCount(); ++r) {
            QCOMPARE(m->item(r, 4)->data(RawValueRole).toInt(), aff[size_t(r)].token);
            QCOMPARE(m->item(r, 0)->text(), QStringLiteral("t%1").arg(aff[size_t(r)].token));
            QCOMPARE(m->item(r, 2)->data(RawValueRole).toLongLong(), aff[size_t(r)].routed);
            QCOMPARE(m->item(r, 1)->data(RawValueRole).toDouble(), 1.0);
        }
        QVERIFY(v.expertTokensCaption().startsWith(QStringLiteral("Layer 0, expert 2:")));
        // another cell, another expert
        QTest::mouseClick(load, Qt::LeftButton, {}, load->mapping().cellRect(0, 1).center().toPoint());
        QCOMPARE(v.selectedLayer(), 1);
        QCOMPARE(v.selectedExpert(), 0);
        QCOMPARE(size_t(m->rowCount()), moe::expert_token_affinity(data.trace(), 1, 4, 16, 2)[0].size());
    }
};

QTEST_MAIN(TestRoutingLab)
#include "tst_ui_routinglab.moc"
