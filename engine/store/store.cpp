#include "store/store.h"

#include "store/codec.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>

namespace moe {

namespace {

// 'MoEW': marks the file as ours, so another program's SQLite database given
// by mistake is refused instead of getting our tables added to it.
constexpr int32_t k_application_id = 0x4D6F4557;

// ---- RAII over the C API ------------------------------------------------------

class Stmt {
public:
    Stmt() = default;
    Stmt(sqlite3* db, const char* sql) {
        const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_s, nullptr);
        if (rc != SQLITE_OK) {
            m_rc = rc;
            m_s = nullptr;
        }
    }
    ~Stmt() { sqlite3_finalize(m_s); }
    Stmt(Stmt&& o) noexcept
        : m_s(o.m_s)
        , m_rc(o.m_rc) {
        o.m_s = nullptr;
    }
    Stmt& operator=(Stmt&& o) noexcept {
        std::swap(m_s, o.m_s);
        std::swap(m_rc, o.m_rc);
        return *this;
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    sqlite3_stmt* get() const { return m_s; }
    int prepare_rc() const { return m_rc; }

private:
    sqlite3_stmt* m_s = nullptr;
    int m_rc = SQLITE_OK;
};

// Resets and clears bindings when it goes out of scope, so a statement kept
// for reuse never holds a read transaction open or a stale blob pointer.
class Use {
public:
    explicit Use(const Stmt& s)
        : m_s(s.get()) { }
    ~Use() {
        sqlite3_reset(m_s);
        sqlite3_clear_bindings(m_s);
    }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    sqlite3_stmt* operator*() const { return m_s; }

private:
    sqlite3_stmt* m_s;
};

struct Binder {
    sqlite3_stmt* s;
    int i = 1;
    int rc = SQLITE_OK;
    Binder& operator()(int64_t v) { return keep(sqlite3_bind_int64(s, i++, v)); }
    Binder& operator()(int32_t v) { return keep(sqlite3_bind_int64(s, i++, v)); }
    Binder& operator()(uint64_t v) { return keep(sqlite3_bind_int64(s, i++, int64_t(v))); } // bits kept
    Binder& operator()(double v) { return keep(sqlite3_bind_double(s, i++, v)); }
    Binder& operator()(float v) { return keep(sqlite3_bind_double(s, i++, double(v))); }
    Binder& operator()(const std::string& v) {
        return keep(sqlite3_bind_text(s, i++, v.data(), int(v.size()), SQLITE_STATIC));
    }
    Binder& operator()(const char* v) { return keep(sqlite3_bind_text(s, i++, v, -1, SQLITE_STATIC)); }
    Binder& operator()(const std::optional<double>& v) {
        return keep(v ? sqlite3_bind_double(s, i++, *v) : sqlite3_bind_null(s, i++));
    }
    Binder& operator()(const std::vector<uint8_t>& v) {
        // zero-length blobs bind as empty, not NULL, so NOT NULL columns accept them
        return keep(v.empty() ? sqlite3_bind_zeroblob(s, i++, 0)
                              : sqlite3_bind_blob64(s, i++, v.data(), v.size(), SQLITE_STATIC));
    }
    Binder& keep(int r) {
        if (rc == SQLITE_OK) rc = r;
        return *this;
    }
};

std::string col_text(sqlite3_stmt* s, int i) {
    const unsigned char* p = sqlite3_column_text(s, i);
    return p ? std::string(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(s, i))) : std::string();
}
int64_t col_i64(sqlite3_stmt* s, int i) {
    return sqlite3_column_int64(s, i);
}
double col_f64(sqlite3_stmt* s, int i) {
    return sqlite3_column_double(s, i);
}
std::pair<const uint8_t*, size_t> col_blob(sqlite3_stmt* s, int i) {
    const void* p = sqlite3_column_blob(s, i);
    return { static_cast<const uint8_t*>(p), size_t(sqlite3_column_bytes(s, i)) };
}

bool is_corrupt(int rc) {
    const int p = rc & 0xff;
    return p == SQLITE_CORRUPT || p == SQLITE_NOTADB;
}

// ---- schema ----------------------------------------------------------------------

// Version 1. Big columns (text, ids, timings, the trace) live in their own
// tables so listing runs reads only the small rows of `runs`.
constexpr const char* k_schema_v1 = R"sql(
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('generate', 'chat', 'score', 'bench')),
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('complete', 'cancelled', 'failed')),
    stop_reason TEXT NOT NULL,
    notes TEXT NOT NULL,
    model_file TEXT NOT NULL,
    model_path TEXT NOT NULL,
    model_size INTEGER NOT NULL,
    model_hash TEXT NOT NULL,
    model_name TEXT NOT NULL,
    model_arch TEXT NOT NULL,
    quant_mix TEXT NOT NULL,
    total_params INTEGER NOT NULL,
    active_params INTEGER NOT NULL,
    n_layers INTEGER NOT NULL,
    n_experts INTEGER NOT NULL,
    n_experts_used INTEGER NOT NULL,
    cpu_model TEXT NOT NULL,
    cpu_threads INTEGER NOT NULL,
    ram_bytes INTEGER NOT NULL,
    gpu_name TEXT NOT NULL,
    gpu_memory_bytes INTEGER NOT NULL,
    gpu_driver TEXT NOT NULL,
    cuda_version TEXT NOT NULL,
    build_version TEXT NOT NULL,
    build_revision TEXT NOT NULL,
    backend TEXT NOT NULL,
    temperature REAL NOT NULL,
    sample_top_k INTEGER NOT NULL,
    top_p REAL NOT NULL,
    min_p REAL NOT NULL,
    repeat_penalty REAL NOT NULL,
    repeat_last_n INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    n_predict INTEGER NOT NULL,
    n_ctx INTEGER NOT NULL,
    n_threads INTEGER NOT NULL,
    n_batch INTEGER NOT NULL,
    top_k_override INTEGER NOT NULL,
    experts_used INTEGER NOT NULL,
    prompt_preview TEXT NOT NULL,
    n_prompt INTEGER NOT NULL,
    n_output INTEGER NOT NULL,
    ttft_ms REAL NOT NULL,
    prefill_ms REAL NOT NULL,
    prefill_tps REAL NOT NULL,
    decode_tps REAL NOT NULL,
    p50_ms REAL NOT NULL,
    p99_ms REAL NOT NULL,
    figures_json TEXT NOT NULL
);
CREATE INDEX runs_by_time ON runs (created_at);
CREATE TABLE run_data (
    run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    prompt_text TEXT NOT NULL,
    output_text TEXT NOT NULL,
    prompt_ids BLOB NOT NULL,
    output_ids BLOB NOT NULL,
    token_ms BLOB NOT NULL
);
CREATE TABLE run_routing (
    run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    n_tokens INTEGER NOT NULL,
    n_layers INTEGER NOT NULL,
    k INTEGER NOT NULL,
    trace BLOB NOT NULL
);
CREATE TABLE run_layers (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    layer INTEGER NOT NULL,
    imbalance REAL NOT NULL,
    efficiency REAL NOT NULL,
    cv REAL NOT NULL,
    entropy REAL NOT NULL,
    coverage REAL NOT NULL,
    stability REAL NOT NULL,
    counts BLOB NOT NULL,
    PRIMARY KEY (run_id, layer)
) WITHOUT ROWID;
)sql";

