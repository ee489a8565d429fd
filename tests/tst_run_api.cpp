// The run API (engine/run) driven directly, as moe-cli and the window drive
// it: load, generate, record, reload, compare; a cancelled run; a store that
// cannot be written; the typed figures across a schema migration; and what
// `moe-cli info` says of each architecture's gating.
#include "model/synth.h"
#include "run/bench.h"
#include "run/recorder.h"
#include "run/runner.h"
#include "store/compare.h"
#include "store/store.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <atomic>

using namespace moe;

class TestRunApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        for (const char* arch : { "qwen3moe", "qwen2moe", "olmoe", "llama" }) {
            SynthOptions so;
            so.arch = arch;
            so.preset = "tiny";
            so.seed = 3;
            write_synthetic_model(so, path(arch));
        }
    }

    void loadGenerateRecordReloadCompare() {
        LoadRequest req;
        req.path = path("qwen3moe");
        req.backend = BackendKind::cpu;
        req.options.n_ctx = 64;
        req.options.n_threads = 2;
        std::vector<std::string> stages;
        const auto runner = Runner::load(req, [&](double, const std::string& s) {
            stages.push_back(s);
            return true;
        });
        QVERIFY(runner);
        QVERIFY(stages.size() >= 3);
        const ModelDescription& d = runner->description();
        QCOMPARE(d.architecture, std::string("qwen3moe"));
        QCOMPARE(d.backend, std::string("cpu"));
        QCOMPARE(d.context, 64);
        QVERIFY(d.active_params < d.total_params);

        GenerateRequest g;
        g.prompt.ids = { 1, 2, 3, 4, 5 };
        g.options.n_predict = 6;
        g.options.sampler.temperature = 0.0f;
        g.stop_at_end_of_text = false;
        int frames = 0, tokens = 0;
        struct Count : RoutingObserver {
            int* n;
            void on_routing(const RoutingFrame&) override { ++*n; }
        } count;
        count.n = &frames;
        RunCallbacks cb;
        cb.routing = &count;
        cb.on_token = [&](int32_t) { return ++tokens > 0; };
        const RunOutcome a = runner->generate(g, cb);
        QCOMPARE(int(a.record.output_ids.size()), 6);
        QCOMPARE(tokens, 6);
        QCOMPARE(frames, int(a.record.routing.size()));
        QCOMPARE(a.record.routing.size(), size_t(5 + 5)); // the prompt, then 5 decode steps fed back
        QVERIFY(a.record.figures.weight_bytes_per_token > 0);
        QCOMPARE(a.record.settings.experts_used, d.experts_used);

        // record, reload: the same run, figures typed
        const std::string db = m_dir.filePath(QStringLiteral("api.sqlite")).toStdString();
        RunRecorder recorder(db);
        const RecordOutcome saved = recorder.record(a.record);
        QVERIFY2(saved.saved(), saved.error.c_str());
        const RunRecord back = RunStore(db).load(*saved.id);
        QCOMPARE(back.output_ids, a.record.output_ids);
        QCOMPARE(back.figures.weight_bytes_per_token, a.record.figures.weight_bytes_per_token);
        QCOMPARE(back.routing.size(), a.record.routing.size());

        // the same request again is comparable and routes identically (greedy)
        const RunOutcome b = runner->generate(g);
        const RunComparison c = compare_runs({ back, b.record });
        QVERIFY(c.warnings.empty());
        QCOMPARE(c.agreements.size(), size_t(1));
        QCOMPARE(c.agreements[0].agreement.set_match, 1.0);

        // a score has its typed figures too
        ScoreRequest s;
        s.text.ids = { 1, 2, 3, 4, 5, 6 };
        const RunOutcome sc = runner->score(s);
        QCOMPARE(sc.record.figures.nll.size(), size_t(5));
        QVERIFY(sc.record.figures.perplexity.has_value() && *sc.record.figures.perplexity > 1.0);
        const RecordOutcome ss = recorder.record(sc.record);
        QVERIFY(ss.saved());
        const RunRecord sb = RunStore(db).load(*ss.id);
        QCOMPARE(sb.figures.nll, sc.record.figures.nll);
        QCOMPARE(*sb.figures.perplexity, *sc.record.figures.perplexity);
    }

    void cancelledRun() {
        LoadRequest req;
        req.path = path("olmoe");
        req.backend = BackendKind::cpu;
        req.options.n_ctx = 128;
        const auto runner = Runner::load(req);
        GenerateRequest g;
        g.prompt.ids = { 1, 2, 3 };
        g.options.n_predict = 50;
        g.stop_at_end_of_text = false;
        RunCallbacks cb;
        int n = 0;
        cb.on_token = [&](int32_t) {
            if (++n == 4) runner->cancel(); // as another thread would, between tokens
            return true;
        };
        const RunOutcome o = runner->generate(g, cb);
        QCOMPARE(o.record.status, RunStatus::cancelled);
        QCOMPARE(o.record.stop_reason, std::string("cancelled"));
        QVERIFY(o.record.output_ids.size() < 50);
        // the runner is usable after a cancel
        g.options.n_predict = 3;
        QCOMPARE(runner->generate(g).record.status, RunStatus::complete);
    }

    // A chat reply reports every generated token once, text complete or not,
    // and its pieces (a character split across tokens, the tail at the end)
    // add up to the reply: the window times tokens by on_token and shows
    // text by on_text, so neither may skip or invent a token.
    void chatReportsEveryTokenOnce() {
        LoadRequest req;
        req.path = MOE_DEMO_MODEL;
        req.backend = BackendKind::cpu;
        req.options.n_ctx = 256;
        const auto runner = Runner::load(req);
        QVERIFY(runner && runner->tokenizer());
        for (const bool cancel : { false, true }) {
            ChatTurnRequest t;
            t.message = "Speak, and tell me of the king. 王様 🎭";
            t.options.n_predict = 40;
            t.options.sampler.temperature = 0.9f;
            t.options.sampler.seed = 7;
            int tokens = 0;
            std::string text;
            RunCallbacks cb;
            cb.on_token = [&](int32_t id) {
                [&] { QVERIFY(id >= 0); }();
                if (++tokens == 10 && cancel) runner->cancel();
                return true;
            };
            cb.on_text = [&](const std::string& piece, int32_t) {
                [&] { QVERIFY(!piece.empty()); }();
                text += piece;
                return true;
            };
            const RunOutcome o = runner->chat_turn(t, cb);
            const std::vector<int32_t> stops = runner->chat_template()->stop_tokens(*runner->tokenizer());
            const auto generated = std::count_if(o.record.output_ids.begin(), o.record.output_ids.end(),
                [&](int32_t id) { return std::find(stops.begin(), stops.end(), id) == stops.end(); });
            QCOMPARE(tokens, int(generated));
            QCOMPARE(text, o.record.output_text);
            if (cancel) {
                QCOMPARE(o.record.status, RunStatus::cancelled);
                QCOMPARE(tokens, 10);
            }
        }
    }

    void cancelledLoad() {
        LoadRequest req;
        req.path = path("olmoe");
        req.backend = BackendKind::cpu;
        QVERIFY(!Runner::load(req, [](double f, const std::string&) { return f < 0.5; }));
    }

    void storeThatCannotBeWritten() {
        const QByteArray old = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("xdg")).toUtf8());
        LoadRequest req;
        req.path = path("qwen3moe");
        req.backend = BackendKind::cpu;
        req.options.n_ctx = 32;
        const auto runner = Runner::load(req);
        GenerateRequest g;
        g.prompt.ids = { 1, 2, 3 };
        g.options.n_predict = 2;
        const RunOutcome o = runner->generate(g);
        // a folder where the store should be: it cannot be opened, the run is kept
        const QString dbDir = m_dir.filePath(QStringLiteral("not-a-file.sqlite"));
        QVERIFY(QDir().mkpath(dbDir));
        RunRecorder recorder(dbDir.toStdString());
        const RecordOutcome kept = recorder.record(o.record);
        QVERIFY(!kept.saved());
        QVERIFY(!kept.lost());
        QVERIFY(!kept.error.empty());
        QVERIFY(QFile::exists(QString::fromStdString(kept.kept_path)));
        if (old.isNull())
            qunsetenv("XDG_DATA_HOME");
        else
            qputenv("XDG_DATA_HOME", old);
    }

    void figuresSurviveTheSchemaMigration() {
        // A store written at schema 1 kept its figures as JSON text: make one
        // from a current file, then open it and read them back typed.
        const std::string db = m_dir.filePath(QStringLiteral("v1.sqlite")).toStdString();
        RunRecord r;
        r.kind = RunKind::score;
        r.prompt_ids = { 1, 2, 3 };
        r.figures.perplexity = 7.5; // to be replaced by the v1 JSON below
        { RunStore(db).save(r); }
        sqlite3* h = nullptr;
        QCOMPARE(sqlite3_open(db.c_str(), &h), SQLITE_OK);
        std::string sql
            = "ALTER TABLE runs ADD COLUMN figures_json TEXT NOT NULL DEFAULT '';"
              "UPDATE runs SET figures_json = '{\"perplexity\":4.87,\"mean_nll\":1.583,\"nll\":[1.5,1.666],"
              "\"weight_bytes_per_token\":1024,\"achieved_gb_per_s\":2.5,"
              "\"gen_tokens_per_s\":{\"mean\":41.5,\"sd\":0.5},\"repetitions\":3,\"n_prompt\":8,\"n_gen\":4}';"
              "ALTER TABLE run_data DROP COLUMN nll;"
              "ALTER TABLE run_data DROP COLUMN reasoning_text;" // schema 5: a reasoning model's thinking
              "DROP TABLE sweep_points; DROP TABLE sweeps;"; // schema 6: sweeps
        for (const char* col :
            { "weight_bytes_per_token", "achieved_gb_per_s", "kv_cache_bytes_per_token", "memory_bandwidth_gb_per_s",
                "perplexity", "mean_nll", "bench_n_prompt", "bench_n_gen", "bench_n_gen_done", "bench_repetitions",
                "bench_pp_mean", "bench_pp_sd", "bench_tg_mean", "bench_tg_sd", "bench_ttft_mean", "bench_ttft_sd",
                // added by later schemas (3: routing policy; 4: energy and cost)
                "routing_policy", "experts_per_token", "energy_joules", "joules_per_token", "energy_source",
                "energy_note", "price_per_hour", "cost_per_mtok" }) {
            sql += std::string("ALTER TABLE runs DROP COLUMN ") + col + ";";
        }
        sql += "PRAGMA user_version=1;";
        char* err = nullptr;
        QVERIFY2(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK, err ? err : "");
        sqlite3_close(h);
        RunStore store(db);
        QCOMPARE(store.schema_version(), RunStore::k_schema_version);
        const RunRecord back = store.load(1);
        QCOMPARE(*back.figures.perplexity, 4.87);
        QCOMPARE(*back.figures.mean_nll, 1.583);
        QCOMPARE(back.figures.nll, (std::vector<double> { 1.5, 1.666 }));
        QCOMPARE(back.figures.weight_bytes_per_token, 1024.0);
        QVERIFY(back.figures.bench.has_value());
        QCOMPARE(back.figures.bench->gen_tokens_per_s.mean, 41.5);
        QCOMPARE(back.figures.bench->repetitions, 3);
    }

    void infoSaysEachArchitecturesGating_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<QString>("gating");
        QTest::addColumn<QString>("shared");
        QTest::newRow("qwen3moe") << "qwen3moe"
                                  << "softmax, top-2, renormalised"
                                  << "none";
        QTest::newRow("qwen2moe") << "qwen2moe"
                                  << "softmax, top-2, not renormalised"
                                  << "sigmoid-gated";
        QTest::newRow("olmoe") << "olmoe"
                               << "softmax, top-2, not renormalised"
                               << "none";
        QTest::newRow("mixtral") << "llama"
                                 << "softmax, top-2, renormalised"
                                 << "none";
    }
    void infoSaysEachArchitecturesGating() {
        QFETCH(QString, arch);
        QFETCH(QString, gating);
        QFETCH(QString, shared);
        QProcess p;
        p.start(
            QStringLiteral(MOE_CLI_PATH), { QStringLiteral("info"), QString::fromStdString(path(arch.toStdString())) });
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QString gatingLine, sharedLine;
        for (const QString& line : out.split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1String("gating"))) gatingLine = line.mid(16).trimmed();
            if (line.startsWith(QLatin1String("shared experts"))) sharedLine = line.mid(16).trimmed();
        }
        const auto model = Model::load(path(arch.toStdString()));
        QCOMPARE(
            gatingLine.replace(QStringLiteral("top-%1").arg(model->config().n_expert_used), QStringLiteral("top-2")),
            gating);
        QVERIFY2(sharedLine.contains(shared), qPrintable(sharedLine));
    }

private:
    std::string path(const std::string& arch) const {
        return m_dir.filePath(QString::fromStdString(arch + ".gguf")).toStdString();
    }
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestRunApi)
#include "tst_run_api.moc"
