// moe-cli's `runs compare` and the window's Compare tab give the same
// comparability verdict on a table of run pairs: both call the engine's one
// moe::compare_runs, and this keeps it so.
#include "runview.h"
#include "views.h"

#include "store/store.h"
#include "store_child/synthetic_run.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

namespace {

moe::RunRecord base_run() {
    moe_test::SyntheticRouting o;
    o.n_tokens = 40;
    o.n_layers = 2;
    o.n_experts = 8;
    o.k = 2;
    moe::RunRecord r = moe_test::synthetic_run(o, 10);
    r.model.content_hash = "1111111111111111";
    r.prompt_text = "ROMEO:";
    r.settings.seed = 7;
    r.settings.temperature = 0.8f;
    r.settings.experts_used = 2;
    return r;
}

struct Pair {
    const char* name;
    std::function<void(moe::RunRecord&)> change; // applied to the second run
    bool comparable;
};

} // namespace

class TestCompareVerdicts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameVerdictInCliAndWindow_data() {
        QTest::addColumn<int>("row");
        const std::vector<Pair>& t = table();
        for (size_t i = 0; i < t.size(); ++i)
            QTest::newRow(t[i].name) << int(i);
    }
    void sameVerdictInCliAndWindow() {
        QFETCH(int, row);
        const Pair& p = table()[size_t(row)];
        QTemporaryDir dir;
        const std::string db = dir.filePath(QStringLiteral("runs.sqlite")).toStdString();
        moe::RunRecord a = base_run(), b = base_run();
        p.change(b);
        int64_t ia = 0, ib = 0;
        {
            moe::RunStore store(db);
            ia = store.save(a);
            ib = store.save(b);
            a = store.load(ia);
            b = store.load(ib);
        }
        // the command line, as a user runs it
        QProcess cli;
        cli.start(QStringLiteral(RUNS_CLI_PATH),
            { QStringLiteral("runs"), QStringLiteral("compare"), QString::number(ia), QString::number(ib),
                QStringLiteral("--json"), QStringLiteral("--db"), QString::fromStdString(db) });
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QJsonObject out = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        const bool cliComparable = out[QStringLiteral("comparable")].toBool();
        const QJsonArray cliWarnings = out[QStringLiteral("warnings")].toArray();
        // the Compare tab, on the same stored runs
        CompareView view;
        view.setRuns({ viewFromRecord(std::make_shared<moe::RunRecord>(a)),
            viewFromRecord(std::make_shared<moe::RunRecord>(b)) });
        const bool windowComparable = view.warningText().isEmpty();
        QCOMPARE(cliComparable, p.comparable);
        QCOMPARE(windowComparable, p.comparable);
        for (const auto& w : cliWarnings) {
            QVERIFY2(view.warningText().contains(w.toString().toHtmlEscaped()), qPrintable(w.toString()));
        }
    }

private:
    static const std::vector<Pair>& table() {
        static const std::vector<Pair> t = {
            { "identical", [](moe::RunRecord&) {}, true },
            { "other hardware", [](moe::RunRecord& r) { r.hardware.cpu_model = "another CPU"; }, true },
            { "other backend", [](moe::RunRecord& r) { r.backend = "cuda"; }, true },
            { "other threads", [](moe::RunRecord& r) { r.settings.n_threads += 3; }, true },
            { "other model", [](moe::RunRecord& r) { r.model.content_hash = "2222222222222222"; }, false },
            { "other prompt text", [](moe::RunRecord& r) { r.prompt_text = "JULIET:"; }, false },
            { "other prompt ids", [](moe::RunRecord& r) { r.prompt_ids[0] += 1; }, false },
            { "other kind", [](moe::RunRecord& r) { r.kind = moe::RunKind::chat; }, false },
            { "other seed", [](moe::RunRecord& r) { r.settings.seed = 8; }, false },
            { "other experts per token", [](moe::RunRecord& r) { r.settings.experts_used = 4; }, false },
            { "other temperature", [](moe::RunRecord& r) { r.settings.temperature = 0.0f; }, false },
            { "other sampling top-k", [](moe::RunRecord& r) { r.settings.top_k += 7; }, false },
            { "other top-p", [](moe::RunRecord& r) { r.settings.top_p = 0.5f; }, false },
            { "other min-p", [](moe::RunRecord& r) { r.settings.min_p = 0.1f; }, false },
            { "other repeat penalty", [](moe::RunRecord& r) { r.settings.repeat_penalty = 1.2f; }, false },
        };
        return t;
    }
};

QTEST_MAIN(TestCompareVerdicts)
#include "tst_compare_verdicts.moc"
