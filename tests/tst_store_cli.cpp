// `moe-cli runs` end to end through its own driver (tests/store_child/runs_cli),
// and the recording helper: a store failure must never reach generation,
// and the run it could not save is kept as JSON that `runs import` takes back.
#include "model/synth.h"
#include "run/recorder.h"
#include "run/sweep.h"
#include "runtime/session.h"
#include "store/export.h"
#include "store/recording.h"
#include "store/store.h"
#include "store_child/synthetic_run.h"

#include <nlohmann/json.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

using namespace moe;

namespace {

RunRecord quant_run(const char* hash, const char* quant, uint64_t seed) {
    moe_test::SyntheticRouting o;
    o.n_tokens = 60;
    o.n_layers = 3;
    o.n_experts = 16;
    o.k = 2;
    o.seed = seed; // different routing per run, same tokens (the tokens do not depend on the seed's routing)
    RunRecord r = moe_test::synthetic_run(o, 12);
    r.model.content_hash = hash;
    r.model.quant_mix = quant;
    r.settings.seed = 1;
    return r;
}

} // namespace

class TestStoreCli : public QObject {
    Q_OBJECT
private slots:
    void init();
    void listShowDelete();
    void compareMarksDifferences();
    void exportCsvAndJson();
    void errors();
    void saveOrKeepNeverThrows();
    void recordFromARealGeneration();
    void sweepsAsRecords();

private:
    struct Result {
        int code;
        QString out;
        QString err;
    };
    Result runs(QStringList args);
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
};

TestStoreCli::Result TestStoreCli::runs(QStringList args) {
    args.prepend("runs");
    args << "--db" << m_db;
    QProcess p;
    p.start(QStringLiteral(RUNS_CLI_PATH), args);
    if (!p.waitForFinished(120000)) return { -1, {}, "timed out" };
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
        QString::fromUtf8(p.readAllStandardError()) };
}

void TestStoreCli::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = m_dir->filePath("runs.sqlite");
}

void TestStoreCli::listShowDelete() {
    Result r = runs({ "list" });
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("no runs yet"));
    QVERIFY(!QFile::exists(m_db)); // listing does not create a store
    {
        RunStore s(m_db.toStdString());
        RunRecord a = quant_run("1111111111111111", "Q8_0 100.0%", 1);
        a.model.name = "Alpha MoE";
        a.created_at = "2025-01-01T00:00:00Z";
        RunRecord b = quant_run("2222222222222222", "Q4_K 100.0%", 2);
        b.model.name = "Beta MoE";
        b.created_at = "2025-06-01T00:00:00Z";
        s.save(a);
        s.save(b);
    }
    r = runs({ "list" });
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("Alpha MoE") && r.out.contains("Beta MoE"));
    r = runs({ "list", "--model", "beta", "--json" });
    QCOMPARE(r.code, 0);
    const QJsonArray listed = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed[0].toObject()["model_name"].toString(), QString("Beta MoE"));
    r = runs({ "list", "--since", "2025-03-01", "--json" });
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 1);

    r = runs({ "show", "1" });
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("Alpha MoE"));
    QVERIFY(r.out.contains("layer  imbalance")); // the stored load balance
    r = runs({ "show", "2", "--json" });
    QCOMPARE(r.code, 0);
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["model"].toObject()["quant_mix"].toString(),
        QString("Q4_K 100.0%"));

    r = runs({ "delete", "1" });
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("deleted run 1"));
    r = runs({ "delete", "1" });
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("there is no run 1"));
    r = runs({ "check" });
    QCOMPARE(r.code, 0);
    const QString ok = QStringLiteral("ok (schema %1, 1 runs)").arg(moe::RunStore::k_schema_version);
    QVERIFY2(r.out.contains(ok), qPrintable(r.out));
}

