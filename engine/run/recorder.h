#pragma once
// Keeping runs: save to the run store, else keep the run as a JSON file for
// `moe-cli runs import`, and say which happened. moe-cli and the window
// both record through a RunRecorder, so a store that is locked, read-only,
// damaged or on a full disk never costs a run without the user being told.
#include "store/run.h"
#include "store/store.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace moe {

struct RecordOutcome {
    std::optional<int64_t> id; // saved as this run in store_path
    std::string store_path;
    std::string kept_path; // not saved: kept here as JSON
    std::string error; // why it was not saved (and, when lost, why it could not be kept)
    bool saved() const { return id.has_value(); }
    bool lost() const { return !id && kept_path.empty(); }
};

class RunRecorder {
public:
    // `store_path` empty: RunStore::default_path().
    explicit RunRecorder(std::string store_path = {}, RunStoreOptions options = {});
    ~RunRecorder();

    // Saves the run, else keeps it as JSON. Never throws.
    RecordOutcome record(const RunRecord& run) noexcept;
    // The store, opened on first use on the calling thread (one connection
    // per thread); a store that failed is tried again on the next call.
    // Null when it cannot be opened; last_error() says why.
    RunStore* store() noexcept;
    const std::string& last_error() const { return m_error; }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    RunStoreOptions m_options;
    std::unique_ptr<RunStore> m_store;
    std::string m_error;
};

// $XDG_DATA_HOME/moe-workbench/unsaved (else ~/.local/share/...): the
// user's own folder, never a shared temp folder. Created 0700.
std::string unsaved_runs_dir();

// Writes the run as JSON into unsaved_runs_dir() (file 0600, created with
// O_EXCL|O_NOFOLLOW, so a planted file or link is never written through)
// and returns its path. Throws moe::Error when it cannot be written (a full
// disk included).
std::string keep_run_as_json(const RunRecord& run);

} // namespace moe
