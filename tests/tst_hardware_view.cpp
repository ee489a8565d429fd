// The Hardware tab (ui/hardwareview): a run of the demo model projected
// onto the catalogue shows the engine's own numbers in its table and chart,
// its offload plan and rule, and says so when the run has nothing to project from.
#include "hardwareview.h"
#include "runview.h"

#include "error.h"
#include "run/runner.h"
#include "whatif/catalog.h"
#include "whatif/projection.h"
#include "whatif/report.h"

#include <QAbstractBarSeries>
#include <QBarSet>
#include <QChart>
#include <QDoubleSpinBox>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

using namespace moe;

class TestHardwareView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // the user's device file goes to a temporary folder, not the user's
        QVERIFY(m_config.isValid());
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
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

    void priceEditsPersistAndCostFollows() {
        HardwareView v;
        v.setRun(viewFromRecord(m_record));
        const int col = v.priceColumn();
        QVERIFY(col >= 0);
        QStandardItemModel* m = v.projectionModel();
        QCOMPARE(m->horizontalHeaderItem(col)->text(), QStringLiteral("$/h"));
        const int row = rowOf(m, QStringLiteral("H100 SXM"));
        QVERIFY(row >= 0);
        QVERIFY(m->item(row, col)->isEditable());
        QVERIFY(!m->item(row, 0)->isEditable());
        const double catalogue = find_device(load_catalog(), "H100 SXM").price_per_hour;
        QVERIFY(catalogue > 0);

        // typed into the cell as the table's editor commits it
        m->item(row, col)->setData(QStringLiteral("5.5"), Qt::EditRole);
        QTRY_COMPARE(find_device(load_catalog(), "H100 SXM").price_per_hour, 5.5); // the file the CLI reads
        QVERIFY2(v.message().contains(QStringLiteral("5.5")), qPrintable(v.message()));
        if (const QString dir = qEnvironmentVariable("MOE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            v.resize(1500, 900); // to look at, not checked
            v.show();
            QTest::qWait(300);
            v.grab().save(dir + QStringLiteral("/hardware-price.png"));
        }
        // the row now holds the engine's projection at that price: $/h and $/Mtok at once
        std::vector<DeviceSpec> cat = load_catalog();
        std::string note;
        const RunBasis basis = run_basis(*m_record, footprint_for_run(*m_record, {}, &note), {});
        const TextTable want = whatif_table({ project(basis, find_device(cat, "H100 SXM"), {}) }, {});
        const int r2 = rowOf(m, QStringLiteral("H100 SXM"));
        for (int c = 0; c < m->columnCount(); ++c)
            QCOMPARE(m->item(r2, c)->text(), QString::fromStdString(want.rows[0][size_t(c)]));
        QVERIFY(m->item(r2, col + 1)->text() != QStringLiteral("-"));
        // a new tab (a new start of the window) reads it back
        HardwareView again;
        again.setRun(viewFromRecord(m_record));
        QCOMPARE(again.projectionModel()->item(rowOf(again.projectionModel(), QStringLiteral("H100 SXM")), col)->text(),
            m->item(r2, col)->text());

        // refused: negative, text; the file keeps the last good price and the tab says why
        const std::string before = userFile();
        for (const QString& bad : { QStringLiteral("-3"), QStringLiteral("cheap"), QStringLiteral("1e9") }) {
            const int r = rowOf(m, QStringLiteral("H100 SXM"));
            m->item(r, col)->setData(bad, Qt::EditRole);
            QTRY_VERIFY2(v.message().contains(bad) || v.message().contains(QStringLiteral("not changed")),
                qPrintable(v.message()));
            QCOMPARE(userFile(), before);
            QCOMPARE(find_device(load_catalog(), "H100 SXM").price_per_hour, 5.5);
            QTRY_COMPARE(m->item(rowOf(m, QStringLiteral("H100 SXM")), col)->text(), m->item(r2, col)->text());
        }

        // back to the catalogue's: the entry leaves the file
        v.resetPrice(QStringLiteral("H100 SXM"));
        QCOMPARE(find_device(load_catalog(), "H100 SXM").price_per_hour, catalogue);
        QVERIFY(userFile().find("H100") == std::string::npos);
        QVERIFY2(v.message().contains(QStringLiteral("catalogue")), qPrintable(v.message()));
        // an empty cell does the same
        m->item(rowOf(m, QStringLiteral("H100 SXM")), col)->setData(QStringLiteral("7"), Qt::EditRole);
        QTRY_COMPARE(find_device(load_catalog(), "H100 SXM").price_per_hour, 7.0);
        m->item(rowOf(m, QStringLiteral("H100 SXM")), col)->setData(QString(), Qt::EditRole);
        QTRY_COMPARE(find_device(load_catalog(), "H100 SXM").price_per_hour, catalogue);
    }

    void userFileKeepsWhatElseItHolds() {
        // a user's own device and another field stay as they were when a price changes
        const std::string path = user_catalog_path();
        QVERIFY(QDir().mkpath(QFileInfo(QString::fromStdString(path)).path()));
        {
            std::ofstream f(path, std::ios::trunc);
            f << R"({"devices": [{"name": "RTX 4090", "bandwidth_gb_s": 1000, "notes": "mine"},
                {"name": "Lab box", "vendor": "Own", "kind": "cpu", "year": 2025, "status": "shipping",
                 "memory_gb": 128, "bandwidth_gb_s": 80, "source": "https://example.org", "source_date": "2026-01"}]})";
        }
        set_user_price({}, "rtx 4090", 0.5);
        set_user_price({}, "Lab box", 0.25);
        const std::vector<DeviceSpec> cat = load_catalog();
        QCOMPARE(find_device(cat, "RTX 4090").price_per_hour, 0.5);
        QCOMPARE(find_device(cat, "RTX 4090").bandwidth_gb_s, 1000.0);
        QCOMPARE(find_device(cat, "RTX 4090").notes, std::string("mine"));
        QCOMPARE(find_device(cat, "Lab box").price_per_hour, 0.25);
        set_user_price({}, "RTX 4090", std::nullopt); // its other fields keep the entry
        QVERIFY(userFile().find("RTX 4090") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(moe::Error, set_user_price({}, "No such GPU", 1.0));
        QVERIFY_THROWS_EXCEPTION(moe::Error, set_user_price({}, "H100 SXM", -1.0));
        QFile::remove(QString::fromStdString(path));
    }

private:
    static int rowOf(QStandardItemModel* m, const QString& device) {
        for (int r = 0; r < m->rowCount(); ++r)
            if (m->item(r, 0)->text() == device) return r;
        return -1;
    }
    static std::string userFile() {
        std::ifstream f(user_catalog_path());
        std::ostringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }

    QTemporaryDir m_config;
    std::unique_ptr<Runner> m_runner;
    std::shared_ptr<RunRecord> m_record;
};

QTEST_MAIN(TestHardwareView)
#include "tst_hardware_view.moc"
