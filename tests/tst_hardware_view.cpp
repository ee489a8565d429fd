// The Hardware tab (ui/hardwareview): a run of the demo model projected
// onto the catalogue shows the engine's own numbers in its table and chart,
// its offload plan and rule, and says so when the run has nothing to project from.
#include "hardwareview.h"
#include "runview.h"

#include "run/runner.h"
#include "whatif/catalog.h"
#include "whatif/projection.h"
#include "whatif/report.h"

#include <QAbstractBarSeries>
#include <QBarSet>
#include <QChart>
#include <QDoubleSpinBox>
#include <QStandardItemModel>
#include <QtTest>

using namespace moe;

class TestHardwareView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        LoadRequest req;
        req.path = MOE_DEMO_MODEL;
        req.backend = BackendKind::cpu;
        req.options.n_ctx = 256;
        m_runner = Runner::load(req);
        GenerateRequest g;
        g.prompt.text = "ROMEO:";
        g.options.n_predict = 24;
        g.stop_at_end_of_text = false;
        m_runner->set_memory_bandwidth(20.0); // as if measured: 20 GB/s
        m_record = std::make_shared<RunRecord>(m_runner->generate(g).record);
        m_record->id = 7;
        QVERIFY(m_record->figures.bandwidth_share() > 0);
    }
    void tableHoldsTheEnginesProjection() {
        HardwareView v;
        v.setRun(viewFromRecord(m_record));
        QVERIFY2(v.message().isEmpty(), qPrintable(v.message()));
        const std::vector<DeviceSpec> cat = load_catalog();
        QStandardItemModel* m = v.projectionModel();
        QCOMPARE(m->rowCount(), int(cat.size()));
        // the H100 row's decode speed is what the engine projects
        std::string note;
        const RunBasis basis = run_basis(*m_record, footprint_for_run(*m_record, {}, &note), {});
        const DeviceProjection p = project(basis, find_device(cat, "H100 SXM"), {});
        const TextTable expected = whatif_table({ p }, {});
        int row = -1;
        for (int r = 0; r < m->rowCount(); ++r)
            if (m->item(r, 0)->text() == QStringLiteral("H100 SXM")) row = r;
        QVERIFY(row >= 0);
        for (int c = 0; c < m->columnCount(); ++c)
            QCOMPARE(m->item(row, c)->text(), QString::fromStdString(expected.rows[0][size_t(c)]));
        // the chart has a bar per device, MoE and dense
        QCOMPARE(v.chart()->series().size(), 1);
        auto* bars = qobject_cast<QAbstractBarSeries*>(v.chart()->series().first());
        QVERIFY(bars);
        QCOMPARE(bars->barSets().size(), 2);
        QCOMPARE(bars->barSets()[0]->count(), int(cat.size()));
        double h100 = 0;
        for (int i = 0; i < int(cat.size()); ++i)
            h100 = std::max(h100, std::abs(bars->barSets()[0]->at(i) - p.decode_tokens_per_s) < 1e-6 ? 1.0 : 0.0);
        QCOMPARE(h100, 1.0);
        // a user efficiency adds a column
        const int cols = m->columnCount();
        v.findChild<QDoubleSpinBox*>()->setValue(50);
        QCOMPARE(m->columnCount(), cols + 1);
    }
    void offloadPlanAndRule() {
        HardwareView v;
        v.setVramGiB(0.001); // 1 MiB: experts cannot all stay
        v.setRun(viewFromRecord(m_record));
        QCOMPARE(v.offloadModel()->rowCount(), 5); // four policies and llama.cpp's placement
        QVERIFY2(v.ruleText().contains(QStringLiteral("_exps\\.weight=CPU")), qPrintable(v.ruleText()));
        v.setVramGiB(64);
        QVERIFY(v.ruleText().isEmpty()); // everything fits: nothing moves
    }
    void aRunWithoutBandwidthSaysSo() {
        auto r = std::make_shared<RunRecord>(*m_record);
        r->figures.memory_bandwidth_gb_per_s = 0;
        HardwareView v;
        v.setRun(viewFromRecord(r));
        QVERIFY2(v.message().contains(QStringLiteral("no measured memory bandwidth")), qPrintable(v.message()));
        RunView none;
        v.setRun(none);
        QCOMPARE(v.projectionModel()->rowCount(), 0);
    }

private:
    std::unique_ptr<Runner> m_runner;
    std::shared_ptr<RunRecord> m_record;
};

QTEST_MAIN(TestHardwareView)
#include "tst_hardware_view.moc"