// Version 2: typed figures (store/figures.h) in their own columns instead of
// one JSON text. Runs saved at version 1 keep their figures: the step reads
// them out of the old JSON (SQLite's json_extract) before dropping it.
constexpr const char* k_schema_v2 = R"sql(
ALTER TABLE runs ADD COLUMN weight_bytes_per_token REAL NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN achieved_gb_per_s REAL NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN kv_cache_bytes_per_token REAL NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN memory_bandwidth_gb_per_s REAL NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN perplexity REAL;
ALTER TABLE runs ADD COLUMN mean_nll REAL;
ALTER TABLE runs ADD COLUMN bench_n_prompt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bench_n_gen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bench_n_gen_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bench_repetitions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bench_pp_mean REAL NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bench_pp_sd REAL NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bench_tg_mean REAL NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bench_tg_sd REAL NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bench_ttft_mean REAL NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bench_ttft_sd REAL NOT NULL DEFAULT 0;
ALTER TABLE run_data ADD COLUMN nll TEXT NOT NULL DEFAULT '[]';
UPDATE runs SET
    weight_bytes_per_token = COALESCE(json_extract(figures_json, '$.weight_bytes_per_token'), 0),
    achieved_gb_per_s = COALESCE(json_extract(figures_json, '$.achieved_gb_per_s'), 0),
    kv_cache_bytes_per_token = COALESCE(json_extract(figures_json, '$.kv_cache_bytes_per_token'), 0),
    memory_bandwidth_gb_per_s = COALESCE(json_extract(figures_json, '$.memory_bandwidth_gb_per_s'), 0),
    perplexity = json_extract(figures_json, '$.perplexity'),
    mean_nll = json_extract(figures_json, '$.mean_nll'),
    bench_n_prompt = COALESCE(json_extract(figures_json, '$.n_prompt'), 0),
    bench_n_gen = COALESCE(json_extract(figures_json, '$.n_gen'), 0),
    bench_n_gen_done = COALESCE(json_extract(figures_json, '$.n_gen'), 0),
    bench_repetitions = COALESCE(json_extract(figures_json, '$.repetitions'), 0),
    bench_pp_mean = COALESCE(json_extract(figures_json, '$.prompt_tokens_per_s.mean'), 0),
    bench_pp_sd = COALESCE(json_extract(figures_json, '$.prompt_tokens_per_s.sd'), 0),
    bench_tg_mean = COALESCE(json_extract(figures_json, '$.gen_tokens_per_s.mean'), 0),
    bench_tg_sd = COALESCE(json_extract(figures_json, '$.gen_tokens_per_s.sd'), 0),
    bench_ttft_mean = COALESCE(json_extract(figures_json, '$.ttft_ms.mean'), 0),
    bench_ttft_sd = COALESCE(json_extract(figures_json, '$.ttft_ms.sd'), 0)
WHERE json_valid(figures_json);
UPDATE run_data SET nll = COALESCE(
    (SELECT json_extract(figures_json, '$.nll') FROM runs
     WHERE runs.id = run_data.run_id AND json_valid(figures_json) AND json_type(figures_json, '$.nll') = 'array'),
    '[]');
ALTER TABLE runs DROP COLUMN figures_json;
)sql";

// Version 3: the routing policy a run used (runtime/routing_policy.h, as
// text; '' for the model's own routing) and the mean experts per token its
// trace shows. Older runs routed by a fixed top-k: their mean is left 0.
constexpr const char* k_schema_v3 = R"sql(
ALTER TABLE runs ADD COLUMN routing_policy TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN experts_per_token REAL NOT NULL DEFAULT 0;
)sql";

// Version 4: energy and cost (run/run_energy.h): the energy the RAPL/NVML
// counters saw over the run and per token (NULL where none was readable,
// the reason in energy_note), the price per hour set for the machine and the
// cost per million tokens it gives. Older runs have none of them.
constexpr const char* k_schema_v4 = R"sql(
ALTER TABLE runs ADD COLUMN energy_joules REAL;
ALTER TABLE runs ADD COLUMN joules_per_token REAL;
ALTER TABLE runs ADD COLUMN energy_source TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN energy_note TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN price_per_hour REAL;
ALTER TABLE runs ADD COLUMN cost_per_mtok REAL;
)sql";

// Version 5: a reasoning model's thinking, apart from the reply
// (RunRecord::reasoning_text). Older runs have none.
constexpr const char* k_schema_v5 = R"sql(
ALTER TABLE run_data ADD COLUMN reasoning_text TEXT NOT NULL DEFAULT '';
)sql";

// Version 6: a sweep (store/sweep_record.h) as one record: its settings,
// the text's length, whether a cancel cut it short (and what it threw
// away), and its points in order, each naming its score run (NULL once that
// run is deleted). Older files have no sweeps; their sweeps' runs stay runs.
constexpr const char* k_schema_v6 = R"sql(
CREATE TABLE sweeps (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    model_file TEXT NOT NULL,
    settings TEXT NOT NULL,
    n_tokens INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('complete', 'cancelled')),
    discarded TEXT NOT NULL,
    discarded_tokens INTEGER NOT NULL
);
CREATE TABLE sweep_points (
    sweep_id INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    family TEXT NOT NULL,
    policy TEXT NOT NULL,
    baseline INTEGER NOT NULL,
    perplexity REAL NOT NULL,
    mean_nll REAL NOT NULL,
    kl REAL NOT NULL,
    top1_agreement REAL NOT NULL,
    experts_per_token REAL NOT NULL,
    weight_bytes_per_token REAL NOT NULL,
    decode_tps REAL NOT NULL,
    pareto INTEGER NOT NULL,
    run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
    PRIMARY KEY (sweep_id, idx)
) WITHOUT ROWID;
CREATE INDEX sweep_points_by_run ON sweep_points (run_id);
)sql";

// The migration ladder: step i brings a file from version i to i + 1; files
// at an older version migrate on open, each step in the same transaction.
struct Migration {
    int to_version;
    const char* sql;
};
constexpr Migration k_migrations[] = {
    { 1, k_schema_v1 },
    { 2, k_schema_v2 },
    { 3, k_schema_v3 },
    { 4, k_schema_v4 },
    { 5, k_schema_v5 },
    { 6, k_schema_v6 },
};
static_assert(sizeof(k_migrations) / sizeof(k_migrations[0]) == RunStore::k_schema_version,
    "one migration step per schema version");

