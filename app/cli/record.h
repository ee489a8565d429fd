#pragma once
// Recording moe-cli runs in the run store: the --db and --no-record options
// of generate, score, bench and chat, and a save that never gets in the way
// of generation (a store that is locked, read-only, damaged or on a full disk
// costs a warning, and the run is kept as JSON in the temp folder to import
// later). The records themselves are built by store/recording.h.
#include "store/recording.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct RecordOptions {
    std::string db;               // empty: the default store (RunStore::default_path())
    bool no_record = false;
    int busy_timeout_ms = 5000;
};

// Adds --db PATH and --no-record to a command.
void add_record_options(CLI::App* cmd, RecordOptions& o);

// Saves the run unless --no-record. Never throws: on any failure it warns
// that the run was not saved and why, and writes the run as JSON to
// $TMPDIR/moe-workbench-unsaved/ (`moe-cli runs import FILE` adds it later).
// Returns the run id when saved.
std::optional<int64_t> save_or_keep(const RecordOptions& o, const moe::RunRecord& rec) noexcept;
