// The run store: schema and pragmas, every field through save and load, the
// trace codec, the migration ladder and refusal of newer files, list
// filters and delete with its cascade.
#include "run/sweep.h"
#include "store/codec.h"
#include "store/store.h"
#include "store_child/synthetic_run.h"

#include <fmt/format.h>

#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <tuple>

using namespace moe;

namespace {

// A raw connection, for looking at the file behind the store's back.
class Raw {
public:
    explicit Raw(const std::string& path) { sqlite3_open(path.c_str(), &m_db); }
    ~Raw() { sqlite3_close(m_db); }
    std::string one(const std::string& sql) {
        sqlite3_stmt* s = nullptr;
        std::string out = "<error>";
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
            const int rc = sqlite3_step(s);
            if (rc == SQLITE_ROW) {
                const unsigned char* t = sqlite3_column_text(s, 0);
                out = t ? reinterpret_cast<const char*>(t) : "";
            } else if (rc == SQLITE_DONE) {
                out = "<none>";
            }
        }
        sqlite3_finalize(s);
        return out;
    }
    int exec(const std::string& sql) { return sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr); }

private:
    sqlite3* m_db = nullptr;
};

std::vector<char> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A run with every field set to something other than its default.
RunRecord full_run() {
    moe_test::SyntheticRouting o;
    o.n_tokens = 300;
    o.n_layers = 4;
    o.k = 8;
    o.n_experts = 64;
    o.seed = 42;
    RunRecord r = moe_test::synthetic_run(o, 100);
    r.kind = RunKind::chat;
    r.created_at = "2025-02-03T04:05:06Z";
    r.status = RunStatus::cancelled;
    r.stop_reason = "cancelled";
    r.notes = "note, with \"quotes\"\nand a line";
    r.hardware.gpu_name = "NVIDIA H100 80GB HBM3";
    r.hardware.gpu_memory_bytes = 85'000'000'000ull;
    r.hardware.gpu_driver = "550.54.15";
    r.hardware.cuda_version = "12.4";
    r.settings.seed = 0xFEDCBA9876543210ull; // above INT64_MAX: must survive SQLite's signed integers
    r.settings.top_k_override = 4;
    r.settings.experts_used = 4;
    r.prompt_text = "Explain mixture of experts — ünïcödé too";
    r.output_text = "Experts are chosen per token.";
    r.p50_ms = 24.5;
    r.p99_ms = 31.25;
    r.decode_tokens_per_s = 40.0;
    r.prefill_tokens_per_s = 250.0;
    r.figures.perplexity = 7.5;
    r.figures.mean_nll = 2.01;
    r.figures.nll = { 2.5, 1.52 };
    r.figures.weight_bytes_per_token = 4096.0;
    r.figures.achieved_gb_per_s = 0.16384;
    r.figures.bench = BenchFigures { 8, 4, 3, 2, { 250.0, 1.5 }, { 40.0, 0.5 }, { 31.0, 2.0 } };
    return r;
}

} // namespace