constexpr const char* k_run_columns
    = "kind, created_at, status, stop_reason, notes, model_file, model_path, model_size, model_hash, model_name, "
      "model_arch, quant_mix, total_params, active_params, n_layers, n_experts, n_experts_used, cpu_model, "
      "cpu_threads, ram_bytes, gpu_name, gpu_memory_bytes, gpu_driver, cuda_version, build_version, build_revision, "
      "backend, temperature, sample_top_k, top_p, min_p, repeat_penalty, repeat_last_n, seed, n_predict, n_ctx, "
      "n_threads, n_batch, top_k_override, experts_used, prompt_preview, n_prompt, n_output, ttft_ms, prefill_ms, "
      "prefill_tps, decode_tps, p50_ms, p99_ms, weight_bytes_per_token, achieved_gb_per_s, kv_cache_bytes_per_token, "
      "memory_bandwidth_gb_per_s, perplexity, mean_nll, bench_n_prompt, bench_n_gen, bench_n_gen_done, "
      "bench_repetitions, bench_pp_mean, bench_pp_sd, bench_tg_mean, bench_tg_sd, bench_ttft_mean, bench_ttft_sd, "
      "routing_policy, experts_per_token, energy_joules, joules_per_token, energy_source, energy_note, "
      "price_per_hour, cost_per_mtok";
constexpr int k_n_run_columns = 73;

std::string prompt_preview(const RunRecord& r) {
    std::string p;
    if (!r.prompt_text.empty()) {
        p = r.prompt_text;
    } else {
        for (size_t i = 0; i < r.prompt_ids.size() && p.size() < 64; ++i)
            p += (i ? "," : "") + std::to_string(r.prompt_ids[i]);
    }
    for (char& c : p) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (p.size() > 60) {
        size_t cut = 57;
        while (cut > 0 && (uint8_t(p[cut]) & 0xC0) == 0x80)
            --cut; // keep UTF-8 whole
        p = p.substr(0, cut) + "...";
    }
    return p;
}

} // namespace

// ---- statements --------------------------------------------------------------------

struct RunStore::Statements {
    Stmt insert_run, insert_data, insert_routing, insert_layer;
    Stmt select_run, select_data, select_routing, select_layers;
    Stmt delete_run;
    Stmt begin, commit, rollback;
};

namespace {

// Rolls back unless committed, so an exception anywhere in a save leaves the
// file as it was.
class Transaction {
public:
    Transaction(sqlite3* db, sqlite3_stmt* begin, sqlite3_stmt* commit, sqlite3_stmt* rollback, int* rc)
        : m_db(db)
        , m_commit(commit)
        , m_rollback(rollback) {
        *rc = sqlite3_step(begin);
        sqlite3_reset(begin);
        m_open = *rc == SQLITE_DONE;
    }
    ~Transaction() {
        if (m_open && !sqlite3_get_autocommit(m_db)) {
            sqlite3_step(m_rollback); // may fail if SQLite rolled back itself (SQLITE_FULL); nothing to undo then
            sqlite3_reset(m_rollback);
        }
    }
    int commit() {
        const int rc = sqlite3_step(m_commit);
        sqlite3_reset(m_commit);
        if (rc == SQLITE_DONE) m_open = false;
        return rc;
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

private:
    sqlite3* m_db;
    sqlite3_stmt* m_commit;
    sqlite3_stmt* m_rollback;
    bool m_open = false;
};

} // namespace

// ---- open --------------------------------------------------------------------------

std::string RunStore::default_path() {
    namespace fs = std::filesystem;
    const char* xdg = std::getenv("XDG_DATA_HOME");
    fs::path base;
    if (xdg && *xdg && fs::path(xdg).is_absolute()) {
        base = xdg; // the XDG spec says to ignore relative values
    } else {
        const char* home = std::getenv("HOME");
        if (!home || !*home)
            throw StoreError(StoreFault::other,
                "cannot find the run store: neither XDG_DATA_HOME nor HOME is set; give one with --db");
        base = fs::path(home) / ".local" / "share";
    }
    return (base / "moe-workbench" / "runs.sqlite").string();
}

RunStore::RunStore(const std::string& path, const RunStoreOptions& opts)
    : m_path(path)
    , m_opts(opts) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool existed = fs::exists(path, ec);
    if (opts.read_only && !existed) {
        throw StoreError(StoreFault::not_found, fmt::format("there is no run store at {}", path));
    }
    if (existed && fs::is_directory(path, ec)) {
        throw StoreError(StoreFault::other, fmt::format("the run store {} is a folder, not a file", path));
    }
    if (!opts.read_only) {
        const fs::path dir = fs::path(path).parent_path();
        if (!dir.empty() && !fs::exists(dir, ec)) {
            fs::create_directories(dir, ec);
            if (ec) {
                throw StoreError(StoreFault::io,
                    fmt::format("cannot create the folder {} for the run store: {}", dir.string(), ec.message()));
            }
        }
    }
    const int flags
        = (opts.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        const int sys = m_db ? sqlite3_system_errno(m_db) : 0;
        sqlite3_close(m_db);
        m_db = nullptr;
        throw StoreError(StoreFault::io,
            fmt::format(
                "cannot open the run store {}: {}{}", path, msg, sys ? fmt::format(" ({})", std::strerror(sys)) : ""));
    }
    try {
        sqlite3_extended_result_codes(m_db, 1);
        sqlite3_busy_timeout(m_db, std::max(opts.busy_timeout_ms, 0));
        m_read_only = opts.read_only || sqlite3_db_readonly(m_db, "main") == 1;
        configure();
        migrate();
        prepare();
    } catch (...) {
        m_st.reset();
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw;
    }
}

RunStore::~RunStore() {
    m_st.reset(); // statements before the connection
    if (m_db) sqlite3_close_v2(m_db);
}

RunStore::RunStore(RunStore&& o) noexcept
    : m_path(std::move(o.m_path))
    , m_opts(o.m_opts)
    , m_db(o.m_db)
    , m_read_only(o.m_read_only)
    , m_st(std::move(o.m_st)) {
    o.m_db = nullptr;
}

RunStore& RunStore::operator=(RunStore&& o) noexcept {
    std::swap(m_path, o.m_path);
    std::swap(m_opts, o.m_opts);
    std::swap(m_db, o.m_db);
    std::swap(m_read_only, o.m_read_only);
    std::swap(m_st, o.m_st);
    return *this;
}

void RunStore::fail(int rc, const std::string& doing) const {
    const int primary = rc & 0xff;
    const std::string detail = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        throw StoreError(StoreFault::locked,
            fmt::format("the run store {} is locked by another process (waited {:g} s): {} did not happen", m_path,
                double(m_opts.busy_timeout_ms) / 1000.0, doing));
    case SQLITE_READONLY:
        throw StoreError(StoreFault::read_only,
            fmt::format("the run store {} is read-only ({}): {} is not possible; check the permissions "
                        "of the file and its folder, or choose another file with --db",
                m_path, detail, doing));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        throw StoreError(StoreFault::corrupt,
            fmt::format("{} is not a valid run store: {}; it was not changed. Move it aside or choose "
                        "another file with --db, and a new store will be created",
                m_path, detail));
    case SQLITE_FULL:
        throw StoreError(StoreFault::full,
            fmt::format("the disk holding the run store {} is full (or the store reached its size limit): "
                        "{} did not happen, the transaction was rolled back and earlier runs are intact",
                m_path, doing));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
        throw StoreError(
            StoreFault::io, fmt::format("I/O error on the run store {} while {}: {}", m_path, doing, detail));
    default:
        throw StoreError(StoreFault::other, fmt::format("the run store {}: {} failed: {}", m_path, doing, detail));
    }
}