void TestStoreCli::compareMarksDifferences() {
    {
        RunStore s(m_db.toStdString());
        s.save(quant_run("1111111111111111", "Q8_0 100.0%", 1));
        s.save(quant_run("2222222222222222", "Q4_K 100.0%", 2));
        s.save(quant_run("1111111111111111", "Q8_0 100.0%", 1)); // the same run again
    }
    Result r = runs({ "compare", "1", "2" });
    QVERIFY2(r.code == 0, qPrintable(r.err));
    // differing rows start with '*', equal ones do not
    bool quant_marked = false, backend_unmarked = false;
    for (const QString& line : r.out.split('\n')) {
        if (line.startsWith("* quant mix")) quant_marked = true;
        if (line.startsWith("  backend")) backend_unmarked = true;
    }
    QVERIFY2(quant_marked && backend_unmarked, qPrintable(r.out));
    QVERIFY(r.out.contains("warning: run 2 is not comparable with run 1: different model file"));
    QVERIFY(r.out.contains("routing agreement, run 2 vs run 1: 60 tokens compared"));
    r = runs({ "compare", "1", "3", "--json" });
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o["comparable"].toBool(), true);
    const QJsonObject ag = o["routing_agreement"].toArray()[0].toObject();
    QCOMPARE(ag["set_match"].toDouble(), 1.0); // identical routing
    QCOMPARE(ag["first_divergence"].toInt(), -1);
    QCOMPARE(ag["layers"].toArray().size(), 3);
}

void TestStoreCli::exportCsvAndJson() {
    const RunRecord in = quant_run("1111111111111111", "Q8_0 100.0%", 1);
    {
        RunStore s(m_db.toStdString());
        s.save(in);
        s.save(in);
    }
    Result r = runs({ "export", "1", "2", "--format", "csv", "--table", "tokens" });
    QCOMPARE(r.code, 0);
    const QStringList rows = r.out.trimmed().split('\n');
    QCOMPARE(rows[0], QString("run_id,index,phase,token_id,ms"));
    QCOMPARE(rows.size(), 1 + 2 * int(in.prompt_ids.size() + in.output_ids.size()));
    QVERIFY(rows[1].startsWith("1,0,prompt,"));
    QVERIFY(rows.last().startsWith("2,"));

    const QString out = m_dir->filePath("export.json");
    r = runs({ "export", "1", "--format", "json", "-o", out });
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QFile f(out);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject run = QJsonDocument::fromJson(f.readAll()).object()["runs"].toArray()[0].toObject();
    QCOMPARE(run["routing"].toObject()["tokens"].toArray().size(), int(in.routing.size()));
    QCOMPARE(run["layers"].toArray().size(), 3);

    // what export wrote, import takes back: the store it came from already
    // holds it (issue 15: no duplicates), another store gets it as a new run
    r = runs({ "import", out });
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("run 1 is already in the store as run 1; skipped"), qPrintable(r.out));
    m_db = m_dir->filePath("other.sqlite");
    r = runs({ "import", out });
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("imported run 1 as run 1"));
    RunStore s(m_db.toStdString());
    QCOMPARE(s.load(1).output_ids, in.output_ids);
}

void TestStoreCli::errors() {
    {
        RunStore s(m_db.toStdString());
        s.save(quant_run("1111111111111111", "Q8_0 100.0%", 1));
    }
    Result r = runs({ "show", "99" });
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("there is no run 99"));
    r = runs({ "compare", "1" });
    QVERIFY(r.code != 0); // two ids at least
    r = runs({ "list", "--since", "yesterday" });
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("is not a date"));
}