class TestStore : public QObject {
    Q_OBJECT
private slots:
    void init();
    void schema();
    void defaultPath();
    void roundTripEveryField();
    void emptyRun();
    void traceCodecSetAndRaw();
    void traceCodecDamage();
    void storedLayerBalance();
    void modelContentHash();
    void migrationFromEmptyFile();
    void newerVersionRefused();
    void foreignDatabaseRefused();
    void listFilters();
    void removeCascades();
    void sweepRoundTrips();
    void sweepTablesMigrateFromTheSchemaBefore();

private:
    std::string path(const char* name) const { return m_dir->filePath(name).toStdString(); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStore::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestStore::schema() {
    const std::string p = path("sub/dir/runs.sqlite"); // folders are created
    {
        RunStore s(p);
        QCOMPARE(s.schema_version(), RunStore::k_schema_version);
        QVERIFY(s.integrity_check().empty());
        QVERIFY(!s.read_only());
    }
    Raw raw(p);
    QCOMPARE(raw.one("PRAGMA user_version"), std::to_string(RunStore::k_schema_version));
    QCOMPARE(raw.one("PRAGMA journal_mode"), std::string("wal")); // WAL is a property of the file
    QCOMPARE(raw.one("PRAGMA application_id"), std::to_string(0x4D6F4557));
    for (const char* t : { "runs", "run_data", "run_routing", "run_layers" }) {
        QCOMPARE(raw.one(fmt::format("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{}'", t)),
            std::string("1"));
    }
    // reopening a current file changes nothing and migrates nothing
    RunStore again(p);
    QCOMPARE(again.schema_version(), RunStore::k_schema_version);
}

void TestStore::defaultPath() {
    const QByteArray old_xdg = qgetenv("XDG_DATA_HOME");
    const QByteArray old_home = qgetenv("HOME");
    qputenv("XDG_DATA_HOME", "/data/xdg");
    QCOMPARE(RunStore::default_path(), std::string("/data/xdg/moe-workbench/runs.sqlite"));
    qputenv("XDG_DATA_HOME", "relative/ignored"); // the spec says relative values are ignored
    qputenv("HOME", "/home/someone");
    QCOMPARE(RunStore::default_path(), std::string("/home/someone/.local/share/moe-workbench/runs.sqlite"));
    qunsetenv("XDG_DATA_HOME");
    QCOMPARE(RunStore::default_path(), std::string("/home/someone/.local/share/moe-workbench/runs.sqlite"));
    if (old_xdg.isNull())
        qunsetenv("XDG_DATA_HOME");
    else
        qputenv("XDG_DATA_HOME", old_xdg);
    qputenv("HOME", old_home);
}

void TestStore::roundTripEveryField() {
    const RunRecord in = full_run();
    RunStore s(path("runs.sqlite"));
    const int64_t id = s.save(in);
    QVERIFY(id > 0);
    const RunRecord out = s.load(id);
    QCOMPARE(out.id, id);
    QCOMPARE(out.kind, in.kind);
    QCOMPARE(out.created_at, in.created_at);
    QCOMPARE(out.status, in.status);
    QCOMPARE(out.stop_reason, in.stop_reason);
    QCOMPARE(out.notes, in.notes);
    QCOMPARE(out.model.file_name, in.model.file_name);
    QCOMPARE(out.model.path, in.model.path);
    QCOMPARE(out.model.file_size, in.model.file_size);
    QCOMPARE(out.model.content_hash, in.model.content_hash);
    QCOMPARE(out.model.name, in.model.name);
    QCOMPARE(out.model.arch, in.model.arch);
    QCOMPARE(out.model.quant_mix, in.model.quant_mix);
    QCOMPARE(out.model.total_params, in.model.total_params);
    QCOMPARE(out.model.active_params, in.model.active_params);
    QCOMPARE(out.model.n_layers, in.model.n_layers);
    QCOMPARE(out.model.n_experts, in.model.n_experts);
    QCOMPARE(out.model.n_experts_used, in.model.n_experts_used);
    QCOMPARE(out.hardware.cpu_model, in.hardware.cpu_model);
    QCOMPARE(out.hardware.cpu_threads, in.hardware.cpu_threads);
    QCOMPARE(out.hardware.ram_bytes, in.hardware.ram_bytes);
    QCOMPARE(out.hardware.gpu_name, in.hardware.gpu_name);
    QCOMPARE(out.hardware.gpu_memory_bytes, in.hardware.gpu_memory_bytes);
    QCOMPARE(out.hardware.gpu_driver, in.hardware.gpu_driver);
    QCOMPARE(out.hardware.cuda_version, in.hardware.cuda_version);
    QCOMPARE(out.build.version, in.build.version);
    QCOMPARE(out.build.git_revision, in.build.git_revision);
    QCOMPARE(out.backend, in.backend);
    QCOMPARE(out.settings.temperature, in.settings.temperature);
    QCOMPARE(out.settings.top_k, in.settings.top_k);
    QCOMPARE(out.settings.top_p, in.settings.top_p);
    QCOMPARE(out.settings.min_p, in.settings.min_p);
    QCOMPARE(out.settings.repeat_penalty, in.settings.repeat_penalty);
    QCOMPARE(out.settings.repeat_last_n, in.settings.repeat_last_n);
    QCOMPARE(out.settings.seed, in.settings.seed);
    QCOMPARE(out.settings.n_predict, in.settings.n_predict);
    QCOMPARE(out.settings.n_ctx, in.settings.n_ctx);
    QCOMPARE(out.settings.n_threads, in.settings.n_threads);
    QCOMPARE(out.settings.n_batch, in.settings.n_batch);
    QCOMPARE(out.settings.top_k_override, in.settings.top_k_override);
    QCOMPARE(out.settings.experts_used, in.settings.experts_used);
    QCOMPARE(out.prompt_text, in.prompt_text);
    QCOMPARE(out.prompt_ids, in.prompt_ids);
    QCOMPARE(out.output_text, in.output_text);
    QCOMPARE(out.output_ids, in.output_ids);
    QCOMPARE(out.token_ms, in.token_ms); // bit-exact: stored as doubles
    QCOMPARE(out.ttft_ms, in.ttft_ms);
    QCOMPARE(out.prefill_ms, in.prefill_ms);
    QCOMPARE(out.prefill_tokens_per_s, in.prefill_tokens_per_s);
    QCOMPARE(out.decode_tokens_per_s, in.decode_tokens_per_s);
    QCOMPARE(out.p50_ms, in.p50_ms);
    QCOMPARE(out.p99_ms, in.p99_ms);
    QCOMPARE(figures_to_json(out.figures), figures_to_json(in.figures));
    QCOMPARE(out.figures.nll, in.figures.nll);
    QCOMPARE(out.figures.bench->n_gen_done, 3);

    // routing: same tokens, positions and expert sets; weights within the
    // 8-bit step (max weight / 255, rounded: half a step), rows in descending gate order
    const RoutingTrace& a = in.routing;
    const RoutingTrace& b = out.routing;
    QCOMPARE(b.size(), a.size());
    QCOMPARE(b.n_layers(), a.n_layers());
    QCOMPARE(b.k(), a.k());
    float max_w = 0.0f;
    for (size_t i = 0; i < a.size(); ++i) {
        for (int l = 0; l < a.n_layers(); ++l) {
            for (int j = 0; j < a.k(); ++j)
                max_w = std::max(max_w, a.weights(i, l)[j]);
        }
    }
    const float tol = max_w / 255.0f * 0.5f + 1e-6f;
    for (size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(b.token(i), a.token(i));
        QCOMPARE(b.pos(i), a.pos(i));
        for (int l = 0; l < a.n_layers(); ++l) {
            for (int j = 0; j < a.k(); ++j) {
                const int32_t e = b.ids(i, l)[j];
                const int32_t* src = a.ids(i, l);
                const int at = int(std::find(src, src + a.k(), e) - src);
                QVERIFY2(at < a.k(), "an expert that was not routed to came back");
                QVERIFY(std::abs(b.weights(i, l)[j] - a.weights(i, l)[at]) <= tol);
                if (j > 0) QVERIFY(b.weights(i, l)[j] <= b.weights(i, l)[j - 1]);
            }
        }
    }
}

void TestStore::emptyRun() {
    RunStore s(path("runs.sqlite"));
    RunRecord r; // nothing but defaults: no tokens, no trace
    r.kind = RunKind::score;
    const int64_t id = s.save(r);
    const RunRecord out = s.load(id);
    QCOMPARE(out.kind, RunKind::score);
    QVERIFY(out.prompt_ids.empty());
    QVERIFY(out.token_ms.empty());
    QCOMPARE(out.routing.size(), size_t(0));
    QVERIFY(!out.created_at.empty()); // filled in on save
    QVERIFY(s.layer_balances(id).empty());
}

void TestStore::traceCodecSetAndRaw() {
    // set coding: ids outside the byte range (2-byte ids), k = 3 (a partial mask byte)
    RoutingTrace t;
    const int32_t rows[4][2][3] = { { { 300, 5, 1000 }, { 7, 8, 9 } }, { { 1000, 300, 6 }, { 9, 8, 7 } },
        { { 1, 2, 3 }, { 9, 10, 11 } }, { { 3, 2, 1 }, { 11, 10, 9 } } };
    const float w[2][3] = { { 0.5f, 0.3f, 0.2f }, { 0.6f, 0.3f, 0.1f } };
    for (int i = 0; i < 4; ++i) {
        RoutingFrame f { i * 2, 100 + i, 2, 3, &rows[i][0][0], &w[0][0] }; // positions step by 2
        t.on_routing(f);
    }
    TraceCodecStats st;
    const std::vector<uint8_t> blob = encode_routing(t, 3, &st);
    QVERIFY(st.compressed_bytes == blob.size());
    const RoutingTrace back = decode_routing(blob.data(), blob.size());
    QCOMPARE(back.size(), size_t(4));
    for (size_t i = 0; i < 4; ++i) {
        QCOMPARE(back.pos(i), int32_t(i * 2));
        QCOMPARE(back.token(i), int32_t(100 + i));
        for (int l = 0; l < 2; ++l) {
            // weights are distinct, so the original descending order comes back exactly
            for (int j = 0; j < 3; ++j)
                QCOMPARE(back.ids(i, l)[j], rows[i][l][j]);
        }
    }

    // raw coding: a repeated expert in one row and a negative weight are kept exactly
    RoutingTrace r;
    const int32_t ids[2] = { 4, 4 };
    const float ww[2] = { -0.25f, 1.5f };
    RoutingFrame f { 0, 1, 1, 2, ids, ww };
    r.on_routing(f);
    const std::vector<uint8_t> rb = encode_routing(r);
    const RoutingTrace rback = decode_routing(rb.data(), rb.size());
    QCOMPARE(rback.size(), size_t(1));
    QCOMPARE(rback.ids(0, 0)[0], 4);
    QCOMPARE(rback.ids(0, 0)[1], 4);
    QCOMPARE(rback.weights(0, 0)[0], -0.25f);
    QCOMPARE(rback.weights(0, 0)[1], 1.5f);

    // an empty trace
    const std::vector<uint8_t> eb = encode_routing(RoutingTrace {});
    QCOMPARE(decode_routing(eb.data(), eb.size()).size(), size_t(0));
}

void TestStore::traceCodecDamage() {
    moe_test::SyntheticRouting o;
    o.n_tokens = 200;
    o.n_layers = 3;
    const RoutingTrace t = moe_test::synthetic_trace(o);
    const std::vector<uint8_t> good = encode_routing(t);
    // every single-byte change must be refused (header checks or zstd's checksum), never decoded silently
    int refused = 0, tried = 0;
    for (size_t at = 0; at < good.size(); at += std::max<size_t>(1, good.size() / 97)) {
        std::vector<uint8_t> bad = good;
        bad[at] ^= 0x5A;
        ++tried;
        try {
            decode_routing(bad.data(), bad.size());
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("damaged") != std::string::npos);
            ++refused;
        }
    }
    QCOMPARE(refused, tried);
    QVERIFY_THROWS_EXCEPTION(Error, decode_routing(good.data(), good.size() / 2)); // truncated
    QVERIFY_THROWS_EXCEPTION(Error, unpack_i32(good.data() + 32, 10));
}

void TestStore::storedLayerBalance() {
    RunStore s(path("runs.sqlite"));
    const RunRecord in = full_run();
    const int64_t id = s.save(in);
    const std::vector<StoredLayerBalance> stored = s.layer_balances(id);
    QCOMPARE(stored.size(), size_t(in.routing.n_layers()));
    for (int l = 0; l < in.routing.n_layers(); ++l) {
        // the one definition of the metrics, over the whole trace
        const LayerBalance ref = layer_balance(in.routing, l, in.model.n_experts, 0, in.routing.size());
        const LayerBalance& got = stored[size_t(l)].balance;
        QCOMPARE(stored[size_t(l)].layer, l);
        QCOMPARE(got.counts, ref.counts);
        QCOMPARE(got.imbalance, ref.imbalance);
        QCOMPARE(got.efficiency, ref.efficiency);
        QCOMPARE(got.cv, ref.cv);
        QCOMPARE(got.entropy, ref.entropy);
        QCOMPARE(got.coverage, ref.coverage);
        QCOMPARE(got.stability, ref.stability);
        QCOMPARE(got.share, ref.share);
    }
}

void TestStore::modelContentHash() {
    // small file: hashed whole, so any change shows
    const std::string small = path("small.bin");
    {
        std::ofstream f(small, std::ios::binary);
        for (int i = 0; i < 1000; ++i)
            f.put(char(i));
    }
    const std::string h1 = model_content_hash(small);
    QCOMPARE(h1.size(), size_t(16));
    QCOMPARE(model_content_hash(small), h1);
    {
        std::fstream f(small, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(500);
        f.put('x');
    }
    QVERIFY(model_content_hash(small) != h1);

    // large file: the header region and the sampled chunks count, and the size
    const std::string big = path("big.bin");
    const size_t size = size_t(12) << 20;
    {
        std::ofstream f(big, std::ios::binary);
        std::vector<char> buf(size, 0);
        for (size_t i = 0; i < size; ++i)
            buf[i] = char(i * 2654435761u >> 13);
        f.write(buf.data(), std::streamsize(size));
    }
    const std::string hb = model_content_hash(big);
    {
        std::fstream f(big, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(1000); // in the first MiB: the GGUF header and metadata
        f.put('\x7f');
    }
    const std::string hb2 = model_content_hash(big);
    QVERIFY(hb2 != hb);
    {
        std::fstream f(big, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(std::streamoff(size - 10)); // in the last chunk
        f.put('\x11');
    }
    QVERIFY(model_content_hash(big) != hb2);
    QVERIFY_THROWS_EXCEPTION(Error, model_content_hash(path("missing.bin")));
}

void TestStore::migrationFromEmptyFile() {
    // a zero-byte file (as `touch` leaves it) is an empty database: version 0,
    // and the ladder takes it to the current version
    const std::string p = path("empty.sqlite");
    { std::ofstream f(p); }
    {
        Raw raw(p);
        QCOMPARE(raw.one("PRAGMA user_version"), std::string("0"));
    }
    RunStore s(p);
    QCOMPARE(s.schema_version(), RunStore::k_schema_version);
    QVERIFY(s.save(full_run()) > 0);
}

void TestStore::newerVersionRefused() {
    const std::string p = path("newer.sqlite");
    const std::string newer = std::to_string(RunStore::k_schema_version + 1);
    {
        RunStore s(p);
        s.save(full_run());
    }
    {
        Raw raw(p);
        QCOMPARE(raw.exec(("PRAGMA user_version = " + newer).c_str()), SQLITE_OK);
        QCOMPARE(raw.exec("PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
    }
    const std::vector<char> before = file_bytes(p);
    for (bool read_only : { false, true }) {
        RunStoreOptions o;
        o.read_only = read_only;
        try {
            RunStore s(p, o);
            QFAIL("a file from a newer version was opened");
        } catch (const StoreError& e) {
            QCOMPARE(e.fault(), StoreFault::newer_version);
            const std::string msg = e.what();
            QVERIFY2(msg.find("written by a newer MoE Workbench (schema " + newer + "; this build reads up to "
                         + std::to_string(RunStore::k_schema_version) + ")")
                    != std::string::npos,
                msg.c_str());
            QVERIFY(msg.find(p) != std::string::npos);
        }
    }
    QVERIFY(file_bytes(p) == before);
    Raw raw(p);
    QCOMPARE(raw.one("PRAGMA user_version"), newer);
}

void TestStore::foreignDatabaseRefused() {
    // another program's database: our tables must not be added to it
    const std::string p = path("other.sqlite");
    {
        Raw raw(p);
        QCOMPARE(raw.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"), SQLITE_OK);
    }
    const std::vector<char> before = file_bytes(p);
    try {
        RunStore s(p);
        QFAIL("another program's database was opened as a run store");
    } catch (const StoreError& e) {
        QCOMPARE(e.fault(), StoreFault::corrupt);
        QVERIFY(std::string(e.what()).find("not a valid run store") != std::string::npos);
    }
    QVERIFY(file_bytes(p) == before);
    // one with a foreign application id
    const std::string q = path("other2.sqlite");
    {
        Raw raw(q);
        QCOMPARE(raw.exec("PRAGMA application_id = 1234"), SQLITE_OK);
    }
    QVERIFY_THROWS_EXCEPTION(StoreError, RunStore { q });
}

void TestStore::listFilters() {
    RunStore s(path("runs.sqlite"));
    RunRecord a = full_run();
    a.kind = RunKind::generate;
    a.created_at = "2025-01-10T08:00:00Z";
    a.model.name = "Qwen3-30B-A3B";
    a.model.file_name = "qwen3-30b-a3b-q4_k_m.gguf";
    RunRecord b = a;
    b.kind = RunKind::bench;
    b.created_at = "2025-02-20T12:30:00Z";
    RunRecord c = a;
    c.kind = RunKind::score;
    c.created_at = "2025-03-05T00:00:01Z";
    c.model.name = "OLMoE-1B-7B";
    c.model.file_name = "olmoe.gguf";
    const int64_t ia = s.save(a), ib = s.save(b), ic = s.save(c);

    auto ids = [](const std::vector<RunSummary>& v) {
        std::vector<int64_t> out;
        for (const RunSummary& r : v)
            out.push_back(r.id);
        return out;
    };
    QCOMPARE(ids(s.list()), (std::vector<int64_t> { ia, ib, ic }));
    RunFilter f;
    f.model = "qwen3"; // case-insensitive, name or file
    QCOMPARE(ids(s.list(f)), (std::vector<int64_t> { ia, ib }));
    f.model = "OLMOE.GGUF";
    QCOMPARE(ids(s.list(f)), (std::vector<int64_t> { ic }));
    f = {};
    f.since = "2025-02-20";
    QCOMPARE(ids(s.list(f)), (std::vector<int64_t> { ib, ic }));
    f.since = "2025-02-20T12:30:01"; // a second after b
    QCOMPARE(ids(s.list(f)), (std::vector<int64_t> { ic }));
    f.since = "2025-02-20 12:30Z";
    QCOMPARE(ids(s.list(f)), (std::vector<int64_t> { ib, ic }));
    f = {};
    f.kind = RunKind::bench;
    QCOMPARE(ids(s.list(f)), (std::vector<int64_t> { ib }));
    f = {};
    f.since = "last tuesday";
    QVERIFY_THROWS_EXCEPTION(Error, s.list(f));

    const std::vector<RunSummary> all = s.list();
    QCOMPARE(all[0].model_name, std::string("Qwen3-30B-A3B"));
    QCOMPARE(all[0].n_prompt, int32_t(a.prompt_ids.size()));
    QCOMPARE(all[0].n_output, int32_t(a.output_ids.size()));
    QCOMPARE(all[0].prompt_preview, std::string("Explain mixture of experts — ünïcödé too"));
    QCOMPARE(all[2].kind, RunKind::score);
}

void TestStore::removeCascades() {
    const std::string p = path("runs.sqlite");
    int64_t keep = 0, gone = 0;
    {
        RunStore s(p);
        keep = s.save(full_run());
        gone = s.save(full_run());
        QVERIFY(s.remove(gone));
        QVERIFY(!s.remove(gone)); // already gone
        QVERIFY(!s.remove(12345));
        try {
            s.load(gone);
            QFAIL("a deleted run loaded");
        } catch (const StoreError& e) {
            QCOMPARE(e.fault(), StoreFault::not_found);
        }
        QCOMPARE(s.load(keep).output_ids, full_run().output_ids);
    }
    // the trace, tokens and metrics went with the run (foreign keys are on)
    Raw raw(p);
    for (const char* t : { "run_data", "run_routing", "run_layers" }) {
        QCOMPARE(raw.one(fmt::format("SELECT count(*) FROM {} WHERE run_id = {}", t, gone)), std::string("0"));
        QVERIFY(raw.one(fmt::format("SELECT count(*) FROM {} WHERE run_id = {}", t, keep)) != "0");
    }
}

namespace {

SweepResult made_up_sweep(int64_t run_a, int64_t run_b) {
    SweepResult w;
    w.created_at = "2026-12-03T15:00:00Z";
    w.model = "shakespeare-moe.gguf";
    w.settings = "top-k=1..2; top-p=0.6";
    w.n_tokens = 4096;
    w.cancelled = true;
    w.discarded = "top-p=0.6,min=1,max=2";
    w.discarded_tokens = 1234;
    const std::vector<std::tuple<std::string, std::string, bool, double, double, int64_t>> pts
        = { { "top-k", "top-k=2", true, 4.1145, 2.0, run_a }, { "top-k", "top-k=1", false, 4.6411, 1.0, run_b },
              { "top-k", "top-k=2", false, 4.1145, 2.0, 0 } };
    for (const auto& [family, policy, base, ppl, experts, run] : pts) {
        SweepPoint p;
        p.family = family;
        p.policy = policy;
        p.baseline = base;
        p.perplexity = ppl;
        p.mean_nll = std::log(ppl);
        p.kl = base ? 0.0 : 0.0123;
        p.top1_agreement = base ? 1.0 : 0.875;
        p.experts_per_token = experts;
        p.weight_bytes_per_token = 684000.0 * experts;
        p.decode_tokens_per_s = 812.5;
        p.run_id = run;
        w.points.push_back(p);
    }
    mark_pareto(w.points);
    return w;
}

void compare_points(const std::vector<SweepPoint>& a, const std::vector<SweepPoint>& b) {
    QCOMPARE(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].family, b[i].family);
        QCOMPARE(a[i].policy, b[i].policy);
        QCOMPARE(a[i].baseline, b[i].baseline);
        QCOMPARE(a[i].perplexity, b[i].perplexity);
        QCOMPARE(a[i].mean_nll, b[i].mean_nll);
        QCOMPARE(a[i].kl, b[i].kl);
        QCOMPARE(a[i].top1_agreement, b[i].top1_agreement);
        QCOMPARE(a[i].experts_per_token, b[i].experts_per_token);
        QCOMPARE(a[i].weight_bytes_per_token, b[i].weight_bytes_per_token);
        QCOMPARE(a[i].decode_tokens_per_s, b[i].decode_tokens_per_s);
        QCOMPARE(a[i].pareto, b[i].pareto);
        QCOMPARE(a[i].run_id, b[i].run_id);
    }
}

} // namespace

void TestStore::sweepRoundTrips() {
    const std::string p = path("runs.sqlite");
    RunStore s(p);
    const int64_t a = s.save(full_run()), b = s.save(full_run());
    const SweepResult w = made_up_sweep(a, b);
    QVERIFY(w.points[1].pareto); // top-k=1: the fewest experts
    const int64_t id = s.save_sweep(w);
    QVERIFY(id > 0);
    const SweepResult back = s.load_sweep(id);
    QCOMPARE(back.id, id);
    QCOMPARE(back.created_at, w.created_at);
    QCOMPARE(back.model, w.model);
    QCOMPARE(back.settings, w.settings);
    QCOMPARE(back.n_tokens, w.n_tokens);
    QCOMPARE(back.cancelled, true);
    QCOMPARE(back.discarded, w.discarded);
    QCOMPARE(back.discarded_tokens, w.discarded_tokens);
    compare_points(back.points, w.points);
    // JSON and CSV of the stored sweep are the measured one's
    SweepResult measured = w;
    measured.id = id;
    QCOMPARE(sweep_to_json(back).dump(), sweep_to_json(measured).dump());
    QCOMPARE(sweep_to_csv(back), sweep_to_csv(measured));
    // listed beside the runs, with the best perplexity of its settings
    const std::vector<SweepSummary> list = s.list_sweeps();
    QCOMPARE(list.size(), size_t(1));
    QCOMPARE(list[0].id, id);
    QCOMPARE(list[0].n_points, 3);
    QCOMPARE(list[0].best_perplexity, 4.1145);
    QVERIFY(list[0].cancelled);
    // a deleted run leaves its point without a run; deleting the sweep leaves the runs
    QVERIFY(s.remove(b));
    QCOMPARE(s.load_sweep(id).points[1].run_id, int64_t(0));
    QVERIFY(s.remove_sweep(id));
    QVERIFY(!s.remove_sweep(id));
    QCOMPARE(s.load(a).id, a);
    try {
        s.load_sweep(id);
        QFAIL("a deleted sweep loaded");
    } catch (const StoreError& e) {
        QCOMPARE(e.fault(), StoreFault::not_found);
    }
    Raw raw(p);
    QCOMPARE(raw.one(fmt::format("SELECT count(*) FROM sweep_points WHERE sweep_id = {}", id)), std::string("0"));
}

void TestStore::sweepTablesMigrateFromTheSchemaBefore() {
    // a file of the schema before sweeps (its tables gone, its version back) takes them on open
    const std::string p = path("runs.sqlite");
    int64_t run = 0;
    {
        RunStore s(p);
        run = s.save(full_run());
    }
    const std::string before = std::to_string(RunStore::k_schema_version - 1);
    {
        Raw raw(p);
        QCOMPARE(raw.exec("DROP TABLE sweep_points; DROP TABLE sweeps; PRAGMA user_version = " + before), SQLITE_OK);
        QCOMPARE(raw.one("SELECT count(*) FROM sqlite_master WHERE name = 'sweeps'"), std::string("0"));
    }
    RunStore s(p);
    QCOMPARE(s.schema_version(), RunStore::k_schema_version);
    QCOMPARE(s.load(run).output_ids, full_run().output_ids);
    QVERIFY(s.list_sweeps().empty());
    const int64_t id = s.save_sweep(made_up_sweep(run, 0));
    compare_points(s.load_sweep(id).points, made_up_sweep(run, 0).points);
    QVERIFY(s.integrity_check().empty());
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