namespace {

// Runs SQL that returns at most one row of one column; the value as text.
int query_one(sqlite3* db, const char* sql, std::string* out) {
    Stmt s(db, sql);
    if (s.prepare_rc() != SQLITE_OK) return s.prepare_rc();
    const int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) {
        if (out) *out = col_text(s.get(), 0);
        return SQLITE_OK;
    }
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

} // namespace

void RunStore::configure() {
    // Reading page 1 and the schema first: a file that is not a database
    // (or a damaged header) is refused here, before anything is written.
    std::string v, app, n_tables;
    int rc = query_one(m_db, "PRAGMA user_version", &v);
    if (rc == SQLITE_OK) rc = query_one(m_db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK) rc = query_one(m_db, "SELECT count(*) FROM sqlite_master", &n_tables);
    if (rc != SQLITE_OK) fail(rc, "opening");
    const int version = std::atoi(v.c_str());
    const int64_t app_id = std::atoll(app.c_str());
    if (app_id != 0 && app_id != k_application_id) {
        throw StoreError(StoreFault::corrupt,
            fmt::format("{} is not a valid run store: it is another program's SQLite database "
                        "(application id {:#x}); it was not changed",
                m_path, uint32_t(app_id)));
    }
    if (version == 0 && std::atoi(n_tables.c_str()) > 0) {
        throw StoreError(StoreFault::corrupt,
            fmt::format("{} is not a valid run store: it is a SQLite database with other tables in "
                        "it; it was not changed",
                m_path));
    }
    if (version > k_schema_version) {
        throw StoreError(StoreFault::newer_version,
            fmt::format("{} was written by a newer MoE Workbench (schema {}; this build reads up to {}); "
                        "it was not changed",
                m_path, version, k_schema_version));
    }
    if (!m_read_only && version > 0 && m_opts.check_on_open) {
        // a damaged file is reported and left alone rather than written into
        Stmt s(m_db, "PRAGMA quick_check");
        if (s.prepare_rc() != SQLITE_OK) fail(s.prepare_rc(), "checking the file");
        std::vector<std::string> problems;
        while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
            problems.push_back(col_text(s.get(), 0));
        if (rc != SQLITE_DONE) fail(rc, "checking the file");
        if (problems.size() != 1 || problems[0] != "ok") {
            // SQLite prefixes the first complaint with the schema name on a line of its own
            const std::string prefix = "*** in database main ***\n";
            if (!problems.empty() && problems[0].rfind(prefix, 0) == 0) problems[0].erase(0, prefix.size());
            throw StoreError(StoreFault::corrupt,
                fmt::format("{} is not a valid run store: {}; it was not changed. Move it aside or "
                            "choose another file with --db, and a new store will be created",
                    m_path, problems.empty() ? "the check found nothing" : problems[0]));
        }
    }
    if (!m_read_only) {
        std::string mode;
        rc = query_one(m_db, "PRAGMA journal_mode=WAL", &mode);
        if (rc != SQLITE_OK) fail(rc, "switching to WAL");
        // WAL lets the desktop read while the CLI writes; some file systems
        // (network mounts) cannot do it, and the store still works without
        if (mode != "wal") spdlog::warn("the run store {} could not use WAL (journal mode {})", m_path, mode);
        // FULL: a run reported saved survives a power cut too; one sync per run is cheap
        rc = query_one(m_db, "PRAGMA synchronous=FULL", nullptr);
        if (rc != SQLITE_OK) fail(rc, "configuring");
    }
    std::string fk;
    rc = query_one(m_db, "PRAGMA foreign_keys=ON", nullptr);
    if (rc == SQLITE_OK) rc = query_one(m_db, "PRAGMA foreign_keys", &fk);
    if (rc != SQLITE_OK) fail(rc, "configuring");
    if (fk != "1") throw StoreError(StoreFault::other, "this SQLite library cannot enforce foreign keys");
    if (m_opts.max_page_count > 0) {
        rc = query_one(m_db, fmt::format("PRAGMA max_page_count={}", m_opts.max_page_count).c_str(), nullptr);
        if (rc != SQLITE_OK) fail(rc, "configuring");
    }
}

int RunStore::schema_version() {
    std::string v;
    const int rc = query_one(m_db, "PRAGMA user_version", &v);
    if (rc != SQLITE_OK) fail(rc, "reading the schema version");
    return std::atoi(v.c_str());
}

void RunStore::migrate() {
    const int from = schema_version();
    if (from == k_schema_version) return;
    if (m_read_only) {
        throw StoreError(StoreFault::read_only,
            fmt::format("the run store {} is read-only and {}; it cannot be read until it has been "
                        "opened once for writing",
                m_path, from == 0 ? "empty" : fmt::format("at schema {}", from)));
    }
    // BEGIN IMMEDIATE: two processes opening a new file at once must not
    // both run the ladder; the second waits, then sees the new version.
    int rc = sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, "upgrading the schema");
    int v = schema_version();
    for (const Migration& m : k_migrations) {
        if (v >= m.to_version) continue;
        rc = sqlite3_exec(m_db, m.sql, nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) {
            rc = sqlite3_exec(
                m_db, fmt::format("PRAGMA user_version={}", m.to_version).c_str(), nullptr, nullptr, nullptr);
        }
        if (rc != SQLITE_OK) {
            const int keep = rc;
            const std::string msg = sqlite3_errmsg(m_db);
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
            if (is_corrupt(keep) || (keep & 0xff) == SQLITE_BUSY || (keep & 0xff) == SQLITE_FULL
                || (keep & 0xff) == SQLITE_READONLY) {
                fail(keep, fmt::format("upgrading the schema to version {}", m.to_version));
            }
            throw StoreError(StoreFault::other,
                fmt::format("the run store {}: upgrading the schema to version {} "
                            "failed: {}; it was not changed",
                    m_path, m.to_version, msg));
        }
        v = m.to_version;
    }
    rc = sqlite3_exec(
        m_db, fmt::format("PRAGMA application_id={}", k_application_id).c_str(), nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        fail(rc, "upgrading the schema");
    }
    if (from > 0) spdlog::info("the run store {} was upgraded from schema {} to {}", m_path, from, v);
}

