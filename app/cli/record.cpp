#include "record.h"

#include "store/store.h"

#include <spdlog/spdlog.h>

void add_record_options(CLI::App* cmd, RecordOptions& o) {
    cmd->add_option("--db", o.db, "run store to record into (default: $XDG_DATA_HOME/moe-workbench/runs.sqlite)");
    cmd->add_flag("--no-record", o.no_record, "do not record this run in the run store");
}

std::optional<int64_t> save_or_keep(const RecordOptions& o, const moe::RunRecord& rec) noexcept {
    if (o.no_record) return std::nullopt;
    std::string path = o.db;
    try {
        if (path.empty()) path = moe::RunStore::default_path();
        moe::RunStoreOptions so;
        so.busy_timeout_ms = o.busy_timeout_ms;
        moe::RunStore store(path, so);
        const int64_t id = store.save(rec);
        spdlog::info("recorded as run {} in {}", id, path);
        return id;
    } catch (const std::exception& e) {
        spdlog::warn("the run was not saved: {}", e.what());
    }
    try {
        const std::string file = moe::keep_run_as_json(rec);
        spdlog::warn("it is kept in {}; `moe-cli runs import {} [--db PATH]` adds it to a store later", file, file);
    } catch (const std::exception& e) {
        spdlog::error("the run could not be kept either: {}", e.what());
    }
    return std::nullopt;
}
