// The run store under faults (RELIABILITY.md "Run store"): locked by another
// writer beyond the timeout, read-only, corrupt, disk full, killed while
// writing. Each must give a clear message and lose nothing written before.
#include "store/store.h"
#include "store_child/synthetic_run.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

using namespace moe;

namespace {

class Raw {
public:
    explicit Raw(const std::string& path) { sqlite3_open(path.c_str(), &m_db); }
    ~Raw() { sqlite3_close(m_db); }
    int exec(const std::string& sql) { return sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr); }
    int64_t integer(const std::string& sql) {
        sqlite3_stmt* s = nullptr;
        int64_t v = -1;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
            v = sqlite3_column_int64(s, 0);
        }
        sqlite3_finalize(s);
        return v;
    }

private:
    sqlite3* m_db = nullptr;
};

std::vector<char> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

RunRecord small_run(uint64_t seed, int n_tokens = 400, int n_layers = 8) {
    moe_test::SyntheticRouting o;
    o.n_tokens = n_tokens;
    o.n_layers = n_layers;
    o.seed = seed;
    return moe_test::synthetic_run(o, 20);
}

bool contains(const std::string& s, const char* what) {
    return s.find(what) != std::string::npos;
}

} // namespace

class TestStoreFaults : public QObject {
    Q_OBJECT
private slots:
    void init();
    void lockedBeyondTimeout();
    void readOnlyOption();
    void readOnlyFile();
    void corruptPage_data();
    void corruptPage();
    void notADatabase();
    void diskFull();
    void killedMidWrite();

private:
    std::string path(const char* name) const { return m_dir->filePath(name).toStdString(); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStoreFaults::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestStoreFaults::lockedBeyondTimeout() {
    const std::string p = path("runs.sqlite");
    int64_t first = 0;
    {
        RunStore s(p);
        first = s.save(small_run(1));
    }
    RunStoreOptions o;
    o.busy_timeout_ms = 200;
    RunStore s(p, o);
    {
        // another writer holds the write lock for longer than we wait
        Raw other(p);
        QCOMPARE(other.exec("BEGIN IMMEDIATE"), SQLITE_OK);
        QCOMPARE(other.exec("UPDATE runs SET notes = 'held' WHERE id = 1"), SQLITE_OK);
        try {
            s.save(small_run(2));
            QFAIL("saved while another process held the write lock");
        } catch (const StoreError& e) {
            QCOMPARE(e.fault(), StoreFault::locked);
            const std::string msg = e.what();
            QVERIFY2(contains(msg, "is locked by another process (waited 0.2 s)"), msg.c_str());
            QVERIFY(contains(msg, p.c_str()));
        }
        // reading still works while the other writer holds its lock (WAL)
        QCOMPARE(s.list().size(), size_t(1));
        QCOMPARE(other.exec("ROLLBACK"), SQLITE_OK);
    }
    // once released the same connection saves again, and nothing was lost
    const int64_t second = s.save(small_run(2));
    QVERIFY(second > first);
    QCOMPARE(s.load(first).output_ids, small_run(1).output_ids);
    QVERIFY(s.integrity_check().empty());
}

void TestStoreFaults::readOnlyOption() {
    const std::string p = path("runs.sqlite");
    int64_t id = 0;
    {
        RunStore s(p);
        id = s.save(small_run(1));
    }
    RunStoreOptions o;
    o.read_only = true;
    RunStore s(p, o);
    QVERIFY(s.read_only());
    QCOMPARE(s.list().size(), size_t(1));
    QCOMPARE(s.load(id).output_ids, small_run(1).output_ids);
    try {
        s.save(small_run(2));
        QFAIL("saved into a store opened read-only");
    } catch (const StoreError& e) {
        QCOMPARE(e.fault(), StoreFault::read_only);
        QVERIFY(contains(e.what(), "read-only"));
    }
    QVERIFY_THROWS_EXCEPTION(StoreError, s.remove(id));
    // a missing file is not created by a read-only open
    RunStoreOptions ro;
    ro.read_only = true;
    QVERIFY_THROWS_EXCEPTION(StoreError, RunStore(path("missing.sqlite"), ro).list());
    QVERIFY(!std::filesystem::exists(path("missing.sqlite")));
}

void TestStoreFaults::readOnlyFile() {
    if (::geteuid() == 0) QSKIP("running as root: file permissions do not stop root from writing");
    const std::string p = path("runs.sqlite");
    int64_t id = 0;
    {
        RunStore s(p);
        id = s.save(small_run(1));
    }
    QCOMPARE(::chmod(p.c_str(), 0444), 0);
    RunStore s(p); // asked for writing, given reading: SQLite opens it read-only
    QVERIFY(s.read_only());
    QCOMPARE(s.load(id).output_ids, small_run(1).output_ids);
    try {
        s.save(small_run(2));
        QFAIL("saved into a read-only file");
    } catch (const StoreError& e) {
        QCOMPARE(e.fault(), StoreFault::read_only);
        QVERIFY(contains(e.what(), "read-only"));
    }
    ::chmod(p.c_str(), 0644);
}

void TestStoreFaults::corruptPage_data() {
    QTest::addColumn<QString>("which");
    QTest::newRow("header page") << "first";
    QTest::newRow("second page") << "second";
    QTest::newRow("middle page") << "middle";
    QTest::newRow("last page") << "last";
}

void TestStoreFaults::corruptPage() {
    QFETCH(QString, which);
    const std::string p = path("runs.sqlite");
    {
        RunStore s(p);
        for (uint64_t seed = 1; seed <= 4; ++seed)
            s.save(small_run(seed, 1500, 8));
    }
    int64_t page_size = 0, pages = 0;
    {
        Raw raw(p);
        QCOMPARE(raw.exec("PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
        page_size = raw.integer("PRAGMA page_size");
        pages = raw.integer("PRAGMA page_count");
        QCOMPARE(raw.integer("PRAGMA freelist_count"), int64_t(0)); // every page is in use
    }
    QVERIFY(pages > 8);
    const int64_t page = which == "first" ? 1 : which == "second" ? 2 : which == "middle" ? pages / 2 : pages;
    {
        // random bytes over the whole page, as a bad sector or a stray write would leave it
        std::fstream f(p, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp((page - 1) * page_size);
        std::mt19937 rng(static_cast<uint32_t>(page));
        for (int64_t i = 0; i < page_size; ++i)
            f.put(char(rng() & 0xFF));
    }
    const std::vector<char> before = file_bytes(p);

    bool detected = false;
    std::string message;
    try {
        RunStore s(p);
        // open checks the structure; a page it could not judge must still fail when read
        if (!s.integrity_check().empty()) detected = true;
        for (const RunSummary& r : s.list())
            s.load(r.id);
    } catch (const StoreError& e) {
        detected = true;
        message = e.what();
        QCOMPARE(e.fault(), StoreFault::corrupt);
    }
    QVERIFY2(detected, "random bytes over a page went unnoticed");
    qInfo("%s", message.empty() ? "detected by the integrity check or a load" : message.c_str());
    if (!message.empty()) {
        QVERIFY2(contains(message, "is not a valid run store") || contains(message, "is damaged"), message.c_str());
        QVERIFY(contains(message, p.c_str()));
    }
    // never written to: byte for byte what it was
    QVERIFY(file_bytes(p) == before);
}

void TestStoreFaults::notADatabase() {
    const std::string p = path("notes.txt");
    {
        std::ofstream f(p, std::ios::binary);
        for (int i = 0; i < 5000; ++i)
            f << "this is a text file, not a database\n";
    }
    const std::vector<char> before = file_bytes(p);
    try {
        RunStore s(p);
        QFAIL("a text file was opened as a run store");
    } catch (const StoreError& e) {
        QCOMPARE(e.fault(), StoreFault::corrupt);
        const std::string msg = e.what();
        QVERIFY2(contains(msg, "is not a valid run store") && contains(msg, "it was not changed"), msg.c_str());
    }
    QVERIFY(file_bytes(p) == before);
}

void TestStoreFaults::diskFull() {
    const std::string p = path("runs.sqlite");
    std::vector<int64_t> earlier;
    {
        RunStore s(p);
        earlier.push_back(s.save(small_run(1)));
        earlier.push_back(s.save(small_run(2)));
    }
    int64_t pages = 0;
    {
        Raw raw(p);
        QCOMPARE(raw.exec("PRAGMA wal_checkpoint(TRUNCATE)"), SQLITE_OK);
        pages = raw.integer("PRAGMA page_count");
    }
    {
        // a file that may grow by 4 pages, and a run that needs far more: SQLITE_FULL,
        // exactly what a full disk gives
        RunStoreOptions o;
        o.max_page_count = uint32_t(pages + 4);
        RunStore s(p, o);
        try {
            s.save(small_run(3, 4000, 16));
            QFAIL("a run bigger than the space left was saved");
        } catch (const StoreError& e) {
            QCOMPARE(e.fault(), StoreFault::full);
            const std::string msg = e.what();
            QVERIFY2(
                contains(msg, "is full") && contains(msg, "rolled back") && contains(msg, "earlier runs are intact"),
                msg.c_str());
        }
        // the failed run left nothing behind, the earlier ones are whole
        QCOMPARE(s.list().size(), size_t(2));
        QCOMPARE(s.load(earlier[0]).output_ids, small_run(1).output_ids);
        QCOMPARE(s.load(earlier[1]).routing.size(), small_run(2).routing.size());
        QVERIFY(s.integrity_check().empty());
    }
    // with room again, the same run saves
    RunStore s(p);
    const int64_t id = s.save(small_run(3, 4000, 16));
    QCOMPARE(s.load(id).routing.size(), size_t(4000));
}

void TestStoreFaults::killedMidWrite() {
    const std::string p = path("runs.sqlite");
    std::vector<std::pair<int64_t, long>> reported; // (id, seq) the child said it committed
    for (int round = 0; round < 3; ++round) {
        QProcess child;
        child.start(QStringLiteral(STORE_CHILD_PATH), { QString::fromStdString(p), "3000", "48" });
        QVERIFY2(child.waitForStarted(10000), "the helper did not start");
        // wait for a few commits, then kill it: it is then almost always inside a save
        int seen = 0;
        QByteArray pending;
        while (seen < 3 + round) {
            if (!child.waitForReadyRead(60000)) break;
            pending += child.readAllStandardOutput();
            int nl;
            while ((nl = pending.indexOf('\n')) >= 0) {
                const QList<QByteArray> parts = pending.left(nl).split(' ');
                pending.remove(0, nl + 1);
                if (parts.size() == 3 && parts[0] == "saved") {
                    reported.emplace_back(parts[1].toLongLong(), parts[2].toLong());
                    ++seen;
                }
            }
        }
        QVERIFY2(seen >= 3 + round, child.readAllStandardError().constData());
        child.kill(); // SIGKILL: no destructors, no rollback, no checkpoint
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    }
    // every run the child reported is there and whole; so is anything it
    // committed without getting to report it; the file is sound
    RunStore s(p);
    QVERIFY(s.integrity_check().empty());
    const RunRecord expect = [] {
        moe_test::SyntheticRouting o;
        o.n_tokens = 3000;
        o.n_layers = 48;
        o.seed = 11;
        return moe_test::synthetic_run(o, 16);
    }();
    std::vector<int64_t> present;
    for (const RunSummary& r : s.list())
        present.push_back(r.id);
    for (const auto& [id, seq] : reported) {
        QVERIFY(std::find(present.begin(), present.end(), id) != present.end());
    }
    for (int64_t id : present) {
        const RunRecord r = s.load(id);
        QVERIFY(r.notes.rfind("seq ", 0) == 0);
        QCOMPARE(r.output_ids, expect.output_ids);
        QCOMPARE(r.routing.size(), expect.routing.size());
        QCOMPARE(r.routing.n_layers(), 48);
        QCOMPARE(s.layer_balances(id).size(), size_t(48));
    }
    for (const auto& [id, seq] : reported)
        QCOMPARE(s.load(id).notes, "seq " + std::to_string(seq));
    QVERIFY(present.size() >= reported.size());
}

QTEST_GUILESS_MAIN(TestStoreFaults)
#include "tst_store_faults.moc"