void RunStore::prepare() {
    m_st = std::make_unique<Statements>();
    Statements& s = *m_st;
    std::string placeholders;
    for (int i = 0; i < k_n_run_columns; ++i)
        placeholders += i ? ", ?" : "?";
    const std::string insert_run = fmt::format("INSERT INTO runs ({}) VALUES ({})", k_run_columns, placeholders);
    const std::string select_run = fmt::format("SELECT id, {} FROM runs WHERE id = ?", k_run_columns);
    struct Item {
        Stmt* stmt;
        std::string sql;
    };
    const Item items[] = {
        { &s.insert_run, insert_run },
        { &s.insert_data,
            "INSERT INTO run_data (run_id, prompt_text, output_text, prompt_ids, output_ids, token_ms, nll, "
            "reasoning_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" },
        { &s.insert_routing, "INSERT INTO run_routing (run_id, n_tokens, n_layers, k, trace) VALUES (?, ?, ?, ?, ?)" },
        { &s.insert_layer,
            "INSERT INTO run_layers (run_id, layer, imbalance, efficiency, cv, entropy, coverage, "
            "stability, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" },
        { &s.select_run, select_run },
        { &s.select_data,
            "SELECT prompt_text, output_text, prompt_ids, output_ids, token_ms, nll, reasoning_text FROM run_data "
            "WHERE run_id = ?" },
        { &s.select_routing, "SELECT trace FROM run_routing WHERE run_id = ?" },
        { &s.select_layers,
            "SELECT layer, imbalance, efficiency, cv, entropy, coverage, stability, counts "
            "FROM run_layers WHERE run_id = ? ORDER BY layer" },
        { &s.delete_run, "DELETE FROM runs WHERE id = ?" },
        // IMMEDIATE takes the write lock up front, so waiting for another
        // writer happens here (busy timeout) and never halfway through a save
        { &s.begin, "BEGIN IMMEDIATE" },
        { &s.commit, "COMMIT" },
        { &s.rollback, "ROLLBACK" },
    };
    for (const Item& it : items) {
        *it.stmt = Stmt(m_db, it.sql.c_str());
        if (it.stmt->prepare_rc() != SQLITE_OK) fail(it.stmt->prepare_rc(), "preparing its statements");
    }
}

// ---- runs ----------------------------------------------------------------------------

int64_t RunStore::save(const RunRecord& r) {
    if (m_read_only) {
        throw StoreError(StoreFault::read_only,
            fmt::format("the run store {} is open read-only: saving a run is not possible", m_path));
    }
    // everything that takes CPU time happens before the write lock is taken;
    // the load-balance metrics and the trace packing are independent, so
    // they run side by side
    auto balance_job = std::async(std::launch::async, [&] { return routing_balance(r.routing, r.model.n_experts); });
    const std::vector<uint8_t> prompt_ids = pack_i32(r.prompt_ids);
    const std::vector<uint8_t> output_ids = pack_i32(r.output_ids);
    const std::vector<uint8_t> token_ms = pack_f64(r.token_ms);
    const std::vector<uint8_t> trace = encode_routing(r.routing, m_opts.zstd_level);
    const std::vector<LayerBalance> balance = balance_job.get();
    std::vector<std::vector<uint8_t>> counts;
    for (const LayerBalance& b : balance)
        counts.push_back(pack_i32(std::vector<int32_t>(b.counts.begin(), b.counts.end())));
    const std::string created = r.created_at.empty() ? utc_now_iso8601() : r.created_at;
    const std::string preview = prompt_preview(r);
    const std::string stop = r.stop_reason;
    const std::string kind = run_kind_name(r.kind);
    const std::string status = run_status_name(r.status);

    Statements& s = *m_st;
    int rc = SQLITE_OK;
    Transaction tx(m_db, s.begin.get(), s.commit.get(), s.rollback.get(), &rc);
    if (rc != SQLITE_DONE) fail(rc, "saving the run");
    int64_t id = 0;
    {
        Use u(s.insert_run);
        const RunSettings& st = r.settings;
        Binder b { *u };
        b(kind)(created)(status)(stop)(r.notes)(r.model.file_name)(r.model.path)(r.model.file_size)(
            r.model.content_hash)(r.model.name)(r.model.arch)(r.model.quant_mix)(r.model.total_params)(
            r.model.active_params)(r.model.n_layers)(r.model.n_experts)(r.model.n_experts_used)(r.hardware.cpu_model)(
            r.hardware.cpu_threads)(r.hardware.ram_bytes)(r.hardware.gpu_name)(r.hardware.gpu_memory_bytes)(
            r.hardware.gpu_driver)(r.hardware.cuda_version)(r.build.version)(r.build.git_revision)(r.backend)(
            st.temperature)(st.top_k)(st.top_p)(st.min_p)(st.repeat_penalty)(st.repeat_last_n)(st.seed)(st.n_predict)(
            st.n_ctx)(st.n_threads)(st.n_batch)(st.top_k_override)(st.experts_used)(
            preview)(int32_t(r.prompt_ids.size()))(int32_t(r.output_ids.size()))(r.ttft_ms)(r.prefill_ms)(
            r.prefill_tokens_per_s)(r.decode_tokens_per_s)(r.p50_ms)(r.p99_ms);
        const RunFigures& f = r.figures;
        const BenchFigures bf = f.bench.value_or(BenchFigures {});
        b(f.weight_bytes_per_token)(f.achieved_gb_per_s)(f.kv_cache_bytes_per_token)(f.memory_bandwidth_gb_per_s)(
            f.perplexity)(f.mean_nll)(bf.n_prompt)(bf.n_gen)(bf.n_gen_done)(bf.repetitions)(
            bf.prompt_tokens_per_s.mean)(bf.prompt_tokens_per_s.sd)(bf.gen_tokens_per_s.mean)(bf.gen_tokens_per_s.sd)(
            bf.ttft_ms.mean)(bf.ttft_ms.sd)(st.routing_policy)(f.experts_per_token)(f.energy_joules)(
            f.joules_per_token)(f.energy_source)(f.energy_note)(f.price_per_hour)(f.cost_per_mtok);
        if (b.rc != SQLITE_OK) fail(b.rc, "saving the run");
        rc = sqlite3_step(*u);
        if (rc != SQLITE_DONE) fail(rc, "saving the run");
        id = sqlite3_last_insert_rowid(m_db);
    }
    {
        Use u(s.insert_data);
        Binder b { *u };
        const std::string nll = nlohmann::json(r.figures.nll).dump();
        b(id)(r.prompt_text)(r.output_text)(prompt_ids)(output_ids)(token_ms)(nll)(r.reasoning_text);
        if (b.rc != SQLITE_OK) fail(b.rc, "saving the run's tokens");
        rc = sqlite3_step(*u);
        if (rc != SQLITE_DONE) fail(rc, "saving the run's tokens");
    }
    {
        Use u(s.insert_routing);
        Binder b { *u };
        b(id)(int64_t(r.routing.size()))(int32_t(r.routing.n_layers()))(int32_t(r.routing.k()))(trace);
        if (b.rc != SQLITE_OK) fail(b.rc, "saving the routing trace");
        rc = sqlite3_step(*u);
        if (rc != SQLITE_DONE) fail(rc, "saving the routing trace");
    }
    for (size_t l = 0; l < balance.size(); ++l) {
        Use u(s.insert_layer);
        const LayerBalance& lb = balance[l];
        Binder b { *u };
        b(id)(int32_t(l))(lb.imbalance)(lb.efficiency)(lb.cv)(lb.entropy)(lb.coverage)(lb.stability)(counts[l]);
        if (b.rc != SQLITE_OK) fail(b.rc, "saving the load balance");
        rc = sqlite3_step(*u);
        if (rc != SQLITE_DONE) fail(rc, "saving the load balance");
    }
    rc = tx.commit();
    if (rc != SQLITE_DONE) fail(rc, "saving the run");
    return id;
}

