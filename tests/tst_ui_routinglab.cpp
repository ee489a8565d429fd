// The Experiments tab (ui/routinglab.h) on the real window, offscreen, with
// the bundled demo model: a sweep fills the chart and the table and records
// its runs, Cancel stops one, a policy applied from the controls (masking by
// clicking the grid) changes the routing of the next chat turn, and the
// sweep's table passes QAbstractItemModelTester.
#include "enginecontroller.h"
#include "mainwindow.h"
#include "models.h"
#include "panels.h"
#include "routinglab.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QChart>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

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
};

QTEST_MAIN(TestRoutingLab)
#include "tst_ui_routinglab.moc"