void TestStoreCli::saveOrKeepNeverThrows() {
    const RunRecord rec = quant_run("1111111111111111", "Q8_0 100.0%", 1);
    // the store works: saved, id returned
    RunRecorder ok(m_db.toStdString());
    const RecordOutcome saved = ok.record(rec);
    QVERIFY(saved.saved());
    QCOMPARE(RunStore(m_db.toStdString()).list().size(), size_t(1));

    // a damaged store: no exception, the file untouched, the run kept as JSON
    // in the user's own data folder (0700, file 0600), never a shared temp folder
    const QString data = m_dir->filePath("data");
    QVERIFY(QDir().mkpath(data));
    const QByteArray old_xdg = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_DATA_HOME", data.toUtf8());
    const std::string bad = m_dir->filePath("bad.sqlite").toStdString();
    {
        std::ofstream f(bad, std::ios::binary);
        f << std::string(8192, 'x');
    }
    RunRecorder broken(bad);
    RecordOutcome kept_out;
    try {
        kept_out = broken.record(rec);
    } catch (...) {
        QFAIL("RunRecorder::record threw");
    }
    QVERIFY(!kept_out.saved());
    QVERIFY(!kept_out.lost());
    QVERIFY(!kept_out.error.empty());
    std::ifstream check(bad, std::ios::binary);
    QCOMPARE(
        std::string((std::istreambuf_iterator<char>(check)), std::istreambuf_iterator<char>()), std::string(8192, 'x'));
    const QString kept_dir = data + "/moe-workbench/unsaved";
    QCOMPARE(QString::fromStdString(kept_out.kept_path).left(kept_dir.size()), kept_dir);
    struct stat st { };
    QCOMPARE(::stat(kept_dir.toUtf8().constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0700);
    QCOMPARE(::stat(kept_out.kept_path.c_str(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0600);
    const QDir kept(kept_dir);
    const QStringList files = kept.entryList({ "run-*.json" }, QDir::Files);
    QCOMPARE(files.size(), 1);
    // and the kept file imports into a working store (the one holding the
    // same run already recognises it: issue 15, no duplicates)
    Result r = runs({ "import", kept.filePath(files[0]) });
    QVERIFY2(r.code == 0 && r.out.contains("already in the store"), qPrintable(r.out + r.err));
    m_db = m_dir->filePath("fresh.sqlite");
    r = runs({ "import", kept.filePath(files[0]) });
    QVERIFY2(r.code == 0, qPrintable(r.err));
    RunStore s(m_db.toStdString());
    QCOMPARE(s.list().size(), size_t(1));
    QCOMPARE(s.load(1).routing.size(), rec.routing.size());

    // a folder planted as a link to somewhere else is refused, and the run is reported lost
    const QString other = m_dir->filePath("other");
    QVERIFY(QDir().mkpath(other));
    QVERIFY(QDir(kept_dir).removeRecursively());
    QVERIFY(QFile::link(other, kept_dir));
    const RecordOutcome lost = broken.record(rec);
    QVERIFY(lost.lost());
    QVERIFY2(lost.error.find("not a folder of this user's") != std::string::npos, lost.error.c_str());
    QCOMPARE(QDir(other).entryList(QDir::Files).size(), 0);
    if (old_xdg.isNull())
        qunsetenv("XDG_DATA_HOME");
    else
        qputenv("XDG_DATA_HOME", old_xdg);
}

void TestStoreCli::recordFromARealGeneration() {
    // what main.cpp does after `generate`: a tiny synthetic MoE, a greedy run, the record saved and read back
    const std::string model_path = m_dir->filePath("tiny.gguf").toStdString();
    SynthOptions so;
    so.arch = "qwen3moe";
    so.preset = "tiny";
    so.seed = 5;
    write_synthetic_model(so, model_path);
    std::shared_ptr<Model> model = Model::load(model_path);
    BackendOptions bo;
    bo.n_ctx = 64;
    bo.n_threads = 2;
    Session session(model, make_backend(BackendKind::cpu, model, bo));
    RoutingTrace trace;
    session.set_routing_observer(&trace);
    GenerateOptions go;
    go.n_predict = 6;
    go.sampler.temperature = 0.0f;
    const std::vector<int32_t> prompt = { 1, 2, 3, 4 };
    const GenerateResult res = session.generate(prompt, go);
    const size_t n_routed = trace.size();
    const RunRecord rec = make_generate_record(RunKind::generate, *model, session.backend(),
        RunContext { .n_threads = 2, .n_batch = 64 }, go, prompt, res, std::move(trace));
    QCOMPARE(rec.model.content_hash, model_content_hash(model_path));
    QCOMPARE(rec.model.arch, std::string("qwen3moe"));
    QVERIFY(rec.model.quant_mix.find("F32") != std::string::npos);
    QVERIFY(rec.model.active_params > 0 && rec.model.active_params < rec.model.total_params);
    QCOMPARE(rec.settings.experts_used, model->config().n_expert_used);
    QCOMPARE(rec.backend, session.backend().name());
    QVERIFY(!rec.hardware.cpu_model.empty() || rec.hardware.cpu_threads > 0);
    // Every expert of a synthetic layer has the same size, so each decode step
    // reads exactly the model's active weight bytes (dense part + k experts).
    QCOMPARE(rec.figures.weight_bytes_per_token, double(model->stats().active_weight_bytes));
    QCOMPARE(rec.figures.achieved_gb_per_s, double(model->stats().active_weight_bytes) * rec.decode_tokens_per_s / 1e9);
    const std::optional<int64_t> id = RunRecorder(m_db.toStdString()).record(rec).id;
    QVERIFY(id.has_value());
    RunStore s(m_db.toStdString());
    const RunRecord back = s.load(*id);
    QCOMPARE(back.output_ids, res.tokens);
    QCOMPARE(back.prompt_ids, prompt);
    QCOMPARE(back.routing.size(), n_routed);
    QCOMPARE(back.stop_reason, std::string("length"));
    QCOMPARE(int(s.layer_balances(*id).size()), back.routing.n_layers());
}

void TestStoreCli::sweepsAsRecords() {
    // a stored sweep (store/sweep_record.h) through `runs list/show/export/compare/delete` as sN
    int64_t a = 0, b = 0, sweep = 0;
    {
        RunStore s(m_db.toStdString());
        a = s.save(quant_run("h1", "Q8_0", 1));
        b = s.save(quant_run("h1", "Q8_0", 2));
        SweepResult w;
        w.created_at = "2026-12-03T15:00:00Z";
        w.model = "shakespeare-moe.gguf";
        w.settings = "top-k=1";
        w.n_tokens = 60;
        for (int i = 0; i < 2; ++i) {
            SweepPoint p;
            p.family = "top-k";
            p.policy = i == 0 ? "top-k=2" : "top-k=1";
            p.baseline = i == 0;
            p.perplexity = i == 0 ? 4.1145 : 4.6411;
            p.experts_per_token = i == 0 ? 2.0 : 1.0;
            p.weight_bytes_per_token = i == 0 ? 1.102e6 : 0.684e6;
            p.run_id = i == 0 ? a : b;
            w.points.push_back(p);
        }
        mark_pareto(w.points);
        sweep = s.save_sweep(w);
    }
    const QString id = QStringLiteral("s%1").arg(sweep);
    Result r = runs({ "list" });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(id) && r.out.contains("top-k=1") && r.out.contains("4.6411"), qPrintable(r.out));
    r = runs({ "list", "--kind", "sweep", "--json" });
    QCOMPARE(r.code, 0);
    const QJsonArray listed = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed[0].toObject()["id"].toString(), id);
    QCOMPARE(listed[0].toObject()["points"].toInt(), 2);
    r = runs({ "show", id });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("| top-k=1 * | 4.6411") && r.out.contains(QString::number(b)), qPrintable(r.out));
    r = runs({ "show", id, "--json" });
    QCOMPARE(r.code, 0);
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["points"].toArray().size(), 2);
    r = runs({ "export", id, "--format", "csv" });
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.count('\n'), 3);
    QVERIFY(r.out.startsWith("family,policy,"));
    r = runs({ "export", id, QString::number(a) });
    QVERIFY(r.code != 0); // sweeps and runs apart
    r = runs({ "compare", id });
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QStringLiteral("run %1").arg(a)) && r.out.contains(QStringLiteral("run %1").arg(b)),
        qPrintable(r.out));
    r = runs({ "show", "x7" });
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains("not a run id"), qPrintable(r.err));
    r = runs({ "delete", id });
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("its runs stay"));
    r = runs({ "show", id });
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains(QStringLiteral("there is no sweep %1").arg(sweep)), qPrintable(r.err));
    QCOMPARE(runs({ "show", QString::number(a) }).code, 0);
}

QTEST_GUILESS_MAIN(TestStoreCli)
#include "tst_store_cli.moc"