RunRecord RunStore::load(int64_t id) {
    Statements& s = *m_st;
    RunRecord r;
    {
        Use u(s.select_run);
        sqlite3_bind_int64(*u, 1, id);
        const int rc = sqlite3_step(*u);
        if (rc == SQLITE_DONE)
            throw StoreError(StoreFault::not_found, fmt::format("there is no run {} in {}", id, m_path));
        if (rc != SQLITE_ROW) fail(rc, fmt::format("reading run {}", id));
        sqlite3_stmt* q = *u;
        int c = 0;
        r.id = col_i64(q, c++);
        const std::string kind = col_text(q, c++);
        if (!run_kind_from_name(kind, &r.kind)) {
            throw StoreError(
                StoreFault::corrupt, fmt::format("run {} in {} has an unknown kind '{}'", id, m_path, kind));
        }
        r.created_at = col_text(q, c++);
        const std::string status = col_text(q, c++);
        if (!run_status_from_name(status, &r.status)) {
            throw StoreError(
                StoreFault::corrupt, fmt::format("run {} in {} has an unknown status '{}'", id, m_path, status));
        }
        r.stop_reason = col_text(q, c++);
        r.notes = col_text(q, c++);
        ModelIdentity& m = r.model;
        m.file_name = col_text(q, c++);
        m.path = col_text(q, c++);
        m.file_size = uint64_t(col_i64(q, c++));
        m.content_hash = col_text(q, c++);
        m.name = col_text(q, c++);
        m.arch = col_text(q, c++);
        m.quant_mix = col_text(q, c++);
        m.total_params = uint64_t(col_i64(q, c++));
        m.active_params = uint64_t(col_i64(q, c++));
        m.n_layers = int32_t(col_i64(q, c++));
        m.n_experts = int32_t(col_i64(q, c++));
        m.n_experts_used = int32_t(col_i64(q, c++));
        HardwareInfo& h = r.hardware;
        h.cpu_model = col_text(q, c++);
        h.cpu_threads = int32_t(col_i64(q, c++));
        h.ram_bytes = uint64_t(col_i64(q, c++));
        h.gpu_name = col_text(q, c++);
        h.gpu_memory_bytes = uint64_t(col_i64(q, c++));
        h.gpu_driver = col_text(q, c++);
        h.cuda_version = col_text(q, c++);
        r.build.version = col_text(q, c++);
        r.build.git_revision = col_text(q, c++);
        r.backend = col_text(q, c++);
        RunSettings& st = r.settings;
        st.temperature = float(col_f64(q, c++));
        st.top_k = int32_t(col_i64(q, c++));
        st.top_p = float(col_f64(q, c++));
        st.min_p = float(col_f64(q, c++));
        st.repeat_penalty = float(col_f64(q, c++));
        st.repeat_last_n = int32_t(col_i64(q, c++));
        st.seed = uint64_t(col_i64(q, c++));
        st.n_predict = int32_t(col_i64(q, c++));
        st.n_ctx = int32_t(col_i64(q, c++));
        st.n_threads = int32_t(col_i64(q, c++));
        st.n_batch = int32_t(col_i64(q, c++));
        st.top_k_override = int32_t(col_i64(q, c++));
        st.experts_used = int32_t(col_i64(q, c++));
        c++; // prompt_preview: derived
        c += 2; // n_prompt, n_output: derived
        r.ttft_ms = col_f64(q, c++);
        r.prefill_ms = col_f64(q, c++);
        r.prefill_tokens_per_s = col_f64(q, c++);
        r.decode_tokens_per_s = col_f64(q, c++);
        r.p50_ms = col_f64(q, c++);
        r.p99_ms = col_f64(q, c++);
        RunFigures& f = r.figures;
        f.weight_bytes_per_token = col_f64(q, c++);
        f.achieved_gb_per_s = col_f64(q, c++);
        f.kv_cache_bytes_per_token = col_f64(q, c++);
        f.memory_bandwidth_gb_per_s = col_f64(q, c++);
        if (sqlite3_column_type(q, c) != SQLITE_NULL) f.perplexity = col_f64(q, c);
        ++c;
        if (sqlite3_column_type(q, c) != SQLITE_NULL) f.mean_nll = col_f64(q, c);
        ++c;
        BenchFigures bf;
        bf.n_prompt = int32_t(col_i64(q, c++));
        bf.n_gen = int32_t(col_i64(q, c++));
        bf.n_gen_done = int32_t(col_i64(q, c++));
        bf.repetitions = int32_t(col_i64(q, c++));
        bf.prompt_tokens_per_s = { col_f64(q, c), col_f64(q, c + 1) };
        bf.gen_tokens_per_s = { col_f64(q, c + 2), col_f64(q, c + 3) };
        bf.ttft_ms = { col_f64(q, c + 4), col_f64(q, c + 5) };
        c += 6;
        if (bf.repetitions > 0) f.bench = bf;
        st.routing_policy = col_text(q, c++);
        f.experts_per_token = col_f64(q, c++);
        auto optional = [&](int i) -> std::optional<double> {
            if (sqlite3_column_type(q, i) == SQLITE_NULL) return std::nullopt;
            return col_f64(q, i);
        };
        f.energy_joules = optional(c++);
        f.joules_per_token = optional(c++);
        f.energy_source = col_text(q, c++);
        f.energy_note = col_text(q, c++);
        f.price_per_hour = optional(c++);
        f.cost_per_mtok = optional(c++);
    }
    auto damaged = [&](const Error& e) {
        return StoreError(StoreFault::corrupt, fmt::format("run {} in {} is damaged: {}", id, m_path, e.what()));
    };
    {
        Use u(s.select_data);
        sqlite3_bind_int64(*u, 1, id);
        const int rc = sqlite3_step(*u);
        if (rc == SQLITE_ROW) {
            r.prompt_text = col_text(*u, 0);
            r.output_text = col_text(*u, 1);
            r.reasoning_text = col_text(*u, 6);
            try {
                const auto prompt = col_blob(*u, 2);
                r.prompt_ids = unpack_i32(prompt.first, prompt.second);
                const auto output = col_blob(*u, 3);
                r.output_ids = unpack_i32(output.first, output.second);
                const auto times = col_blob(*u, 4);
                r.token_ms = unpack_f64(times.first, times.second);
                const nlohmann::json nll = nlohmann::json::parse(col_text(*u, 5), nullptr, false);
                if (!nll.is_array()) throw Error("its per-token NLL is not a list");
                for (const nlohmann::json& v : nll)
                    r.figures.nll.push_back(v.is_number() ? v.get<double>() : 0.0);
            } catch (const StoreError&) {
                throw;
            } catch (const Error& e) {
                throw damaged(e);
            }
        } else if (rc != SQLITE_DONE) {
            fail(rc, fmt::format("reading run {}", id));
        }
    }
    {
        Use u(s.select_routing);
        sqlite3_bind_int64(*u, 1, id);
        const int rc = sqlite3_step(*u);
        if (rc == SQLITE_ROW) {
            auto [p, n] = col_blob(*u, 0);
            try {
                r.routing = decode_routing(p, n);
            } catch (const Error& e) {
                throw damaged(e);
            }
        } else if (rc != SQLITE_DONE) {
            fail(rc, fmt::format("reading the routing of run {}", id));
        }
    }
    return r;
}

