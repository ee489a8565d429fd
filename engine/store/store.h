#pragma once
// The run store: every run in one SQLite file, written by moe-cli on a
// headless server and read by the desktop later.
//
// Setup follows Firefox Places and Qt Creator: WAL, foreign keys and a busy
// timeout set on open and read back; the schema version lives in
// PRAGMA user_version and an ordered ladder of migrations (each in one
// transaction with its version bump) brings older files up to date; a file
// from a newer build is refused without being touched. Each run is saved in
// one transaction, so a process killed mid-save leaves every earlier run
// intact. One RunStore is one connection: use it from one thread.
#include "error.h"
#include "store/run.h"
#include "store/sweep_record.h"
#include "telemetry/metrics.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace moe {

// What went wrong, so callers can react (offer another file, keep the run in
// memory) without parsing the message.
enum class StoreFault { locked, read_only, corrupt, newer_version, full, not_found, io, other };

class StoreError : public Error {
public:
    StoreError(StoreFault fault, const std::string& what)
        : Error(what)
        , m_fault(fault) { }
    StoreFault fault() const { return m_fault; }

private:
    StoreFault m_fault;
};

struct RunStoreOptions {
    int busy_timeout_ms = 5000; // how long to wait for another process's write to finish
    bool read_only = false; // open for reading only (list, show, export, compare)
    uint32_t max_page_count = 0; // cap the file at this many pages (0: no cap); a full cap behaves as a full disk
    // PRAGMA quick_check before writing into an existing file, so a damaged
    // file is reported and left alone instead of written into. Reads every
    // page: about 0.1 s per 100 MB.
    bool check_on_open = true;
    int zstd_level = 3; // routing trace compression, 1 (fast) .. 19
};

struct RunSummary {
    int64_t id = 0;
    RunKind kind = RunKind::generate;
    std::string created_at;
    RunStatus status = RunStatus::complete;
    std::string model_name;
    std::string model_file;
    std::string model_hash;
    std::string quant_mix;
    std::string backend;
    std::string prompt_preview; // first characters of the prompt text, or of its ids
    int32_t n_prompt = 0;
    int32_t n_output = 0;
    double ttft_ms = 0.0;
    double decode_tokens_per_s = 0.0;
};

struct RunFilter {
    std::string model; // substring of the model name or file name; "" = all
    std::string since; // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]" UTC: runs created then or later
    std::optional<RunKind> kind;
};

// Load-balance metrics as stored per layer (the counts are the per-expert
// loads; the co-activation matrix is not stored, it is derived from the trace).
struct StoredLayerBalance {
    int layer = 0;
    LayerBalance balance;
};

class RunStore {
public:
    static constexpr int k_schema_version = 6;

    // $XDG_DATA_HOME/moe-workbench/runs.sqlite, else ~/.local/share/moe-workbench/runs.sqlite.
    static std::string default_path();

    // Opens or creates the store (and its folder). Throws StoreError.
    explicit RunStore(const std::string& path, const RunStoreOptions& opts = {});
    ~RunStore();
    RunStore(RunStore&&) noexcept;
    RunStore& operator=(RunStore&&) noexcept;
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    const std::string& path() const { return m_path; }
    bool read_only() const { return m_read_only; }
    int schema_version();

    // Saves the run in one transaction and returns its id (rec.id is ignored).
    // The per-layer load balance is computed from rec.routing here.
    int64_t save(const RunRecord& rec);
    // Throws StoreError(not_found) for an id that is not there.
    RunRecord load(int64_t id);
    // Per-layer load balance stored with the run.
    std::vector<StoredLayerBalance> layer_balances(int64_t id);
    std::vector<RunSummary> list(const RunFilter& filter = {});
    // False when there was no such run. The run's trace and metrics go with it.
    bool remove(int64_t id);
    // A sweep as one record, its points in order (their per-position NLL
    // stays with their score runs); returns its id (r.id is ignored).
    int64_t save_sweep(const SweepResult& r);
    // Throws StoreError(not_found) for an id that is not there.
    SweepResult load_sweep(int64_t id);
    std::vector<SweepSummary> list_sweeps();
    // False when there was no such sweep. Its runs stay.
    bool remove_sweep(int64_t id);

    // PRAGMA integrity_check: empty when the file is sound, else its complaints.
    std::vector<std::string> integrity_check();

private:
    struct Statements;
    void configure();
    void migrate();
    void prepare();
    [[noreturn]] void fail(int rc, const std::string& doing) const;

    std::string m_path;
    RunStoreOptions m_opts;
    sqlite3* m_db = nullptr;
    bool m_read_only = false;
    std::unique_ptr<Statements> m_st;
};

// Is `s` a date or time --since accepts ("YYYY-MM-DD", optionally "THH:MM[:SS][Z]")?
bool valid_since(const std::string& s);

} // namespace moe