std::vector<StoredLayerBalance> RunStore::layer_balances(int64_t id) {
    std::vector<StoredLayerBalance> out;
    Use u(m_st->select_layers);
    sqlite3_bind_int64(*u, 1, id);
    int rc;
    while ((rc = sqlite3_step(*u)) == SQLITE_ROW) {
        StoredLayerBalance s;
        s.layer = int(col_i64(*u, 0));
        s.balance.imbalance = col_f64(*u, 1);
        s.balance.efficiency = col_f64(*u, 2);
        s.balance.cv = col_f64(*u, 3);
        s.balance.entropy = col_f64(*u, 4);
        s.balance.coverage = col_f64(*u, 5);
        s.balance.stability = col_f64(*u, 6);
        auto [p, n] = col_blob(*u, 7);
        try {
            const std::vector<int32_t> c = unpack_i32(p, n);
            s.balance.counts.assign(c.begin(), c.end());
        } catch (const Error& e) {
            throw StoreError(StoreFault::corrupt, fmt::format("run {} in {} is damaged: {}", id, m_path, e.what()));
        }
        int64_t total = 0;
        for (int64_t c : s.balance.counts)
            total += c;
        s.balance.share.resize(s.balance.counts.size());
        for (size_t e = 0; e < s.balance.counts.size(); ++e) {
            s.balance.share[e] = total ? double(s.balance.counts[e]) / double(total) : 0.0;
        }
        out.push_back(std::move(s));
    }
    if (rc != SQLITE_DONE) fail(rc, fmt::format("reading the load balance of run {}", id));
    return out;
}

bool valid_since(const std::string& s) {
    auto digits = [&](size_t at, size_t n) {
        if (s.size() < at + n) return false;
        for (size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
        }
        return true;
    };
    if (!digits(0, 4) || s.size() < 10 || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2)) return false;
    if (s.size() == 10) return true;
    if (s[10] != 'T' && s[10] != ' ') return false;
    if (!digits(11, 2) || s.size() < 16 || s[13] != ':' || !digits(14, 2)) return false;
    size_t at = 16;
    if (s.size() >= 19 && s[16] == ':') {
        if (!digits(17, 2)) return false;
        at = 19;
    }
    return s.size() == at || (s.size() == at + 1 && s[at] == 'Z');
}

std::vector<RunSummary> RunStore::list(const RunFilter& f) {
    std::string sql = "SELECT id, kind, created_at, status, model_name, model_file, model_hash, quant_mix, backend, "
                      "prompt_preview, n_prompt, n_output, ttft_ms, decode_tps FROM runs WHERE 1";
    if (!f.model.empty())
        sql += " AND (instr(lower(model_name), lower(?1)) > 0 OR instr(lower(model_file), lower(?1)) > 0)";
    std::string since = f.since;
    if (!since.empty()) {
        if (!valid_since(since)) {
            throw Error(fmt::format("'{}' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC)", since));
        }
        if (since.size() > 10) since[10] = 'T';
        if (since.back() == 'Z') since.pop_back();
        sql += " AND created_at >= ?2";
    }
    if (f.kind) sql += " AND kind = ?3";
    sql += " ORDER BY id";
    Stmt s(m_db, sql.c_str());
    if (s.prepare_rc() != SQLITE_OK) fail(s.prepare_rc(), "listing runs");
    if (!f.model.empty()) sqlite3_bind_text(s.get(), 1, f.model.c_str(), -1, SQLITE_TRANSIENT);
    if (!since.empty()) sqlite3_bind_text(s.get(), 2, since.c_str(), -1, SQLITE_TRANSIENT);
    if (f.kind) sqlite3_bind_text(s.get(), 3, run_kind_name(*f.kind), -1, SQLITE_STATIC);
    std::vector<RunSummary> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        sqlite3_stmt* q = s.get();
        RunSummary r;
        r.id = col_i64(q, 0);
        run_kind_from_name(col_text(q, 1), &r.kind);
        r.created_at = col_text(q, 2);
        run_status_from_name(col_text(q, 3), &r.status);
        r.model_name = col_text(q, 4);
        r.model_file = col_text(q, 5);
        r.model_hash = col_text(q, 6);
        r.quant_mix = col_text(q, 7);
        r.backend = col_text(q, 8);
        r.prompt_preview = col_text(q, 9);
        r.n_prompt = int32_t(col_i64(q, 10));
        r.n_output = int32_t(col_i64(q, 11));
        r.ttft_ms = col_f64(q, 12);
        r.decode_tokens_per_s = col_f64(q, 13);
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) fail(rc, "listing runs");
    return out;
}

bool RunStore::remove(int64_t id) {
    if (m_read_only) {
        throw StoreError(StoreFault::read_only,
            fmt::format("the run store {} is open read-only: deleting a run is not possible", m_path));
    }
    Statements& s = *m_st;
    int rc = SQLITE_OK;
    Transaction tx(m_db, s.begin.get(), s.commit.get(), s.rollback.get(), &rc);
    if (rc != SQLITE_DONE) fail(rc, fmt::format("deleting run {}", id));
    {
        Use u(s.delete_run);
        sqlite3_bind_int64(*u, 1, id);
        rc = sqlite3_step(*u);
        if (rc != SQLITE_DONE) fail(rc, fmt::format("deleting run {}", id));
    }
    const bool removed = sqlite3_changes(m_db) > 0;
    rc = tx.commit();
    if (rc != SQLITE_DONE) fail(rc, fmt::format("deleting run {}", id));
    return removed;
}

// ---- sweeps -------------------------------------------------------------------------

int64_t RunStore::save_sweep(const SweepResult& r) {
    if (m_read_only) {
        throw StoreError(StoreFault::read_only,
            fmt::format("the run store {} is open read-only: saving a sweep is not possible", m_path));
    }
    Statements& s = *m_st;
    int rc = SQLITE_OK;
    Transaction tx(m_db, s.begin.get(), s.commit.get(), s.rollback.get(), &rc);
    if (rc != SQLITE_DONE) fail(rc, "saving the sweep");
    Stmt head(m_db,
        "INSERT INTO sweeps (created_at, model_file, settings, n_tokens, status, discarded, discarded_tokens) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    Stmt point(m_db,
        "INSERT INTO sweep_points (sweep_id, idx, family, policy, baseline, perplexity, mean_nll, kl, "
        "top1_agreement, experts_per_token, weight_bytes_per_token, decode_tps, pareto, run_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const Stmt* st : { &head, &point })
        if (st->prepare_rc() != SQLITE_OK) fail(st->prepare_rc(), "saving the sweep");
    const std::string created = r.created_at.empty() ? utc_now_iso8601() : r.created_at;
    Binder b { head.get() };
    b(created)(r.model)(r.settings)(int32_t(r.n_tokens))(r.cancelled ? "cancelled" : "complete")(r.discarded)(
        int32_t(r.discarded_tokens));
    if (b.rc != SQLITE_OK) fail(b.rc, "saving the sweep");
    rc = sqlite3_step(head.get());
    if (rc != SQLITE_DONE) fail(rc, "saving the sweep");
    const int64_t id = sqlite3_last_insert_rowid(m_db);
    for (size_t i = 0; i < r.points.size(); ++i) {
        const SweepPoint& p = r.points[i];
        Use u(point);
        Binder pb { *u };
        pb(id)(int32_t(i))(p.family)(p.policy)(int32_t(p.baseline))(p.perplexity)(p.mean_nll)(p.kl)(p.top1_agreement)(
            p.experts_per_token)(p.weight_bytes_per_token)(p.decode_tokens_per_s)(int32_t(p.pareto));
        // a point whose run was not stored (or is not in this file) names none
        pb.keep(p.run_id > 0 ? sqlite3_bind_int64(*u, pb.i++, p.run_id) : sqlite3_bind_null(*u, pb.i++));
        if (pb.rc != SQLITE_OK) fail(pb.rc, "saving the sweep's points");
        rc = sqlite3_step(*u);
        if (rc != SQLITE_DONE) fail(rc, "saving the sweep's points");
    }
    rc = tx.commit();
    if (rc != SQLITE_DONE) fail(rc, "saving the sweep");
    return id;
}

SweepResult RunStore::load_sweep(int64_t id) {
    Stmt head(m_db,
        "SELECT created_at, model_file, settings, n_tokens, status, discarded, discarded_tokens FROM sweeps "
        "WHERE id = ?");
    if (head.prepare_rc() != SQLITE_OK) fail(head.prepare_rc(), "reading a sweep");
    sqlite3_bind_int64(head.get(), 1, id);
    int rc = sqlite3_step(head.get());
    if (rc == SQLITE_DONE)
        throw StoreError(StoreFault::not_found, fmt::format("there is no sweep {} in {}", id, m_path));
    if (rc != SQLITE_ROW) fail(rc, fmt::format("reading sweep {}", id));
    SweepResult r;
    r.id = id;
    r.created_at = col_text(head.get(), 0);
    r.model = col_text(head.get(), 1);
    r.settings = col_text(head.get(), 2);
    r.n_tokens = int(col_i64(head.get(), 3));
    r.cancelled = col_text(head.get(), 4) == "cancelled";
    r.discarded = col_text(head.get(), 5);
    r.discarded_tokens = int(col_i64(head.get(), 6));
    Stmt pts(m_db,
        "SELECT family, policy, baseline, perplexity, mean_nll, kl, top1_agreement, experts_per_token, "
        "weight_bytes_per_token, decode_tps, pareto, run_id FROM sweep_points WHERE sweep_id = ? ORDER BY idx");
    if (pts.prepare_rc() != SQLITE_OK) fail(pts.prepare_rc(), "reading a sweep");
    sqlite3_bind_int64(pts.get(), 1, id);
    while ((rc = sqlite3_step(pts.get())) == SQLITE_ROW) {
        sqlite3_stmt* q = pts.get();
        SweepPoint p;
        p.family = col_text(q, 0);
        p.policy = col_text(q, 1);
        p.baseline = col_i64(q, 2) != 0;
        p.perplexity = col_f64(q, 3);
        p.mean_nll = col_f64(q, 4);
        p.kl = col_f64(q, 5);
        p.top1_agreement = col_f64(q, 6);
        p.experts_per_token = col_f64(q, 7);
        p.weight_bytes_per_token = col_f64(q, 8);
        p.decode_tokens_per_s = col_f64(q, 9);
        p.pareto = col_i64(q, 10) != 0;
        p.run_id = col_i64(q, 11); // NULL (the run deleted) reads 0
        r.points.push_back(std::move(p));
    }
    if (rc != SQLITE_DONE) fail(rc, fmt::format("reading sweep {}", id));
    return r;
}

std::vector<SweepSummary> RunStore::list_sweeps() {
    Stmt s(m_db,
        "SELECT s.id, s.created_at, s.model_file, s.settings, s.n_tokens, s.status, "
        "(SELECT count(*) FROM sweep_points p WHERE p.sweep_id = s.id), "
        "(SELECT min(perplexity) FROM sweep_points p WHERE p.sweep_id = s.id AND NOT p.baseline) "
        "FROM sweeps s ORDER BY s.id");
    if (s.prepare_rc() != SQLITE_OK) fail(s.prepare_rc(), "listing sweeps");
    std::vector<SweepSummary> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        sqlite3_stmt* q = s.get();
        SweepSummary w;
        w.id = col_i64(q, 0);
        w.created_at = col_text(q, 1);
        w.model = col_text(q, 2);
        w.settings = col_text(q, 3);
        w.n_tokens = int(col_i64(q, 4));
        w.cancelled = col_text(q, 5) == "cancelled";
        w.n_points = int(col_i64(q, 6));
        w.best_perplexity = col_f64(q, 7);
        out.push_back(std::move(w));
    }
    if (rc != SQLITE_DONE) fail(rc, "listing sweeps");
    return out;
}

bool RunStore::remove_sweep(int64_t id) {
    if (m_read_only) {
        throw StoreError(StoreFault::read_only,
            fmt::format("the run store {} is open read-only: deleting a sweep is not possible", m_path));
    }
    Stmt s(m_db, "DELETE FROM sweeps WHERE id = ?");
    if (s.prepare_rc() != SQLITE_OK) fail(s.prepare_rc(), fmt::format("deleting sweep {}", id));
    sqlite3_bind_int64(s.get(), 1, id);
    const int rc = sqlite3_step(s.get());
    if (rc != SQLITE_DONE) fail(rc, fmt::format("deleting sweep {}", id));
    return sqlite3_changes(m_db) > 0;
}

std::vector<std::string> RunStore::integrity_check() {
    Stmt s(m_db, "PRAGMA integrity_check");
    if (s.prepare_rc() != SQLITE_OK) fail(s.prepare_rc(), "checking the file");
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
        out.push_back(col_text(s.get(), 0));
    if (rc != SQLITE_DONE) fail(rc, "checking the file");
    if (out.size() == 1 && out[0] == "ok") out.clear();
    return out;
}

} // namespace moe
